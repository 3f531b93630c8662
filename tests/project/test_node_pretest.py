"""npm's ``pretest`` script: a project whose tests import what a build makes (``dist/``, git
ignored) gets it built before every run, as ``npm test`` would (a candidate changes what the
build reads)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from apr.cli import main
from apr.model import TestStatus
from apr.project.node import NodeDriver
from tests.conftest import tree_state
from tests.project.node_fixture import (
    FAILING_TEST,
    FIXED_TEXT,
    make_node_project,
    node_project_files,
)

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

#: The "build": dist/version.js, which the tests import; it fails on a source that says so.
BUILD = """\
'use strict';
const fs = require('node:fs');
const source = fs.readFileSync('src/stats.js', 'utf8');
if (source.includes('BREAK THE BUILD')) { console.error('build: bad source'); process.exit(2); }
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync('dist/version.js', "module.exports = '1.0.0';\\n");
fs.appendFileSync('dist/builds.txt', 'built\\n');
"""


def _project(tmp_path: Path) -> Path:
    files = node_project_files()
    package = json.loads(files["package.json"])
    package["scripts"] = {"pretest": "node build.js", "test": "node --test"}
    files["package.json"] = json.dumps(package, indent=2)
    files["test/stats.test.js"] = files["test/stats.test.js"].replace(
        "require('../src/stats.js');",
        "require('../src/stats.js');\nrequire('../dist/version.js');")
    files["build.js"] = BUILD
    files[".gitignore"] = "node_modules/\ndist/\n"
    return make_node_project(tmp_path, name="p", files=files)


def _builds(root: Path) -> int:
    return (root / "dist/builds.txt").read_text().count("built")


def test_pretest_builds_before_a_run_when_a_file_changed(tmp_path: Path) -> None:
    root = _project(tmp_path)
    driver = NodeDriver()
    try:
        run = driver.run(root, root, coverage=True, timeout=60, test_timeout=10)
        assert run.errors == () and run.failing == (FAILING_TEST,)
        assert 7 in run.coverage[FAILING_TEST]["src/stats.js"]
        again = driver.run(root, root, [FAILING_TEST], timeout=60, test_timeout=10)
        assert again.failing == (FAILING_TEST,)
        assert _builds(root) == 1  # nothing changed: not built again
        source = root / "src/stats.js"
        source.write_text(source.read_text().replace("value < high", "value <= high"))
        fixed = driver.run(root, root, [FAILING_TEST], timeout=60, test_timeout=10)
        assert fixed.outcomes == {FAILING_TEST: TestStatus.PASSED}
        assert _builds(root) == 2
        source.write_text(source.read_text() + "\n// BREAK THE BUILD\n")
        broken = driver.run(root, root, [FAILING_TEST], timeout=60, test_timeout=10)
        assert broken.outcomes == {} and "build: bad source" in broken.errors[0]
        assert "pretest" in broken.errors[0]
    finally:
        driver.close()


def test_a_command_given_by_the_user_runs_without_pretest(tmp_path: Path) -> None:
    root = _project(tmp_path)
    driver = NodeDriver("node --test")
    try:
        run = driver.run(root, root, timeout=60, test_timeout=10)
        assert not (root / "dist").exists() and run.errors  # the tests cannot import dist/
    finally:
        driver.close()


def test_repair_through_the_build(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = tree_state(root)
    report = tmp_path / "report.json"
    code = main(["repair", str(root), "--quiet", "--budget", "60", "--workers", "1",
                 "--max-patches", "1", "--report", str(report)])
    data = json.loads(report.read_text())
    assert code == 0 and data["status"] == "plausible", data.get("message")
    assert FIXED_TEXT.strip() in data["patches"][0]["diff"]
    assert data["patches"][0]["files"] == ["src/stats.js"]
    assert tree_state(root) == before and not (root / "dist").exists()
