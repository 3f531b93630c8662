"""The io driver: a program, inputs and expected outputs (Codeflaws style)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound, UsageError
from apr.model import TestStatus
from apr.project import gcov
from apr.project.io_driver import IODriver, first_difference, parse_options, same_output
from tests.project.c_fixture import needs_cc, write_project

# reads n and n numbers; prints their maximum; n == 0 crashes, n < 0 loops (test seams)
PROGRAM = textwrap.dedent("""\
    #include <stdio.h>

    int main(void) {
        int n, best = 0, x;
        if (scanf("%d", &n) != 1) return 1;
        if (n < 0) for (;;) {}
        if (n == 0) { volatile int *p = NULL; *p = 1; }
        for (int i = 0; i < n; i++) {
            scanf("%d", &x);
            if (i == 0 || x > best) best = x;
        }
        printf("%d   \\n\\n", best);
        return 0;
    }
    """)

TESTS = {"tests/1.in": "3\n1 5 2\n", "tests/1.out": "5\n",
         "tests/2.in": "2\n-4 -3\n", "tests/2.out": "-3\n",
         "tests/3.in": "1\n7\n", "tests/3.out": "8\n",
         "tests/4.in": "0\n", "tests/4.out": "0\n",
         "tests/5.in": "-1\n", "tests/5.out": "0\n",
         "tests/lonely.in": "1\n"}


@needs_cc
def test_io_outcomes_crash_timeout_and_coverage(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"max.c": PROGRAM, **TESTS})
    driver = IODriver()
    try:
        assert driver.list_tests(root) == [f"tests/{n}" for n in "12345"]
        run = driver.run(root, root, coverage=True, timeout=60, test_timeout=0.5)
        assert run.outcomes == {"tests/1": TestStatus.PASSED, "tests/2": TestStatus.PASSED,
                                "tests/3": TestStatus.FAILED, "tests/4": TestStatus.FAILED,
                                "tests/5": TestStatus.TIMEOUT}
        assert "line 1: expected '8', got '7'" in run.traces["tests/3"]
        assert "SIGSEGV" in run.traces["tests/4"]
        assert set(run.coverage["tests/1"]) == {"max.c"}
        assert 8 in run.coverage["tests/1"]["max.c"]
        crashed = run.coverage["tests/4"]["max.c"]  # written when the crash came (apr's header)
        assert {3, 4, 5, 6, 7} <= set(crashed) and 9 not in crashed
        hang = driver.run(root, root, ["tests/5"], timeout=1)  # no test_timeout: the run's
        assert hang.outcomes == {"tests/5": TestStatus.TIMEOUT}
        subset = driver.run(root, root, ["tests/2", "tests/lonely"], timeout=60)
        assert subset.outcomes["tests/2"] is TestStatus.PASSED
        assert subset.outcomes["tests/lonely"] is TestStatus.FAILED
        (root / "max.c").write_text(PROGRAM.replace("return 0;", "return 0"))
        broken = driver.run(root, root, timeout=60)
        assert broken.outcomes == {} and "max.c:" in broken.errors[0].splitlines()[-1]
    finally:
        driver.close()


def test_output_comparison_ignores_trailing_whitespace() -> None:
    assert same_output("5   \n\n\n", "5\n")
    assert not same_output("5\n6\n", "5\n")
    assert first_difference("5\n6\n", "5\n") == "line 2: expected the end of the output, got '6'"
    assert first_difference("", "5\n") == "line 1: expected '5', got the end of the output"


def test_options_are_checked() -> None:
    assert parse_options("program=bin/prog tests=cases") == {"program": "bin/prog",
                                                             "tests": "cases"}
    with pytest.raises(UsageError):
        parse_options("prog=x")


def test_a_missing_compiler_is_a_clear_error(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"max.c": PROGRAM, **TESTS}, commit=False)
    driver = IODriver("cc=apr-no-such-cc")
    try:
        with pytest.raises(TestCommandNotFound, match="apr-no-such-cc not found"):
            driver.run(root, root, timeout=60)
    finally:
        driver.close()


def test_a_missing_gcov_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    (tmp_path / "max.gcda").write_bytes(b"")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(TestCommandNotFound, match="gcov not found"):
        gcov.collect(tmp_path, tmp_path, lambda file: True)
