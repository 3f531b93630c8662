/* A minimal TAP harness: plan(n), ok(cond, name), is_int, is_str, done_testing(). */
#ifndef TAP_H
#define TAP_H
#include <stdio.h>
#include <string.h>

static int tap_run = 0, tap_failed = 0;

static void plan(int n) { printf("1..%d\n", n); }

static int tap_ok(int pass, const char *name, const char *file, int line) {
    tap_run++;
    printf("%sok %d - %s\n", pass ? "" : "not ", tap_run, name);
    if (!pass) {
        tap_failed++;
        printf("# Failed test '%s'\n#   at %s line %d.\n", name, file, line);
    }
    return pass;
}

static void tap_is_int(long got, long want, const char *name, const char *file, int line) {
    if (!tap_ok(got == want, name, file, line))
        printf("#          got: %ld\n#     expected: %ld\n", got, want);
}

static void tap_is_str(const char *got, const char *want, const char *name,
                       const char *file, int line) {
    int same = got && want ? strcmp(got, want) == 0 : got == want;
    if (!tap_ok(same, name, file, line))
        printf("#          got: '%s'\n#     expected: '%s'\n", got ? got : "(null)",
               want ? want : "(null)");
}

#define ok(cond, name) tap_ok((cond) != 0, name, __FILE__, __LINE__)
#define is_int(got, want, name) tap_is_int((long)(got), (long)(want), name, __FILE__, __LINE__)
#define is_str(got, want, name) tap_is_str(got, want, name, __FILE__, __LINE__)

static int done_testing(void) { return tap_failed ? 1 : 0; }

#endif
