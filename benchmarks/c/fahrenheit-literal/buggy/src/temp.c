#include "temp.h"

static int div_round(int num, int den) {
    return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

int c_to_f(int tenths_c) {
    return div_round(tenths_c * 9, 5) + 320;
}

int f_to_c(int tenths_f) {
    return div_round((tenths_f - 230) * 5, 9);
}

int is_freezing_f(int tenths_f) {
    return f_to_c(tenths_f) <= 0;
}
