"""The make driver on real tiny C projects: TAP outcomes, crashes, hangs, subsets, coverage,
compile errors."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound
from apr.model import TestStatus
from apr.project import detect_driver
from apr.project.make import MakeDriver
from tests.project.c_fixture import (
    BUGGY_LINE,
    FAILING_TEST,
    MAKEFILE,
    TAP_H,
    make_c_project,
    needs_cc,
    write_project,
)

pytestmark = needs_cc

#: A second test program whose behaviour the test picks through its argument.
MISC_C = textwrap.dedent("""\
    #include <stdlib.h>
    #include <string.h>
    #include "tap.h"

    int main(int argc, char **argv) {
        const char *mode = argc > 1 ? argv[1] : "";
        plan(3);
        ok(1, "first");
        if (strcmp(mode, "crash") == 0) { volatile int *p = NULL; *p = 1; }
        if (strcmp(mode, "hang") == 0) { for (;;) {} }
        ok(1, "second # not a directive");
        ok(1, "skipped one # SKIP no network");
        return done_testing();
    }
    """)


def _with_misc(tmp_path: Path, mode: str) -> Path:
    makefile = MAKEFILE.replace("tests/test_count\n", "tests/test_count tests/test_misc\n",
                                1).replace(
        "\t./tests/test_count\n", f"\t./tests/test_count\n\ttests/test_misc {mode}\n")
    root = make_c_project(tmp_path)
    return write_project(root, {"Makefile": makefile, "tests/test_misc.c": MISC_C},
                         commit=False)


@pytest.fixture
def driver() -> Iterator[MakeDriver]:
    made = MakeDriver()
    yield made
    made.close()


def test_outcomes_come_from_tap_per_program(tmp_path: Path, driver: MakeDriver) -> None:
    root = make_c_project(tmp_path)
    assert detect_driver(root, "c") == "make"
    run = driver.run(root, root, timeout=60, test_timeout=5)
    assert run.errors == ()
    assert run.failing == (FAILING_TEST,)
    assert len(run.passing) == 6  # four tests and each program's (exit)
    assert "tests/test_count::(exit)" in run.passing  # its failure is explained by a test
    assert "got: 2" in run.traces[FAILING_TEST] and "expected: 3" in run.traces[FAILING_TEST]
    assert run.returncode == 1


def test_the_fixed_project_passes(tmp_path: Path, driver: MakeDriver) -> None:
    root = make_c_project(tmp_path, fixed=True)
    run = driver.run(root, root, timeout=60, test_timeout=5)
    assert run.failing == () and run.returncode == 0 and len(run.outcomes) == 7


def test_skip_directives_and_a_second_program(tmp_path: Path, driver: MakeDriver) -> None:
    root = _with_misc(tmp_path, "normal")
    run = driver.run(root, root, timeout=60, test_timeout=5)
    assert run.outcomes["tests/test_misc::second # not a directive"] is TestStatus.PASSED
    assert run.outcomes["tests/test_misc::skipped one"] is TestStatus.SKIPPED
    assert run.failing == (FAILING_TEST,)  # a failing program does not stop make


def test_a_crash_fails_the_program_and_the_tests_it_did_not_reach(
        tmp_path: Path, driver: MakeDriver) -> None:
    root = _with_misc(tmp_path, "normal")
    driver.run(root, root, timeout=60, test_timeout=5)  # the names are learnt
    write_project(root, {"Makefile": (root / "Makefile").read_text().replace(
        "tests/test_misc normal", "tests/test_misc crash")}, commit=False)
    run = driver.run(root, root, timeout=60, test_timeout=5)
    assert run.outcomes["tests/test_misc::first"] is TestStatus.PASSED
    assert run.outcomes["tests/test_misc::(exit)"] is TestStatus.FAILED
    assert run.outcomes["tests/test_misc::second # not a directive"] is TestStatus.FAILED
    trace = run.traces["tests/test_misc::(exit)"]
    assert "SIGSEGV" in trace and "after 'first'" in trace and "1 of 3 planned" in trace
    assert run.outcomes[FAILING_TEST] is TestStatus.FAILED  # the other program still ran


NULL_C = textwrap.dedent("""\
    #include "tap.h"
    #include "../src/stats.h"

    int main(void) {
        plan(1);
        is_int((int) stats_sum(0, 2), 0, "sum of no array");
        return done_testing();
    }
    """)


def test_a_crashing_program_keeps_the_coverage_it_ran(tmp_path: Path, driver: MakeDriver) -> None:
    """gcc writes coverage at exit, which a crash never reaches: apr's crash header writes it
    when the signal comes (``apr/project/c/apr-gcov-crash.h``), so localization sees the
    lines a test ran before it crashed (a NULL dereference in ``stats_sum``, line 27). Around
    the crash the lines are approximate: gcc derives some counts from others, which the crash
    leaves unbalanced (here line 27 is missed and the ``return`` counted)."""
    makefile = MAKEFILE.replace("tests/test_count\n", "tests/test_count tests/test_null\n",
                                1).replace("\t./tests/test_count\n",
                                           "\t./tests/test_count\n\t./tests/test_null\n")
    root = write_project(make_c_project(tmp_path), {"Makefile": makefile,
                                                    "tests/test_null.c": NULL_C}, commit=False)
    run = driver.run(root, root, coverage=True, timeout=60, test_timeout=5)
    assert run.outcomes["tests/test_null::(exit)"] is TestStatus.FAILED
    assert "SIGSEGV" in run.traces["tests/test_null::(exit)"]
    assert {24, 25, 26} <= set(run.coverage["tests/test_null::(exit)"]["src/stats.c"])


def test_a_hanging_program_hits_its_time_limit(tmp_path: Path, driver: MakeDriver) -> None:
    root = _with_misc(tmp_path, "hang")
    run = driver.run(root, root, timeout=60, test_timeout=0.1)
    assert not run.timed_out
    assert run.outcomes["tests/test_misc::(exit)"] is TestStatus.TIMEOUT
    assert "time limit" in run.traces["tests/test_misc::(exit)"]
    assert run.outcomes["tests/test_summary::sum adds every value"] is TestStatus.PASSED


def test_a_subset_runs_only_its_programs(tmp_path: Path, driver: MakeDriver) -> None:
    root = _with_misc(tmp_path, "normal")
    driver.run(root, root, timeout=60, test_timeout=5)
    asked = [FAILING_TEST, "tests/test_count::gone"]
    run = driver.run(root, root, asked, timeout=60, test_timeout=5)
    assert set(run.outcomes) == set(asked)
    assert "not reported" in run.traces["tests/test_count::gone"]
    assert "apr-skip tests/test_misc" in run.output and "ok 1 - first" not in run.output


def test_coverage_is_per_program_and_skips_tests(tmp_path: Path, driver: MakeDriver) -> None:
    root = _with_misc(tmp_path, "normal")
    run = driver.run(root, root, coverage=True, timeout=60, test_timeout=5)
    stats = run.coverage[FAILING_TEST]
    assert list(stats) == ["src/stats.c"]
    assert BUGGY_LINE in stats["src/stats.c"] and 5 not in stats["src/stats.c"]
    assert 5 in run.coverage["tests/test_summary::sum adds every value"]["src/stats.c"]
    assert run.coverage["tests/test_misc::first"] == {}  # it calls no library code
    assert driver.is_test_file("tests/test_count.c") and not driver.is_test_file("src/stats.c")


def test_a_compile_error_is_reported_as_errors(tmp_path: Path, driver: MakeDriver) -> None:
    root = make_c_project(tmp_path)
    source = (root / "src/stats.c").read_text().replace("count++;", "count++")
    write_project(root, {"src/stats.c": source}, commit=False)
    run = driver.run(root, root, timeout=60, test_timeout=5)
    assert run.outcomes == {}
    assert run.errors and "src/stats.c:" in run.errors[0].splitlines()[-1]
    assert "error:" in run.errors[0].splitlines()[-1]


def test_a_missing_target_is_an_error_not_an_empty_run(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"Makefile": "all:\n\ttrue\n", "tests/tap.h": TAP_H})
    driver = MakeDriver("make check")
    try:
        run = driver.run(root, root, timeout=60)
    finally:
        driver.close()
    assert run.errors and "No rule to make target" in run.errors[0]


def test_a_missing_make_is_a_clear_error(tmp_path: Path) -> None:
    root = make_c_project(tmp_path)
    driver = MakeDriver("apr-no-such-make test")
    try:
        with pytest.raises(TestCommandNotFound, match="apr-no-such-make not found"):
            driver.run(root, root, timeout=60)
    finally:
        driver.close()
