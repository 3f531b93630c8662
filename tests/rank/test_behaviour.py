"""Behaviour on the tests: how far a patch moves each test's lines from the buggy program's."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apr.cli import main
from apr.generate.tokenlm import tokens
from apr.lang import get_language
from apr.model import Candidate, Edit, Outcome, TestRun, TestStatus, ValidationResult
from apr.pipeline import ORIGINAL, observed
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo
from apr.rank.behaviour import REGION, Behaviour, compare, distance, shifts, steady, value_distance
from apr.rank.estimate import BEHAVIOUR, Estimator, estimate
from apr.validate.multihunk import ValidationRun
from apr.validate.validator import Limits, Plan, Validator, WorkspacePool
from tests.conftest import RepoFactory

SOURCE = b"a = 1\nb = 2\nc = 3\nd = 4\n"


def edit(old: bytes, new: str, source: bytes = SOURCE, file: str = "m.py") -> Edit:
    start = source.index(old)
    return Edit(file, start, start + len(old), new)


def test_lines_after_the_region_shift_back_and_the_region_is_one_mark() -> None:
    shift = shifts([edit(b"b = 2\n", "b = 2\nb += 1\nb *= 2\n")], {"m.py": SOURCE})["m.py"]
    assert [shift.original(n) for n in (1, 2, 3, 4)] == [1, REGION, 3, 4]
    assert [shift.patched(n) for n in (1, 2, 3, 4, 5, 6)] == [1, REGION, REGION, REGION, 3, 4]


def test_a_deleted_line_shifts_the_rest_up() -> None:
    shift = shifts([edit(b"b = 2\nc = 3\n", "")], {"m.py": SOURCE})["m.py"]
    assert [shift.patched(n) for n in (1, 2)] == [1, 4]  # line 2 is now the old line 4
    assert shift.original(3) == REGION


def test_the_same_path_through_a_rewritten_line_is_no_change() -> None:
    regions = shifts([edit(b"b = 2", "b = 20")], {"m.py": SOURCE})
    assert distance({"m.py": [1, 2, 4]}, {"m.py": [1, 2, 4]}, regions) == 0.0
    # another path: line 3 instead of line 4 (the union has 4 lines, 2 are shared)
    assert distance({"m.py": [1, 2, 4]}, {"m.py": [1, 2, 3]}, regions) == pytest.approx(0.5)
    assert distance({}, {}, regions) == 0.0


def test_lines_of_other_files_compare_as_they_are() -> None:
    regions = shifts([edit(b"b = 2\n", "")], {"m.py": SOURCE})
    assert distance({"t.py": [5]}, {"t.py": [5]}, regions) == 0.0
    assert distance({"t.py": [5], "m.py": [4]}, {"t.py": [5], "m.py": [3]}, regions) == 0.0


def run(outcomes: dict[str, TestStatus], coverage: dict[str, dict[str, tuple[int, ...]]],
        ) -> TestRun:
    return TestRun(outcomes, 1.0, 0, coverage=coverage)


def test_compare_means_over_the_tests_passing_in_both_runs() -> None:
    ok, bad = TestStatus.PASSED, TestStatus.FAILED
    baseline = run({"p1": ok, "p2": ok, "f": bad, "other": ok, "broken": ok},
                   {"p1": {"m.py": (1, 4)}, "p2": {"m.py": (1,)}, "f": {"m.py": (1, 2)},
                    "other": {"m.py": (1,)}, "broken": {"m.py": (1,)}})
    patched = run({"p1": ok, "p2": ok, "f": ok, "new": ok, "broken": bad},
                  {"p1": {"m.py": (1, 3)}, "p2": {"m.py": (1,)}, "f": {"m.py": (1, 2, 4)},
                   "new": {"m.py": (1,)}, "broken": {"m.py": (3,)}})
    seen = compare(baseline, patched, [edit(b"b = 2", "b = 20")], {"m.py": SOURCE})
    assert seen is not None
    # "f" failed at the baseline, "other" was not run again, "new" is unknown to the
    # baseline, "broken" fails now
    assert seen.tests == 2
    assert seen.passing == pytest.approx((2 / 3 + 0) / 2)


def test_no_test_to_compare_is_no_behaviour() -> None:
    baseline = run({"p": TestStatus.PASSED}, {"p": {"m.py": (1,)}})
    patched = run({"p": TestStatus.FAILED, "q": TestStatus.PASSED},
                  {"p": {"m.py": (1,)}, "q": {"m.py": (1,)}})
    assert compare(baseline, patched, [edit(b"b = 2", "b")], {"m.py": SOURCE}) is None


PRIME = {
    "conftest.py": "",
    "calc.py": '''
        def smallest_factor(n):
            """The smallest factor of n above 1: n itself for a prime."""
            i = 2
            while i * i <= n:
                if n % i == 0:
                    return i
                i += 1
            return 1
        ''',
    "test_calc.py": '''
        from calc import smallest_factor


        def test_composite():
            assert 15 % smallest_factor(15) == 0


        def test_prime():
            assert smallest_factor(7) == 7
        ''',
}


@contextlib.contextmanager
def calc_project(make_repo: RepoFactory, files: dict[str, str] = PRIME,
                 driver: PytestDriver | None = None,
                 ) -> Iterator[tuple[Snapshot, PytestDriver, bytes, dict[str, Candidate]]]:
    """The project ``files`` (``calc.py`` and its tests), a driver, ``calc.py`` and patches of
    it: ``fix`` (the developer's ``return n``), ``skip`` (skips the factor 3: another path for
    the weak passing test), ``wide`` (the fix and ``return i * 5``: the same path, another
    value)."""
    snap = Snapshot(UserRepo.locate(make_repo(files)))
    driver = driver or PytestDriver()
    try:
        source = snap.read("calc.py")
        fix = edit(b"return 1", "return n", source, "calc.py")
        patches = {"fix": (fix,),
                   "skip": (edit(b"n % i == 0", "n % i == 0 and i > 3", source, "calc.py"),),
                   "wide": (edit(b"return i\n", "return i * 5\n", source, "calc.py"), fix)}
        yield snap, driver, source, {name: Candidate(edits, "t", "t", 1.0)
                                     for name, edits in patches.items()}
    finally:
        driver.close()
        snap.close()


def test_observed_on_the_real_runner(make_repo: RepoFactory) -> None:
    """The developer's ``return n`` leaves the passing test on its path; skipping the factor 3
    (which that weak test allows) runs it on through the loop to the last line."""
    with calc_project(make_repo) as (snap, driver, source, patches):
        ws = snap.workspace("baseline")
        baseline = driver.run(ws.project_dir, ws.root, coverage=True, test_timeout=10)
        assert baseline.failing == ("test_calc.py::test_prime",)
        pool = WorkspacePool(snap)
        composite = ["test_calc.py::test_composite"]
        original = pool.observe(driver, ORIGINAL, composite, 60.0, 10.0)
        assert original.coverage[composite[0]] == baseline.coverage[composite[0]]
        seen = {}
        for name in ("fix", "skip"):
            patched = pool.observe(driver, patches[name], composite, 60.0, 10.0)
            assert patched.passing == tuple(composite)
            seen[name] = compare(original, patched, patches[name].edits, {"calc.py": source})
        assert seen["fix"] == Behaviour(0.0, 1)
        assert seen["skip"] is not None and seen["skip"].passing > 0.1
        assert (pool.take().root / "calc.py").read_bytes() == source  # restored


def test_value_distance_is_a_multiset_jaccard_distance() -> None:
    assert value_distance({"f:a": 2, "f:b": 1}, {"f:a": 2, "f:b": 1}) == 0.0
    assert value_distance({"f:a": 2, "f:b": 1}, {"f:a": 1, "g:c": 1}) == pytest.approx(1 - 1 / 4)
    assert value_distance({}, {}) == 0.0
    assert value_distance({"f:a": 1}, {}) == 1.0
    assert value_distance({"f:a": 2, "g:b": 1}, {"f:a": 2, "g:c": 1}, {"f"}) == 0.0


def test_values_that_two_runs_of_the_original_do_not_repeat_are_noise() -> None:
    first = {"f:a": 1, "now:t1": 1, "g:b": 2}
    second = {"f:a": 1, "now:t2": 1, "g:b": 2}
    assert steady(first, second) == {"f", "g"}
    ok = TestStatus.PASSED

    def runs(values: dict[str, int]) -> TestRun:
        return TestRun({"p": ok}, 1.0, 0, coverage={"p": {"m.py": (1,)}}, values={"p": values})

    patched = runs({"f:a": 1, "now:t3": 1, "g:b": 2})
    edits = [edit(b"b = 2", "b = 3")]
    assert compare(runs(first), patched, edits, {"m.py": SOURCE}, runs(second)) == \
        Behaviour(0.0, 1, 0.0)
    alone = compare(runs(first), patched, edits, {"m.py": SOURCE})
    assert alone is not None and alone.values == pytest.approx(1 - 3 / 5)


def test_observed_values_tell_a_changed_value_on_the_same_path(make_repo: RepoFactory) -> None:
    """``return i * 5`` beside the fix keeps the weak passing test on its lines (15 % 15 is 0
    too) but changes what ``smallest_factor(15)`` returns: only the values tell it."""
    with calc_project(make_repo) as (snap, driver, source, patches):
        pool = WorkspacePool(snap)
        composite = ["test_calc.py::test_composite"]
        original = pool.observe(driver, ORIGINAL, composite, 60.0, 10.0, ["calc.py"])
        assert sum(original.values[composite[0]].values()) == 1  # one return: 3
        seen = {name: compare(original, pool.observe(driver, patches[name], composite, 60.0,
                                                      10.0, ["calc.py"]),
                              patches[name].edits, {"calc.py": source})
                for name in ("fix", "wide")}
        assert seen["fix"] == Behaviour(0.0, 1, 0.0)
        assert seen["wide"] == Behaviour(0.0, 1, 1.0)


NOISY = {**PRIME, "calc.py": '''
    import os


    def nonce():
        return os.urandom(8).hex()


    def smallest_factor(n):
        """The smallest factor of n above 1: n itself for a prime."""
        nonce()
        i = 2
        while i * i <= n:
            if n % i == 0:
                return i
            i += 1
        return 1
    '''}


def test_observed_leaves_out_the_values_the_original_does_not_repeat(
        make_repo: RepoFactory) -> None:
    """``nonce()`` returns another value in every run: a second run of the original program
    shows it, so the fix moves no value."""
    with calc_project(make_repo, NOISY) as (snap, driver, source, patches):
        fix, wide = patches["fix"], patches["wide"]
        run = plausible_run(snap, driver, (fix, wide), time.monotonic() + 120)
        seen = observed(run, {"calc.py": source}, time.monotonic() + 120)
        assert seen[fix] == Behaviour(0.0, 1, 0.0)
        assert seen[wide] == Behaviour(0.0, 1, 1.0)


class SecondValuesRunTimesOut(PytestDriver):
    """The pytest driver, but its second run that records values ends as timed out."""

    values_runs = 0

    def run(self, *args: Any, **kw: Any) -> TestRun:
        done = super().run(*args, **kw)
        if kw.get("values"):
            self.values_runs += 1
            if self.values_runs == 2:
                return dataclasses.replace(done, timed_out=True)
        return done


def test_without_the_originals_second_run_no_patch_is_ranked_on_values(
        make_repo: RepoFactory) -> None:
    """The runs go one at a time (one worker): the original, the original again (timed out
    here), then the patches. Their lines still compare; their values do not."""
    with calc_project(make_repo, NOISY, SecondValuesRunTimesOut()) as (snap, driver, source,
                                                                        patches):
        fix, wide = patches["fix"], patches["wide"]
        run = plausible_run(snap, driver, (fix, wide), time.monotonic() + 120)
        run.workers = 1
        seen = observed(run, {"calc.py": source}, time.monotonic() + 120)
        assert seen == {fix: Behaviour(0.0, 1), wide: Behaviour(0.0, 1)}


def plausible_run(snap: Snapshot, driver: PytestDriver, patches: tuple[Candidate, ...],
                  deadline: float) -> ValidationRun:
    """A validation run of ``snap`` (baseline with coverage) whose results are ``patches``, all
    plausible, under limits ending at ``deadline``."""
    ws = snap.workspace("baseline")
    baseline = driver.run(ws.project_dir, ws.root, coverage=True, test_timeout=10)
    limits = Limits(budget=10, deadline=deadline, max_patches=5, test_timeout=10.0,
                    run_timeout=60.0)
    run = ValidationRun(Validator(snap, driver, Plan.of(baseline), limits), workers=2)
    run.results = [ValidationResult(c, Outcome.PLAUSIBLE, 0.1, 2, index=i)
                   for i, c in enumerate(patches)]
    return run


def test_the_estimate_weighs_the_behaviour_when_it_is_known() -> None:
    patch = Candidate((edit(b"b = 2", "b = 3"),), "t", "t", 1.0)
    known = Estimator({"m.py": SOURCE}, get_language("python"), tokens,
                      behaviours={patch: Behaviour(0.5, 3)})
    parts = estimate(patch, known)
    assert parts["behaviour"] == BEHAVIOUR * 0.5
    unknown = estimate(patch, Estimator({"m.py": SOURCE}, get_language("python"), tokens))
    assert "behaviour" not in unknown
    assert unknown["total"] - parts["total"] == pytest.approx(-BEHAVIOUR * 0.5)
    with_values = estimate(patch, Estimator({"m.py": SOURCE}, get_language("python"), tokens,
                                            behaviours={patch: Behaviour(0.5, 3, 0.25)}))
    assert with_values["behaviour_values"] == BEHAVIOUR * 0.25
    assert "behaviour_values" not in parts


def test_repair_observes_its_plausible_patches_and_reports_their_behaviour(
        make_repo: RepoFactory, tmp_path: Path) -> None:
    """End to end: several plausible patches, each observed once more with coverage, and the
    behaviour in each one's estimate."""
    repo = make_repo(PRIME)
    report = tmp_path / "report.json"
    assert main(["repair", str(repo), "--workers", "2", "--quiet", "--max-patches", "3",
                 "--report", str(report)]) == 0
    patches = json.loads(report.read_text())["patches"]
    assert len(patches) == 3
    assert all(-1 <= p["estimate"]["behaviour"] <= 0 for p in patches)
    assert all(-1 <= p["estimate"]["behaviour_values"] <= 0 for p in patches)


def test_observe_patches_off_ranks_without_running_them_again(make_repo: RepoFactory,
                                                             tmp_path: Path) -> None:
    repo = make_repo({**PRIME, "apr.toml": "observe_patches = false\n"})
    report = tmp_path / "report.json"
    assert main(["repair", str(repo), "--workers", "2", "--quiet", "--max-patches", "2",
                 "--report", str(report)]) == 0
    data = json.loads(report.read_text())
    assert len(data["patches"]) == 2
    assert not any("behaviour" in p["estimate"] for p in data["patches"])


def test_observed_keeps_to_the_runs_deadline_not_the_searchs(make_repo: RepoFactory) -> None:
    """The search for more patches leaves its own, shorter deadline in the run's limits;
    observing the patches afterwards goes by the run's (a past one there observed nothing)."""
    with calc_project(make_repo) as (snap, driver, source, patches):
        fix, skip = patches["fix"], patches["skip"]
        run = plausible_run(snap, driver, (fix, skip), time.monotonic() - 1)  # past
        sources = {"calc.py": source}
        assert observed(run, sources, time.monotonic() - 1) == {}  # no time: nothing
        seen = observed(run, sources, time.monotonic() + 120)
        assert seen[fix] == Behaviour(0.0, 1, 0.0)
        assert seen[skip].passing > 0.1
