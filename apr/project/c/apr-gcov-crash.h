/* apr: coverage counters that survive a crash (apr/project/gcov.py).
 *
 * Every coverage build includes this file (-include). A program built with --coverage writes
 * its counters when it exits, not when a signal kills it, so a test that crashes (a NULL
 * dereference, a failed assert) would leave no coverage, and spectrum-based localization would
 * not see the lines it ran. On SIGSEGV, SIGABRT, SIGFPE, SIGBUS and SIGILL the handler writes
 * the counters, then dies of the same signal (the test's outcome is unchanged); an alarm ends
 * it if writing hangs. A handler the program sets itself replaces this one. The lines around
 * the crash are approximate: gcc derives some counts from others, and a crash leaves them
 * unbalanced (the line that crashed may be missed, a line after it counted). */
#ifndef APR_GCOV_CRASH_H
#define APR_GCOV_CRASH_H
#include <signal.h>

extern void __gcov_dump(void);  /* libgcov's: every --coverage link has it */
extern unsigned int alarm(unsigned int);

static void apr_gcov_crashed(int sig) {
    signal(sig, SIG_DFL);
    alarm(5);
    __gcov_dump();
    raise(sig);
}

__attribute__((constructor)) static void apr_gcov_catch(void) {
    static const int sigs[] = {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL};
    unsigned i;
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        void (*before)(int) = signal(sigs[i], apr_gcov_crashed);
        if (before != SIG_DFL && before != SIG_ERR && before != apr_gcov_crashed) {
            signal(sigs[i], before);
        }
    }
}
#endif
