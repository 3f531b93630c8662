"""End to end through `apr repair`: exit codes, the report, and the user's tree left alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from apr.cli import main
from tests.conftest import BUGGY_STATS, RepoFactory, git, tree_state

FAST = ["--workers", "2", "--quiet"]


def repair(path: Path, *flags: str) -> int:
    return main(["repair", str(path), *FAST, *flags])


def test_repairs_and_leaves_the_tree_alone(buggy_repo: Path, tmp_path: Path) -> None:
    before = tree_state(buggy_repo)
    report = tmp_path / "report.json"
    assert repair(buggy_repo, "--report", str(report)) == 0
    assert tree_state(buggy_repo) == before
    data = json.loads(report.read_text())
    assert data["status"] == "plausible"
    assert data["failing_tests"] == ["tests/test_summary.py::test_count_bounds_inclusive"]
    patch = data["patches"][0]
    assert patch["rank"] == 1 and patch["files"] == ["stats/summary.py"]
    assert "+        if low <= v <= high:" in patch["diff"]
    assert data["localization"][0]["file"] == "stats/summary.py"
    stats = data["stats"]
    assert stats["candidates_validated"] >= 1 and stats["candidates_generated"] >= 1
    assert {"baseline", "localize", "generate", "validate"} <= set(stats["stages"])
    (tmp_path / "fix.patch").write_text(patch["diff"])
    git(buggy_repo, "apply", "--check", str(tmp_path / "fix.patch"))


def test_apply_patches_the_work_tree(buggy_repo: Path) -> None:
    head = git(buggy_repo, "rev-parse", "HEAD")
    assert repair(buggy_repo, "--apply") == 0
    assert "if low <= v <= high:" in (buggy_repo / "stats/summary.py").read_text()
    assert git(buggy_repo, "rev-parse", "HEAD") == head
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=buggy_repo, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_branch_commits_without_switching(buggy_repo: Path) -> None:
    before = tree_state(buggy_repo)
    assert repair(buggy_repo, "--branch", "apr/fix") == 0
    after = tree_state(buggy_repo)
    assert after["files"] == before["files"] and after["head"] == before["head"]
    assert "if low <= v <= high:" in git(buggy_repo, "show", "apr/fix:stats/summary.py")


def test_uncommitted_changes_are_repaired(make_repo: RepoFactory) -> None:
    fixed = BUGGY_STATS["stats/summary.py"].replace("low <= v < high", "low <= v <= high")
    root = make_repo({**BUGGY_STATS, "stats/summary.py": fixed})
    (root / "stats/summary.py").write_text(
        (root / "stats/summary.py").read_text().replace("low <= v <= high", "low <= v < high"))
    before = tree_state(root)
    assert repair(root) == 0
    assert tree_state(root) == before


def test_nothing_to_fix(make_repo: RepoFactory, tmp_path: Path) -> None:
    fixed = BUGGY_STATS["stats/summary.py"].replace("low <= v < high", "low <= v <= high")
    root = make_repo({**BUGGY_STATS, "stats/summary.py": fixed})
    report = tmp_path / "r.json"
    assert repair(root, "--report", str(report)) == 0
    assert json.loads(report.read_text())["status"] == "nothing_to_fix"


def test_no_plausible_patch_exits_1(make_repo: RepoFactory) -> None:
    files = {**BUGGY_STATS, "tests/test_impossible.py": "from stats.summary import mean\n\n"
             "def test_impossible():\n    assert mean([1, 2]) == 'one and a half'\n"}
    root = make_repo(files)
    assert repair(root, "--budget", "5") == 1


def test_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert repair(tmp_path) == 2
    assert "not a git repository" in capsys.readouterr().err
    assert repair(tmp_path / "nope") == 2


def test_no_tests(make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({"pkg/m.py": "x = 1\n"})
    assert repair(root) == 3
    assert "no tests were collected" in capsys.readouterr().err


def test_syntax_error_in_project(make_repo: RepoFactory, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    files = {**BUGGY_STATS, "stats/summary.py": "def mean(values:\n    pass\n"}
    report = tmp_path / "r.json"
    assert repair(make_repo(files), "--report", str(report)) == 3
    assert "cannot be collected" in capsys.readouterr().err
    assert json.loads(report.read_text())["status"] == "cannot_reproduce"


def test_test_command_not_found(buggy_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert repair(buggy_repo, "--test", "no-such-runner -q") == 3
    assert "test command not found: no-such-runner" in capsys.readouterr().err


def test_hanging_test_command(make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({**BUGGY_STATS, "conftest.py": "while True:\n    pass\n"})
    assert repair(root, "--suite-timeout", "3") == 3
    assert "(--suite-timeout, at most --time-limit)" in capsys.readouterr().err


def test_a_hanging_test_cannot_eat_the_time_limit(make_repo: RepoFactory, tmp_path: Path) -> None:
    hang = {"tests/test_hang.py": "def test_hangs():\n    while True:\n        pass\n"}
    report = tmp_path / "r.json"
    assert repair(make_repo({**BUGGY_STATS, **hang}), "--time-limit", "40", "--report",
                  str(report), "--failing", "test_count_bounds_inclusive") == 0
    data = json.loads(report.read_text())
    assert data["preexisting_failures"] == ["tests/test_hang.py::test_hangs"]
    assert data["stats"]["candidates_validated"] >= 1


def test_bad_flag_values(buggy_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert repair(buggy_repo, "--budget", "0") == 2
    assert "budget must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["repair", str(buggy_repo), "--fl", "magic"])
    assert exc.value.code == 2


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_interrupt_leaves_nothing_behind(buggy_repo: Path, tmp_path: Path) -> None:
    """Ctrl-C in the middle of a run: the tree is untouched and apr's temp files are gone."""
    slow = {**BUGGY_STATS, "tests/test_slow.py": "import time\n\ndef test_slow():\n"
            "    time.sleep(30)\n"}
    from tests.conftest import write_files

    write_files(buggy_repo, slow)
    git(buggy_repo, "add", "-A")
    git(buggy_repo, "commit", "-qm", "slow")
    before = tree_state(buggy_repo)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    # Ctrl-C as a terminal gives it, even when this test process ignores SIGINT (a shell's
    # background job does; a child inherits the ignoring, and Python then never raises
    # KeyboardInterrupt)
    proc = subprocess.Popen([sys.executable, "-m", "apr.cli", "repair", str(buggy_repo),
                             "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_default_sigint)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(tmp.glob("apr-runs/*/apr-*/baseline")):
        time.sleep(0.1)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert list(tmp.iterdir()) == []
    assert tree_state(buggy_repo) == before


def test_import_is_light() -> None:
    code = ("import sys, apr, apr.cli; apr.cli.build_parser(); "
            "heavy = [m for m in ('torch', 'transformers', 'tree_sitter', 'coverage', 'git') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bad_outputs_fail_before_any_test_runs(buggy_repo: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    objects = sorted(p.name for p in (buggy_repo / ".git" / "objects").rglob("*"))
    assert main(["repair", str(buggy_repo), "--branch", "a..b"]) == 2
    err = capsys.readouterr().err
    assert "not a valid git branch name" in err and "baseline" not in err  # nothing ran
    assert main(["repair", str(buggy_repo), "--report", str(tmp_path / "no" / "r.json")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "baseline" not in err
    assert sorted(p.name for p in (buggy_repo / ".git" / "objects").rglob("*")) == objects


def test_empty_test_command_and_unknown_pipeline_keys_are_usage_errors(
        buggy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert repair(buggy_repo, "--test", "") == 2
    assert "--test is empty" in capsys.readouterr().err
    assert repair(buggy_repo, "--test", "pytest -k 'a") == 2  # was an internal error
    assert "cannot read the test command `pytest -k 'a`: No closing" in capsys.readouterr().err
    pipeline = tmp_path / "p.toml"
    pipeline.write_text('budget = 3\n\n[settings]\ngenerators = ["template"]\n')
    assert repair(buggy_repo, "--pipeline", str(pipeline)) == 2
    assert "unknown key 'budget'" in capsys.readouterr().err


def test_a_test_command_may_begin_with_a_dash() -> None:
    from apr.cli import build_parser, glue_command_values

    argv = glue_command_values(["repair", ".", "--test", "-Dwith_x=true", "--budget", "5"])
    assert argv == ["repair", ".", "--test=-Dwith_x=true", "--budget", "5"]
    assert build_parser().parse_args(argv).test_command == "-Dwith_x=true"
    assert glue_command_values(["repair", ".", "--test", "pytest -q"])[-1] == "pytest -q"
    assert glue_command_values(["repair", ".", "--test"]) == ["repair", ".", "--test"]


def test_a_failing_test_that_runs_no_code_is_pointed_out(
        make_repo: RepoFactory, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({**BUGGY_STATS, "tests/test_machine.py": '''
        import locale


        def test_needs_a_locale():
            locale.setlocale(locale.LC_NUMERIC, "xx_XX.NO-SUCH-LOCALE")
        '''})
    repair_flags = ["--workers", "1", "--budget", "3", "--max-patches", "1"]
    main(["repair", str(root), *repair_flags])
    err = capsys.readouterr().err
    assert ("1 of them ran none of the project's code (tests/test_machine.py::"
            "test_needs_a_locale)") in err
    main(["repair", str(root), *repair_flags, "--failing", "test_count_bounds_inclusive"])
    assert "ran none of the project's code" not in capsys.readouterr().err
