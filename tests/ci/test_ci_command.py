"""`apr ci` end to end, as a GitHub Actions job runs it: outputs, branch, exit codes, cache."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from apr.ci.branch import push_hints
from apr.ci.environment import CIEnvironment, CIProvider
from apr.cli import main
from tests.ci.conftest import GitHubEnv, apply_replacements, assert_valid_sarif
from tests.conftest import BUGGY_STATS, RepoFactory, git, tree_state, write_files

FAST = ["--workers", "2", "--quiet"]
FIXED_LINE = "        if low <= v <= high:"
UNFIXABLE = {**BUGGY_STATS, "tests/test_summary.py": textwrap.dedent(
    BUGGY_STATS["tests/test_summary.py"])
    + "\n\ndef test_impossible():\n    assert mean([1, 2]) == 'one and a half'\n"}


def ci(*args: str) -> int:
    return main(["ci", *FAST, *args])


@dataclass(frozen=True)
class Run:
    """One `apr ci` run on the buggy repo under GitHub Actions, with every output asked for."""

    root: Path
    out: Path
    code: int
    stdout: str
    before: dict[str, object]
    after: dict[str, object]

    def read(self, name: str) -> str:
        return (self.out / name).read_text(encoding="utf-8")

    def json(self, name: str) -> Any:
        return json.loads(self.read(name))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    base = tmp_path_factory.mktemp("ci")
    root, out = base / "repo", base / "out"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_files(root, BUGGY_STATS)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    (out / "step").mkdir(parents=True)
    (out / "step" / "summary.md").write_text("earlier step\n")
    env = {"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_STEP_SUMMARY": str(out / "step" /
           "summary.md"), "GITHUB_OUTPUT": str(out / "step" / "output"),
           "GITHUB_SHA": git(root, "rev-parse", "HEAD").strip(), "GITHUB_REF_NAME": "main",
           "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "octo/stats",
           "GITHUB_RUN_ID": "77", "GITHUB_WORKSPACE": str(root)}
    before = tree_state(root)
    stdout = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for var in [v for v in os.environ if v.startswith(("APR_", "GITHUB_", "GITLAB_", "CI"))]:
            mp.delenv(var)
        for key, value in env.items():
            mp.setenv(key, value)
        mp.chdir(root)  # PATH defaults to "."
        with contextlib.redirect_stdout(stdout):
            code = ci("--summary", str(out / "summary.md"), "--sarif", str(out / "apr.sarif"),
                      "--report", str(out / "report.json"), "--patches-dir",
                      str(out / "patches"), "--branch", "apr/fix", "--cache-dir",
                      str(base / "cache"))
    yield Run(root, out, code, stdout.getvalue(), before, tree_state(root))


def test_exit_code_and_text_summary(run: Run) -> None:
    assert run.code == 0
    # the search goes on after the first plausible patch (search_on); the fix ranks first
    assert re.search(r"apr: found [1-5] plausible patch\(es\)", run.stdout)
    assert "+" + FIXED_LINE in run.json("report.json")["patches"][0]["diff"]


def test_markdown_summary(run: Run) -> None:
    text = run.read("summary.md")
    assert re.match(r"## apr: found (a plausible patch|[2-5] plausible patches)\n", text)
    assert "- `tests/test_summary.py::test_count_bounds_inclusive`" in text
    assert "### Most suspicious lines" in text
    assert "](https://github.com/octo/stats/blob/" in text  # lines link to the code
    assert "```diff\ndiff --git a/stats/summary.py b/stats/summary.py" in text
    assert "+" + FIXED_LINE in text
    assert "(budget 200)" in text and "of 600 s" in text  # the ci pipeline's defaults
    assert "validation cache: 0 answered from earlier runs" in text
    assert "Branch `apr/fix`" in text and "git push origin apr/fix" in text
    assert "| `pipeline` | ci |" in text and "| `workers` | 2 |" in text
    step = run.read("step/summary.md")
    assert step == "earlier step\n" + text  # appended, as GitHub expects


def test_annotations(run: Run) -> None:
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("::warning ")]
    assert 1 <= len(lines) <= 10
    assert lines[0].startswith("::warning file=stats/summary.py,line=")
    assert ",title=apr%3A suspicious line 1 of " in lines[0]
    assert any("patch changes it" in ln for ln in lines)


def test_sarif_is_valid(run: Run, sarif_validator: jsonschema.Draft4Validator) -> None:
    log = run.json("apr.sarif")
    assert_valid_sarif(sarif_validator, log)
    sarif_run = log["runs"][0]
    assert sarif_run["tool"]["driver"]["name"] == "apr"
    assert sarif_run["tool"]["driver"]["rules"][0]["id"] == "apr/suspicious-line"
    results = sarif_run["results"]
    assert results and all(r["level"] in ("warning", "note") for r in results)
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "stats/summary.py"
    assert sarif_run["versionControlProvenance"][0]["repositoryUri"] == \
        "https://github.com/octo/stats"


def test_sarif_fix_equals_the_diff(run: Run) -> None:
    fixed = [r for r in run.json("apr.sarif")["runs"][0]["results"] if "fixes" in r]
    assert len(fixed) == 1 and fixed[0]["level"] == "warning"
    (change,) = fixed[0]["fixes"][0]["artifactChanges"]
    file = change["artifactLocation"]["uri"]
    original = git(run.root, "show", f"HEAD:{file}")
    by_sarif = apply_replacements(original, change["replacements"])
    by_git = git(run.root, "show", f"apr/fix:{file}")  # the diff, applied by git
    assert by_sarif == by_git and FIXED_LINE in by_sarif
    line = fixed[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert original.splitlines()[line - 1] == FIXED_LINE.replace("<= high", "< high")


def test_branch_made_and_tree_untouched(run: Run) -> None:
    assert run.after["files"] == run.before["files"]
    assert run.after["head"] == run.before["head"]
    assert run.after["index"] == run.before["index"]
    assert run.after["status"] == run.before["status"]
    assert git(run.root, "branch", "--show-current").strip() == "main"
    assert git(run.root, "rev-parse", "apr/fix~1") == git(run.root, "rev-parse", "HEAD")
    changed = git(run.root, "diff", "--name-only", "HEAD", "apr/fix").split()
    assert changed == ["stats/summary.py"]
    assert "git push origin apr/fix" in run.stdout
    assert "gh pr create --head apr/fix" in run.stdout and "--base main" in run.stdout


def test_report_patches_and_step_outputs(run: Run) -> None:
    report = run.json("report.json")
    assert report["status"] == "plausible"
    assert report["stats"]["cache"]["misses"] == report["stats"]["candidates_validated"]
    assert report["ci"]["provider"] == "github"
    assert report["ci"]["branch"]["name"] == "apr/fix"
    assert run.read("patches/patch-1.diff") == report["patches"][0]["diff"]
    assert run.read("step/output") == \
        f"status=plausible\npatches={len(report['patches'])}\nbranch=apr/fix\n"


# --- separate runs ---------------------------------------------------------------------------


def test_cache_rerun_validates_nothing_new(buggy_repo: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    reports = [tmp_path / "first.json", tmp_path / "second.json"]
    assert ci(str(buggy_repo), "--report", str(reports[0])) == 0  # cache: $APR_CACHE_DIR
    assert not [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("::")]
    assert ci(str(buggy_repo), "--report", str(reports[1]), "--annotations", "--commit") == 0
    out = capsys.readouterr().out
    first, second = (json.loads(p.read_text()) for p in reports)
    assert first["stats"]["cache"]["hits"] == 0 and first["stats"]["cache"]["stored"] >= 1
    assert second["stats"]["cache"]["misses"] == 0  # nothing validated anew
    assert second["stats"]["cache"]["hits"] == second["stats"]["candidates_validated"] >= 1
    assert second["patches"][0]["diff"] == first["patches"][0]["diff"]
    assert [ln for ln in out.splitlines() if ln.startswith("::warning file=")]  # --annotations
    short = git(buggy_repo, "rev-parse", "HEAD").strip()[:8]
    assert FIXED_LINE in git(buggy_repo, "show", f"apr/fix-{short}:stats/summary.py")
    assert "gh pr create" not in out  # not on GitHub: only the push hint


def test_no_patch_and_exit_zero(make_repo: RepoFactory, github: GitHubEnv,
                                tmp_path: Path) -> None:
    root = make_repo(UNFIXABLE)
    assert ci(str(root), "--budget", "3", "--commit") == 1
    assert ci(str(root), "--budget", "3", "--exit-zero", "--summary",
              str(tmp_path / "s.md")) == 0
    assert (tmp_path / "s.md").read_text().startswith("## apr: found no plausible patch")
    assert git(root, "branch", "--list", "apr/*") == ""  # no patch, no branch


def test_cannot_reproduce_still_reports(make_repo: RepoFactory, github: GitHubEnv,
                                        tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        sarif_validator: jsonschema.Draft4Validator) -> None:
    root = make_repo({**BUGGY_STATS, "stats/summary.py": "def mean(values:\n    pass\n"})
    sarif = tmp_path / "apr.sarif"
    assert ci(str(root), "--sarif", str(sarif), "--report", str(tmp_path / "r.json")) == 3
    assert "cannot be collected" in capsys.readouterr().err
    summary = github.summary.read_text()
    assert "## apr: could not reproduce the failure" in summary
    assert "cannot be collected" in summary and "Test output" in summary
    log = json.loads(sarif.read_text())
    assert_valid_sarif(sarif_validator, log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "cannot be collected" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "cannot_reproduce"
    assert ci(str(root), "--exit-zero") == 0


def test_nothing_to_fix(make_repo: RepoFactory, github: GitHubEnv,
                        capsys: pytest.CaptureFixture[str]) -> None:
    fixed = BUGGY_STATS["stats/summary.py"].replace("low <= v < high", "low <= v <= high")
    root = make_repo({**BUGGY_STATS, "stats/summary.py": fixed})
    assert ci(str(root), "--commit") == 0
    assert "## apr: nothing to fix" in github.summary.read_text()
    assert "::warning" not in capsys.readouterr().out


def test_usage_errors_are_not_hidden_by_exit_zero(buggy_repo: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = tree_state(buggy_repo)
    assert ci(str(buggy_repo), "--branch", "bad..name", "--exit-zero") == 2
    assert "not a valid git branch name" in capsys.readouterr().err
    assert ci(str(buggy_repo), "--branch", "main") == 2  # exists: refused before any test runs
    assert "already exists" in capsys.readouterr().err
    assert ci(str(tmp_path / "nope"), "--exit-zero") == 2
    assert ci(str(buggy_repo), "--max-locations", "0") == 2
    assert tree_state(buggy_repo) == before


def test_push_hints() -> None:
    gitlab = CIEnvironment(CIProvider.GITLAB, base_ref="main")
    assert push_hints("fix/it", gitlab) == [
        "git push -o merge_request.create -o merge_request.target=main origin fix/it"]
    github = CIEnvironment(CIProvider.GITHUB, ref_name="42/merge", base_ref="dev")
    assert push_hints("apr/fix", github, Path("s.md")) == [
        "git push origin apr/fix",
        "gh pr create --head apr/fix --title 'Fix failing tests (apr)' --base dev "
        "--body-file s.md"]
    assert push_hints("x", CIEnvironment()) == ["git push origin x"]


def test_exit_zero_covers_internal_errors(buggy_repo: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import apr.ci

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(apr.ci, "run_ci", broken)
    assert ci(str(buggy_repo)) == 4
    assert ci(str(buggy_repo), "--exit-zero") == 0
    assert "boom" in capsys.readouterr().err


def test_cache_inside_the_tree_is_warned_about(buggy_repo: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from apr.ci.run import _warn_if_cache_in_tree

    _warn_if_cache_in_tree(buggy_repo, buggy_repo / ".apr-cache")
    assert "not ignored by git" in capsys.readouterr().err
    (buggy_repo / ".gitignore").write_text(".apr-cache/\n")
    _warn_if_cache_in_tree(buggy_repo, buggy_repo / ".apr-cache")
    _warn_if_cache_in_tree(buggy_repo, buggy_repo.parent / "elsewhere")
    assert capsys.readouterr().err == ""


def test_public_names() -> None:
    import apr.ci

    for name in apr.ci.__all__:
        assert getattr(apr.ci, name) is not None


def test_an_unwritable_step_summary_is_a_warning(make_repo: RepoFactory, github: GitHubEnv,
                                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    fixed = BUGGY_STATS["stats/summary.py"].replace("low <= v < high", "low <= v <= high")
    root = make_repo({**BUGGY_STATS, "stats/summary.py": fixed})
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no-such-dir" / "summary.md"))
    assert ci(str(root)) == 0
    assert "warning: cannot write $GITHUB_STEP_SUMMARY" in capsys.readouterr().err
    assert "status=nothing_to_fix" in github.output.read_text()
