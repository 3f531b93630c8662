"""Which failures matter, end to end: --failing, partial patches, flaky tests, test selection."""

from __future__ import annotations

import json
from pathlib import Path

from apr.cli import main
from tests.conftest import BUGGY_STATS, RepoFactory

BOUNDS = "tests/test_summary.py::test_count_bounds_inclusive"
ENV = {"tests/test_env.py": '''
    import shutil


    def test_needs_a_tool():
        assert shutil.which("apr-no-such-tool"), "the tool is not installed"
    '''}
FLAKY = {"tests/test_flaky.py": '''
    from pathlib import Path


    def test_fails_the_first_time():
        mark = Path(__file__).with_name(".ran-once")
        first = not mark.exists()
        mark.write_text("x")
        assert not first
    '''}


def repair(path: Path, report: Path, *flags: str) -> tuple[int, dict]:
    code = main(["repair", str(path), "--workers", "2", "--quiet", "--report", str(report),
                 *flags])
    return code, json.loads(report.read_text())


def test_failing_names_the_target_and_tolerates_the_rest(make_repo: RepoFactory,
                                                          tmp_path: Path) -> None:
    repo = make_repo({**BUGGY_STATS, **ENV})
    code, data = repair(repo, tmp_path / "r.json", "--failing", "test_count_bounds_inclusive")
    assert code == 0 and data["status"] == "plausible"
    assert data["failing_tests"] == [BOUNDS]
    assert data["preexisting_failures"] == ["tests/test_env.py::test_needs_a_tool"]
    assert "+        if low <= v <= high:" in data["patches"][0]["diff"]


def test_without_failing_the_best_patch_is_partial(make_repo: RepoFactory,
                                                    tmp_path: Path) -> None:
    repo = make_repo({**BUGGY_STATS, **ENV})
    code, data = repair(repo, tmp_path / "r.json", "--budget", "40")
    assert code == 1 and data["status"] == "partial"
    best = data["patches"][0]
    assert best["fixes"] == [BOUNDS]
    assert best["still_failing"] == ["tests/test_env.py::test_needs_a_tool"]
    assert "+        if low <= v <= high:" in best["diff"]


def test_a_flaky_test_is_named_and_ignored(make_repo: RepoFactory, tmp_path: Path,
                                           capsys) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({**BUGGY_STATS, **FLAKY})
    code, data = repair(repo, tmp_path / "r.json")
    assert code == 0 and data["status"] == "plausible"
    assert data["flaky_tests"] == ["tests/test_flaky.py::test_fails_the_first_time"]
    assert data["failing_tests"] == [BOUNDS]
    assert "flaky" in capsys.readouterr().out


def test_selection_runs_only_the_tests_of_the_changed_file(make_repo: RepoFactory,
                                                           tmp_path: Path) -> None:
    other = {"other/__init__.py": "", "other/names.py": "def shout(s):\n    return s.upper()\n",
             "tests/test_other.py": "from other.names import shout\n\n\n"
             + "".join(f"def test_shout_{i}():\n    assert shout('a{i}') == 'A{i}'\n\n\n"
                       for i in range(6))}
    repo = make_repo({**BUGGY_STATS, **other})
    code, data = repair(repo, tmp_path / "r.json")
    assert code == 0
    tests = data["stats"]["tests"]
    assert tests["skipped_tests"] >= 6  # test_other's tests never touch stats/summary.py
    # each plausible patch (up to max_patches) passed the whole suite once
    assert tests["full_tests"] == 10 * len(data["patches"])
    code, data = repair(repo, tmp_path / "r2.json", "--no-full-check")
    assert code == 0 and "full_tests" not in data["stats"]["tests"]
