"""Which failing tests a patch must fix: targets, pre-existing failures, flaky tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from apr.errors import CannotReproduce, UsageError
from apr.model import Outcome, TestRun, TestStatus
from apr.validate.expect import Expectation, expectation, judge, match_tests, read_failing

P, F, T = TestStatus.PASSED, TestStatus.FAILED, TestStatus.TIMEOUT
IDS = ["tests/test_a.py::test_one", "tests/test_a.py::test_two", "tests/test_b.py::T::test_x",
       "pkg.CalcTest#testAdd"]


def run(**outcomes: TestStatus) -> TestRun:
    return TestRun({k.replace("__", "::"): v for k, v in outcomes.items()}, 0.1, 1)


def test_every_failing_test_is_a_target_unless_flaky() -> None:
    baseline = TestRun({"a": F, "b": F, "c": P}, 1.0, 1)
    rerun = TestRun({"a": F, "b": P}, 1.0, 1)
    assert expectation(baseline, rerun) == Expectation(targets=("a",), flaky=("b",))
    assert expectation(baseline, None) == Expectation(targets=("a", "b"))


def test_named_targets_leave_the_other_failures_preexisting() -> None:
    baseline = TestRun({"t::a": F, "t::env": F, "t::c": P}, 1.0, 1)
    expect = expectation(baseline, TestRun({"t::a": F, "t::env": F}, 1.0, 1), ["a"])
    assert expect == Expectation(targets=("t::a",), preexisting=("t::env",))
    assert expect.tolerated == {"t::env"}


def test_a_named_test_that_passes_cannot_be_a_target() -> None:
    baseline = TestRun({"t::a": F, "t::c": P}, 1.0, 1)
    with pytest.raises(CannotReproduce, match="passes on the unpatched code"):
        expectation(baseline, None, ["t::c"])


def test_names_match_ids_ends_and_files() -> None:
    assert match_tests(["tests/test_a.py::test_two"], IDS) == ["tests/test_a.py::test_two"]
    assert match_tests(["test_x"], IDS) == ["tests/test_b.py::T::test_x"]
    assert match_tests(["T::test_x", "testAdd"], IDS) == ["tests/test_b.py::T::test_x",
                                                          "pkg.CalcTest#testAdd"]
    assert match_tests(["tests/test_a.py"], IDS) == IDS[:2]
    with pytest.raises(UsageError, match="no such test.*did you mean tests/test_a.py::test_one"):
        match_tests(["tests/test_a.py::test_onee"], IDS)


def test_failing_names_from_a_file(tmp_path: Path) -> None:
    listed = tmp_path / "targets.txt"
    listed.write_text("# the bug\ntests/test_a.py::test_one\n\n  test_x  \n")
    assert read_failing(["a", f"@{listed}"]) == ("a", "tests/test_a.py::test_one", "test_x")
    with pytest.raises(UsageError, match="cannot read"):
        read_failing([f"@{tmp_path / 'missing.txt'}"])


def test_judge_tolerates_preexisting_and_flaky_failures_only() -> None:
    expect = Expectation(targets=("a", "b"), preexisting=("env",), flaky=("flaky",))
    partial = judge(TestRun({"a": P, "b": F, "env": F, "flaky": F, "c": P}, 1, 1), expect)
    assert partial.outcome is Outcome.PLAUSIBLE  # nothing broken: the caller decides partial
    assert partial.fixed == {"a"} and partial.unfixed == {"b"}
    broken = judge(TestRun({"a": P, "b": P, "c": F}, 1, 1), expect)
    assert broken.outcome is Outcome.TEST_FAILED and broken.broken == ("c",)
    hung = judge(TestRun({"a": P, "c": T}, 1, 1), expect)
    assert hung.outcome is Outcome.TIMEOUT
    assert judge(TestRun({"a": P}, 1, 1, errors=("x: SyntaxError",)), expect).outcome \
        is Outcome.COMPILE_FAILED
    assert judge(TestRun({"a": P, "b": P}, 1, 2), expect).outcome is Outcome.ERROR  # exit 2
    assert judge(TestRun({"a": F, "b": T}, 1, 1), expect).hung
