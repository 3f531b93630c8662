"""`apr repair` on a Node project (``npm test`` is ``node --test``), end to end.

The project (:func:`tests.project.node_fixture.make_node_project`) has one wrong token: ``<``
where the bounds are inclusive (``<=``): the baseline must find its one failing test,
localization rank its line first, and the repair (the brace languages' templates) fix it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from apr.cli import main
from tests.conftest import tree_state
from tests.project.node_fixture import (
    BUGGY_FILE,
    BUGGY_LINE,
    BUGGY_TEXT,
    FAILING_TEST,
    FIXED_TEXT,
    make_node_project,
)

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


def _repair(root: Path, tmp_path: Path, *extra: str, budget: int = 200
            ) -> tuple[int, dict[str, object], Path]:
    report, run_dir = tmp_path / "report.json", tmp_path / "run"
    code = main(["repair", str(root), "--quiet", "--workers", "1", "--budget", str(budget),
                 "--time-limit", "300", "--report", str(report), "--run-dir", str(run_dir),
                 *extra])
    return code, json.loads(report.read_text()), run_dir


@pytest.mark.parametrize("esm", [False, True], ids=["commonjs", "esm"])
def test_baseline_and_localization(tmp_path: Path, esm: bool) -> None:
    root = make_node_project(tmp_path, esm=esm)
    before = tree_state(root)
    # language and driver detected; one candidate: the repair itself is the next test's
    _, data, run_dir = _repair(root, tmp_path, budget=1)
    assert data["failing_tests"] == [FAILING_TEST]
    ranked = json.loads((run_dir / "localization.json").read_text())
    top = ranked[0]["score"]
    best = [(loc["file"], loc["line"]) for loc in ranked if loc["score"] == top]
    assert (BUGGY_FILE, BUGGY_LINE) in best and len(best) <= 4
    hunks = json.loads((run_dir / "hunks.json").read_text())
    assert (hunks[0]["file"], hunks[0]["first_line"]) == (BUGGY_FILE, BUGGY_LINE)
    config = json.loads((run_dir / "config.json").read_text())
    assert config["language"] == "javascript"
    assert tree_state(root) == before


@pytest.mark.slow
def test_repairs_the_one_token_bug(tmp_path: Path) -> None:
    root = make_node_project(tmp_path)
    code, data, _ = _repair(root, tmp_path, "--lang", "javascript")
    assert code == 0 and data["status"] == "plausible", data.get("message")
    diff = data["patches"][0]["diff"]  # type: ignore[index]
    assert f"-{BUGGY_TEXT}" in diff and f"+{FIXED_TEXT}" in diff


def test_dependencies_in_an_ignored_node_modules_are_found(tmp_path: Path) -> None:
    """``node_modules`` is git-ignored, so never in the snapshot: the workspaces link the
    user's, as the tests see it at home (and apr leaves it as it was)."""
    root = make_node_project(tmp_path)
    test_file = root / "test" / "stats.test.js"
    test_file.write_text("const { ok } = require('helper');\n" + test_file.read_text())
    helper = root / "node_modules" / "helper"
    helper.mkdir(parents=True)
    (helper / "index.js").write_text("module.exports = { ok: true };\n")
    (helper / "package.json").write_text('{"name": "helper", "main": "index.js"}\n')
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam",
                    "uses helper"], cwd=root, check=True)
    before = tree_state(root)
    code, data, _ = _repair(root, tmp_path, budget=1)
    assert data["failing_tests"] == [FAILING_TEST], data.get("message")
    assert tree_state(root) == before
    assert sorted(p.name for p in helper.iterdir()) == ["index.js", "package.json"]
