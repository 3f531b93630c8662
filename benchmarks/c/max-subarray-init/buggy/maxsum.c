/* Reads n and n integers; prints the largest sum of a non-empty run of consecutive
   numbers (Kadane's algorithm). */
#include <stdio.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1 || n <= 0)
        return 1;
    long best = 0, here = 0;
    for (int i = 0; i < n; i++) {
        long x;
        if (scanf("%ld", &x) != 1)
            return 1;
        here = i == 0 || here < 0 ? x : here + x;
        if (here > best)
            best = here;
    }
    printf("%ld\n", best);
    return 0;
}
