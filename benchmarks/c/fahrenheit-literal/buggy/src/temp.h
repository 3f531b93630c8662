#ifndef TEMP_H
#define TEMP_H
/* Temperature conversions in tenths of a degree, rounded to the nearest tenth. */
int c_to_f(int tenths_c);
int f_to_c(int tenths_f);
int is_freezing_f(int tenths_f);
#endif
