/* Reads n and n heights; prints how many are peaks (higher than both neighbours)
   and the position (1-based) of the first peak, or 0. */
#include <stdio.h>

int main(void) {
    int n;
    static int h[100000];
    if (scanf("%d", &n) != 1 || n < 0 || n > 100000)
        return 1;
    for (int i = 0; i < n; i++) {
        if (scanf("%d", &h[i]) != 1)
            return 1;
    }
    int peaks = 0, first = 0;
    for (int i = 1; i < n - 2; i++) {
        if (h[i] > h[i - 1] && h[i] > h[i + 1]) {
            peaks++;
            if (first == 0)
                first = i + 1;
        }
    }
    printf("%d %d\n", peaks, first);
    return 0;
}
