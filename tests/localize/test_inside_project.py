"""Localization never points outside the project's tree (a hazard: candidates would edit it)."""

from __future__ import annotations

from pathlib import Path

from apr.config import RepairConfig
from apr.lang import get_language
from apr.model import TestRun, TestStatus
from apr.pipeline import _localize
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo
from tests.conftest import BUGGY_STATS, RepoFactory

BOUNDS = "tests/test_summary.py::test_count_bounds_inclusive"


def test_frames_and_coverage_outside_the_tree_are_ignored(make_repo: RepoFactory,
                                                          tmp_path: Path) -> None:
    repo = make_repo(BUGGY_STATS)
    outside = tmp_path / "outside" / "plugin.py"  # like apr's own plugin in a long TMPDIR
    outside.parent.mkdir()
    outside.write_text("x = 1\n" * 20)
    (repo / "untracked_ignored.py").write_text("y = 2\n")
    (repo / ".gitignore").write_text("untracked_ignored.py\n")
    climb = f"../{outside.relative_to(tmp_path).as_posix()}"
    trace = (f"{climb}:7: in alarm\n    x = 1\n"
             f'File "{outside}", line 9, in f\n'
             "stats/summary.py:27: in count_in_range\n")
    baseline = TestRun(
        {BOUNDS: TestStatus.FAILED, "tests/test_summary.py::test_mean": TestStatus.PASSED},
        1.0, 1, traces={BOUNDS: trace},
        coverage={BOUNDS: {"stats/summary.py": (27,), climb: (7,),
                           "untracked_ignored.py": (1,)}})
    snap = Snapshot(UserRepo.locate(repo))
    driver = PytestDriver()
    try:
        found = _localize(baseline, snap, driver, get_language("python"), RepairConfig())
    finally:
        driver.close()
        snap.close()
    assert {loc.file for loc in found} == {"stats/summary.py"}
