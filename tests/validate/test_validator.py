from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.model import Candidate, Edit, Outcome, TestRun, TestStatus
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo
from apr.validate.cache import ValidationCache
from apr.validate.expect import Expectation, judge
from apr.validate.validator import Limits, Validator, WorkspacePool
from tests.conftest import BUGGY_STATS, RepoFactory

BUGGY_LINE = b"        if low <= v < high:"


@pytest.fixture
def setup(make_repo: RepoFactory) -> Iterator[tuple[Snapshot, PytestDriver, TestRun]]:
    snap = Snapshot(UserRepo.locate(make_repo(BUGGY_STATS)))
    driver = PytestDriver()
    ws = snap.workspace("baseline")
    baseline = driver.run(ws.project_dir, ws.root, test_timeout=5)
    try:
        yield snap, driver, baseline
    finally:
        driver.close()
        snap.close()


def edit(snap: Snapshot, old: bytes, new: str) -> Candidate:
    source = snap.read("stats/summary.py")
    start = source.index(old)
    return Candidate((Edit("stats/summary.py", start, start + len(old), new),), "test", "t", 1.0,
                     new.strip())


def limits(**kw: float) -> Limits:
    values = {"budget": 100, "deadline": time.monotonic() + 120, "max_patches": 1,
              "test_timeout": 2.0, "run_timeout": 30.0, **kw}
    return Limits(**values)  # type: ignore[arg-type]


def test_outcomes_of_each_kind(setup: tuple[Snapshot, PytestDriver, TestRun]) -> None:
    snap, driver, baseline = setup
    assert baseline.failing == ("tests/test_summary.py::test_count_bounds_inclusive",)
    cands = [
        edit(snap, BUGGY_LINE, "        if low < v < high:"),            # still failing
        edit(snap, BUGGY_LINE, "        if low <= v <= high:"),          # the fix
        edit(snap, BUGGY_LINE, "        if low <= v <= high"),           # does not compile
        edit(snap, BUGGY_LINE, "        while True: pass\n        if 1:"),  # hangs
    ]
    validator = Validator(snap, driver, baseline, limits(max_patches=5))
    results = {r.index: r for r in validator.validate(cands, workers=2)}
    assert results[0].outcome is Outcome.TEST_FAILED
    assert results[1].outcome is Outcome.PLAUSIBLE
    assert "+        if low <= v <= high:" in results[1].diff
    assert results[2].outcome is Outcome.COMPILE_FAILED
    assert results[3].outcome is Outcome.TIMEOUT
    ws = snap.workspace("check")  # the snapshot itself was never edited
    assert ws.diff() == ""


def test_stops_after_max_patches_in_rank_order(setup: tuple[Snapshot, PytestDriver, TestRun]
                                               ) -> None:
    snap, driver, baseline = setup
    fix = edit(snap, BUGGY_LINE, "        if low <= v <= high:")
    wrong = edit(snap, BUGGY_LINE, "        if low < v < high:")
    validator = Validator(snap, driver, baseline, limits())
    results = list(validator.validate([wrong, fix, wrong, wrong, wrong, wrong], workers=1))
    assert [r.index for r in results] == [0, 1]
    assert results[-1].outcome is Outcome.PLAUSIBLE


def test_results_come_in_rank_order_and_none_after_the_patch_is_kept(
        setup: tuple[Snapshot, PytestDriver, TestRun], tmp_path: Path) -> None:
    """The slow fix ranks first; the wrong candidates after it finish before it. With two
    workers the run is the fix and the one candidate after it, whatever finished when: which
    candidates a run reports must not follow the workers' timing (a re-run on the same code
    would validate others, and miss the cache)."""
    snap, driver, baseline = setup
    source = snap.read("stats/summary.py")
    slow = source.index(b"    count = 0")
    fix = edit(snap, BUGGY_LINE, "        if low <= v <= high:")
    slow_fix = Candidate((Edit("stats/summary.py", slow, slow + len(b"    count = 0"),
                               "    count = __import__('time').sleep(2) or 0"),
                          *fix.edits), "test", "t", 1.0, "slow fix")
    mark = tmp_path / "ran"  # the third candidate's tests append to it
    wrong = [edit(snap, BUGGY_LINE, f"        if low < v < high{tail}:")
             for tail in ("", " + 0", f" - len(open({str(mark)!r}, 'a').write('x') * '')")]
    with ValidationCache(tmp_path / "cache") as cache:
        validator = Validator(snap, driver, baseline, limits(test_timeout=30.0),
                              cache.scope(snap, None))
        results = list(validator.validate([slow_fix, *wrong], workers=2))
        assert [(r.index, r.outcome) for r in results] == [(0, Outcome.PLAUSIBLE),
                                                           (1, Outcome.TEST_FAILED)]
        assert cache.stats.misses == 2  # the lookups of the dropped ones are not counted
        # a later phase takes a dropped result as its own, not as a duplicate of nothing, and
        # does not run its tests again (when it ran beside the fix, as it does but under load)
        ran = mark.read_text() if mark.exists() else ""
        again = list(validator.with_limits(limits(), None, offset=4).validate(wrong[2:3], 1))
        assert [(r.outcome, r.duplicate_of) for r in again] == [(Outcome.TEST_FAILED, None)]
        assert (mark.read_text() == ran) if ran else mark.read_text()


def test_budget_limits_validations(setup: tuple[Snapshot, PytestDriver, TestRun]) -> None:
    snap, driver, baseline = setup
    wrong = edit(snap, BUGGY_LINE, "        if low < v < high:")
    results = list(Validator(snap, driver, baseline, limits(budget=2)).validate([wrong] * 5, 2))
    assert len(results) == 2


def test_judge_requires_every_asked_test_to_run() -> None:
    expect = Expectation(targets=("a",))
    run = TestRun({"a": TestStatus.PASSED}, 0.1, 0)
    assert judge(run, expect, ["a"]).outcome is Outcome.PLAUSIBLE
    assert judge(run, expect, ["a", "b"]).outcome is Outcome.ERROR
    assert judge(TestRun({}, 0.1, 5), expect).outcome is Outcome.ERROR
    timed_out = TestRun({"a": TestStatus.PASSED}, 0.1, None, timed_out=True)
    assert judge(timed_out, expect).outcome is Outcome.TIMEOUT


def test_warm_up_makes_the_workspaces_and_starts_their_workers(make_repo: RepoFactory) -> None:
    """Started ahead (while the baseline runs), the workers serve the candidates' runs: no
    second server for a workspace, the outcomes as ever."""
    snap = Snapshot(UserRepo.locate(make_repo(BUGGY_STATS)))
    driver = PytestDriver(warm=True)
    try:
        ws = snap.workspace("baseline")
        baseline = driver.run(ws.project_dir, ws.root, coverage=True, test_timeout=5)  # cold
        pool = WorkspacePool(snap)
        thread = pool.warm_up(driver, 2)
        assert thread is not None
        thread.join(120)
        assert len(pool.free) == 2 and driver.warm is not None
        assert len(driver.warm.pids()) == 2
        validator = Validator(snap, driver, baseline, limits(), pool=pool)
        fix = edit(snap, BUGGY_LINE, "        if low <= v <= high:")
        results = list(validator.validate([fix], workers=1))
        assert results[0].outcome is Outcome.PLAUSIBLE
        assert len(driver.warm.pids()) == 2 and pool.count == 2
    finally:
        driver.close()
        snap.close()


class _Foreseeing(PytestDriver):
    """The pytest driver, recording what the validator shows it of the coming candidates."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[list[dict[str, bytes]]] = []

    def foresee(self, project_dir: object, repo_root: object,
                coming: list[dict[str, bytes]]) -> None:
        self.shown.append(coming)


def test_a_driver_that_prepares_is_shown_each_coming_program_once(
        setup: tuple[Snapshot, PytestDriver, TestRun]) -> None:
    """What the next candidates will write, before each candidate's runs: each program once
    (a candidate that makes the same program as an earlier one is answered from it), never
    one that does not parse, never one whose turn has come."""
    snap, _, baseline = setup
    texts = ["        if low < v < high:", "        if low <= v <= high:",
             "        if low <= v <= high", "        if (low <= v <= high):",
             "        if low <= v  <=  high:", "        if low < v <= high:"]
    cands = [edit(snap, BUGGY_LINE, t) for t in texts]
    driver = _Foreseeing()
    try:
        validator = Validator(snap, driver, baseline, limits(max_patches=9))
        results = sorted(validator.validate(cands, workers=1), key=lambda r: r.index)
    finally:
        driver.close()
    original = snap.read("stats/summary.py")
    patched = [original.replace(BUGGY_LINE, t.encode()) for t in texts]
    shown = [[patched.index(v["stats/summary.py"]) for v in coming] for coming in driver.shown]
    assert shown == [[1, 5], [5]]  # 2 does not parse; 3 and 4 make 1's program; 5 is last
    assert [r.duplicate_of for r in results] == [None, None, None, 1, 1, None]
    assert results[2].outcome is Outcome.COMPILE_FAILED
