from __future__ import annotations

import math

import pytest

from apr.errors import UsageError
from apr.localize.formulas import dstar, ochiai, tarantula
from apr.localize.sbfl import TRACE_BOOST, localize, spectrum
from apr.localize.stacktrace import trace_frames
from apr.model import TestRun, TestStatus

P, F = TestStatus.PASSED, TestStatus.FAILED


def make_run() -> TestRun:
    return TestRun(
        outcomes={"t1": F, "t2": P, "t3": P},
        seconds=1.0, returncode=1,
        coverage={
            "t1": {"m.py": (1, 2, 5), "test_m.py": (9,)},
            "t2": {"m.py": (1, 2, 3)},
            "t3": {"m.py": (1, 3)},
        })


def test_spectrum_counts_failing_and_passing() -> None:
    spec = spectrum(make_run(), keep=lambda f: not f.startswith("test_"))
    assert spec[("m.py", 1)] == (1, 2)
    assert spec[("m.py", 5)] == (1, 0)
    assert spec[("m.py", 3)] == (0, 2)
    assert ("test_m.py", 9) not in spec


def test_ochiai_ranks_line_only_failing_test_runs_first() -> None:
    ranked = localize(make_run(), "ochiai", keep=lambda f: f == "m.py")
    assert [(loc.line, round(loc.score, 3)) for loc in ranked] == [
        (5, 1.0), (2, round(1 / math.sqrt(2), 3)), (1, round(1 / math.sqrt(3), 3))]


@pytest.mark.parametrize("formula", [ochiai, dstar, tarantula])
def test_formulas_are_zero_without_failing_coverage(formula) -> None:  # type: ignore[no-untyped-def]
    assert formula(0, 3, 1, 0) == 0.0
    assert formula(1, 0, 0, 3) > formula(1, 2, 0, 1)


def test_unknown_formula() -> None:
    with pytest.raises(UsageError, match="ochiai"):
        localize(make_run(), "magic", keep=lambda f: True)


def test_stack_trace_boosts_deepest_frame() -> None:
    run = make_run()
    trace = ("test_m.py:9: in test_x\n    f()\nm.py:2: in f\n    g()\nm.py:3: in g\n"
             "    raise ValueError\nE   ValueError")
    boosted = TestRun(run.outcomes, run.seconds, run.returncode, coverage=run.coverage,
                      traces={"t1": trace})
    scores = {loc.line: loc.score for loc in localize(boosted, "ochiai", lambda f: f == "m.py")}
    plain = {loc.line: loc.score for loc in localize(run, "ochiai", lambda f: f == "m.py")}
    # line 3 is missing from t1's coverage, but its trace shows t1 ran it: (1 failing, 2 passing)
    assert scores[3] == pytest.approx(ochiai(1, 2, 0, 0) + TRACE_BOOST)
    assert scores[2] == pytest.approx(plain[2] + TRACE_BOOST / 2)


def test_a_raising_line_coverage_lost_ranks_first() -> None:
    """The line that raised is in the failing test's traceback but not in its coverage (its
    tracer was displaced, or JaCoCo's probe after the line never ran): it is a line the test ran,
    run by no passing test, so it ranks first, above the lines the test's coverage kept."""
    run = TestRun(
        outcomes={"t1": F, "t2": P}, seconds=1.0, returncode=1,
        coverage={"t1": {"m.py": (1, 2)}, "t2": {"m.py": (1,)}},
        traces={"t1": "m.py:2: in f\n    g()\nm.py:7: in g\n    open(path)\nE   NameError"})
    ranked = localize(run, "ochiai", lambda f: f == "m.py")
    assert [loc.line for loc in ranked] == [7, 2, 1]
    assert ranked[0].score == pytest.approx(1.0 + TRACE_BOOST)
    assert spectrum(run, lambda f: True)[("m.py", 1)] == (1, 1)  # coverage alone: unchanged


def test_trace_frames_both_styles() -> None:
    text = 'pkg/a.py:10: in f\n  File "/abs/pkg/b.py", line 3, in g\n'
    assert trace_frames(text) == [("pkg/a.py", 10), ("/abs/pkg/b.py", 3)]


def test_trace_frames_of_node() -> None:
    text = ("AssertionError: 1 !== 2\n"
            "    at countInRange (/w/ws/src/stats.js:7:9)\n"
            "    at TestContext.<anonymous> (file:///w/ws/test/s.test.mjs:12:30)\n"
            "    at /w/ws/lib/a%20b.cjs:3:1\n"
            "    at Test.run (node:internal/test_runner/test:796:25)\n"
            "    at async Promise.all (index 0)\n")
    assert trace_frames(text) == [("/w/ws/lib/a b.cjs", 3), ("/w/ws/test/s.test.mjs", 12),
                                  ("/w/ws/src/stats.js", 7)]
