from __future__ import annotations

import json

from apr.model import (
    Candidate,
    Edit,
    Hunk,
    Location,
    Outcome,
    RepairResult,
    RepairStatus,
    TestRun,
    TestStatus,
    ValidationResult,
    from_json,
    to_json,
)


def roundtrip(value: object) -> object:
    return from_json(type(value), json.loads(json.dumps(to_json(value))))


def test_values_roundtrip_through_json() -> None:
    cand = Candidate((Edit("a.py", 3, 4, "<="),), "template", "mutate-operator", 0.5, "< -> <=")
    result = ValidationResult(cand, Outcome.PLAUSIBLE, 1.5, 4, ("t::x",), "diff", 2, "")
    run = TestRun({"t::a": TestStatus.PASSED, "t::b": TestStatus.FAILED}, 1.0, 1,
                  coverage={"t::a": {"a.py": (1, 2)}}, traces={"t::b": "boom"},
                  durations={"t::a": 0.1})
    repair = RepairResult(RepairStatus.PLAUSIBLE, (result,), (Location("a.py", 3, 0.7),),
                          ("t::b",), 10, 3, 4.2, {"baseline": 1.0}, "", {"plausible": 1})
    for value in (cand, result, run, repair, Hunk("a.py", 1, 2, 0, 10, 0.3, 1)):
        assert roundtrip(value) == value


def test_testrun_failing_includes_timeouts() -> None:
    run = TestRun({"a": TestStatus.PASSED, "b": TestStatus.TIMEOUT, "c": TestStatus.FAILED,
                   "d": TestStatus.SKIPPED}, 0.0, 1)
    assert run.failing == ("b", "c")
    assert run.passing == ("a",)


def test_candidate_files_sorted_unique() -> None:
    cand = Candidate((Edit("b.py", 0, 0, "x"), Edit("a.py", 0, 1, ""), Edit("b.py", 5, 5, "y")),
                     "template", "t", 1.0)
    assert cand.files == ("a.py", "b.py")
