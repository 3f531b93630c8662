"""Tiny C projects for the tests, built in ``tmp_path`` as git repositories.

:func:`make_c_project` is the one a repair test starts from: a statistics library whose
``make test`` prints TAP, with a one-token bug (``<`` for ``<=``) that fails exactly one test,
``tests/test_count::count_at_most counts values equal to the limit``. :func:`write_project`
builds any other tree (a dict of relative path -> text), and ``TAP_H`` is a minimal TAP
harness a test program includes (``plan``, ``ok``, ``is_int``, ``is_str``, ``done_testing``).
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

#: The id of the test the bug of :func:`make_c_project` fails.
FAILING_TEST = "tests/test_count::count_at_most counts values equal to the limit"
#: The buggy line of ``src/stats.c`` in :func:`make_c_project` (1-based).
BUGGY_LINE = 17

TAP_H = textwrap.dedent("""\
    /* A minimal TAP harness: plan(n), ok(cond, name), is_int, is_str, done_testing(). */
    #ifndef TAP_H
    #define TAP_H
    #include <stdio.h>
    #include <string.h>

    static int tap_run = 0, tap_failed = 0;

    static void plan(int n) { printf("1..%d\\n", n); }

    static int tap_ok(int pass, const char *name, const char *file, int line) {
        tap_run++;
        printf("%sok %d - %s\\n", pass ? "" : "not ", tap_run, name);
        if (!pass) {
            tap_failed++;
            printf("# Failed test '%s'\\n#   at %s line %d.\\n", name, file, line);
        }
        return pass;
    }

    static void tap_is_int(long got, long want, const char *name, const char *file, int line) {
        if (!tap_ok(got == want, name, file, line))
            printf("#          got: %ld\\n#     expected: %ld\\n", got, want);
    }

    static void tap_is_str(const char *got, const char *want, const char *name,
                           const char *file, int line) {
        int same = got && want ? strcmp(got, want) == 0 : got == want;
        if (!tap_ok(same, name, file, line))
            printf("#          got: '%s'\\n#     expected: '%s'\\n", got ? got : "(null)",
                   want ? want : "(null)");
    }

    #define ok(cond, name) tap_ok((cond) != 0, name, __FILE__, __LINE__)
    #define is_int(got, want, name) tap_is_int((long)(got), (long)(want), name, __FILE__, __LINE__)
    #define is_str(got, want, name) tap_is_str(got, want, name, __FILE__, __LINE__)

    static int done_testing(void) { return tap_failed ? 1 : 0; }

    #endif
    """)

GITIGNORE = "*.o\n*.a\n*.gcda\n*.gcno\n*.gcov\n/tests/test_*\n!/tests/test_*.c\n.apr-build/\n"

STATS_H = textwrap.dedent("""\
    #ifndef STATS_H
    #define STATS_H
    int stats_max(const int *values, int n);
    int stats_count_at_most(const int *values, int n, int limit);
    long stats_sum(const int *values, int n);
    #endif
    """)

STATS_C = textwrap.dedent("""\
    /* Small statistics over arrays of ints. */
    #include "stats.h"

    int stats_max(const int *values, int n) {
        int best = values[0];
        for (int i = 1; i < n; i++) {
            if (values[i] > best) {
                best = values[i];
            }
        }
        return best;
    }

    int stats_count_at_most(const int *values, int n, int limit) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (values[i] < limit) {
                count++;
            }
        }
        return count;
    }

    long stats_sum(const int *values, int n) {
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += values[i];
        }
        return total;
    }
    """)

TEST_SUMMARY_C = textwrap.dedent("""\
    #include "tap.h"
    #include "../src/stats.h"

    int main(void) {
        int some[] = {4, 9, 2, 9, 1};
        int negative[] = {-5, -2, -7};
        plan(3);
        is_int(stats_max(some, 5), 9, "max finds the largest value");
        is_int(stats_max(negative, 3), -2, "max of negative values");
        is_int(stats_sum(some, 5), 25, "sum adds every value");
        return done_testing();
    }
    """)

TEST_COUNT_C = textwrap.dedent("""\
    #include "tap.h"
    #include "../src/stats.h"

    int main(void) {
        int some[] = {4, 9, 2, 9, 1};
        plan(2);
        is_int(stats_count_at_most(some, 5, 3), 2, "count_at_most counts smaller values");
        is_int(stats_count_at_most(some, 5, 4), 3,
               "count_at_most counts values equal to the limit");
        return done_testing();
    }
    """)

MAKEFILE = textwrap.dedent("""\
    CFLAGS = -Wall -O2 -Isrc
    TESTS = tests/test_summary tests/test_count

    .PHONY: test clean
    test: $(TESTS)
    \t./tests/test_summary
    \t./tests/test_count

    tests/%: tests/%.c src/stats.c src/stats.h tests/tap.h
    \t$(CC) $(CFLAGS) -o $@ $< src/stats.c $(LDFLAGS)

    clean:
    \trm -f $(TESTS) *.gcda *.gcno tests/*.gcda tests/*.gcno
    """)


def missing_c_tools(*extra: str) -> str:
    """What of cc, make, gcov (and ``extra``) is not installed, as a skip reason; else ""."""
    absent = [t for t in ("cc", "make", "gcov", *extra) if shutil.which(t) is None]
    return f"needs {', '.join(absent)}" if absent else ""


needs_cc = pytest.mark.skipif(bool(missing_c_tools()), reason=missing_c_tools() or "ok")
needs_cmake = pytest.mark.skipif(bool(missing_c_tools("cmake", "ctest")),
                                 reason=missing_c_tools("cmake", "ctest") or "ok")


def write_project(root: Path, files: dict[str, str], *, commit: bool = True) -> Path:
    """Write ``files`` (relative path -> text) under ``root``; make it a git repository with
    one commit when ``commit``. Returns ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if commit:
        git = ["git", "-c", "user.name=apr", "-c", "user.email=apr@example.com"]
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run([*git, "-C", str(root), "add", "-A"], check=True)
        subprocess.run([*git, "-C", str(root), "commit", "-qm", "init"], check=True)
    return root


def make_c_project(tmp_path: Path, *, fixed: bool = False, name: str = "cstats") -> Path:
    """A git repository at ``tmp_path / name``: ``src/stats.{c,h}``, two TAP test programs
    (``tests/test_summary.c``: 3 tests of max and sum; ``tests/test_count.c``: 2 tests of
    count_at_most), and a Makefile whose ``test`` target builds and runs them.

    The bug: ``values[i] < limit`` for ``<=`` at ``src/stats.c`` line :data:`BUGGY_LINE`, which
    fails :data:`FAILING_TEST` only; ``fixed=True`` writes the fixed version.
    """
    source = STATS_C.replace("values[i] < limit", "values[i] <= limit") if fixed else STATS_C
    return write_project(tmp_path / name, {
        "Makefile": MAKEFILE, ".gitignore": GITIGNORE, "src/stats.h": STATS_H,
        "src/stats.c": source, "tests/tap.h": TAP_H, "tests/test_summary.c": TEST_SUMMARY_C,
        "tests/test_count.c": TEST_COUNT_C,
    })
