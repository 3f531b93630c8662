"""The jest driver on a tiny real project run by a real jest (``.ci/run`` installs it into
``.ci/node``; needs `node` 20+), and `apr repair` on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.cli import main
from apr.errors import TestCommandNotFound
from apr.model import TestStatus
from apr.project import make_driver
from apr.project.jest import JestDriver, jest_command
from tests.conftest import tree_state
from tests.project.node_fixture import (
    BUGGY_FILE,
    BUGGY_LINE,
    BUGGY_TEXT,
    FAILING_TEST,
    FIXED_TEXT,
    OTHER_TEST,
    PASSING_TESTS,
    SETUP_TEST,
    make_mocha_project,
    needs_runner,
)

pytestmark = needs_runner("jest")


@pytest.fixture
def driver() -> Iterator[JestDriver]:
    made = JestDriver()
    yield made
    made.close()


def test_outcomes_traces_and_coverage(tmp_path: Path, driver: JestDriver) -> None:
    root = make_mocha_project(tmp_path, runner="jest")
    run = driver.run(root, root, coverage=True, timeout=120, test_timeout=10)
    assert run.failing == (FAILING_TEST,)
    assert set(run.passing) == {*PASSING_TESTS, SETUP_TEST, OTHER_TEST}
    assert f"{root}/test/stats.test.js:" in run.traces[FAILING_TEST]
    assert BUGGY_LINE in run.coverage[FAILING_TEST][BUGGY_FILE]
    mean_only = run.coverage["test/stats.test.js::mean > averages the values"][BUGGY_FILE]
    assert BUGGY_LINE not in mean_only and 21 in mean_only


def test_a_subset_runs_its_file_alone(tmp_path: Path, driver: JestDriver,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_mocha_project(tmp_path, runner="jest")
    loaded = tmp_path / "loaded"
    monkeypatch.setenv("APR_TEST_LOADED", str(loaded))
    run = driver.run(root, root, [FAILING_TEST, SETUP_TEST], timeout=60, test_timeout=10)
    assert run.outcomes == {FAILING_TEST: TestStatus.FAILED, SETUP_TEST: TestStatus.PASSED}
    assert not loaded.exists()
    assert not (root / "coverage").exists()  # the project's collectCoverage is overridden


def test_a_file_that_cannot_load_is_an_error(tmp_path: Path, driver: JestDriver) -> None:
    root = make_mocha_project(tmp_path, runner="jest")
    (root / BUGGY_FILE).write_text("function (\n")
    run = driver.run(root, root, [FAILING_TEST], timeout=60, test_timeout=10)
    assert run.outcomes == {} and run.errors and "Unexpected token" in run.errors[0]


def test_jest_missing_is_said(tmp_path: Path, driver: JestDriver) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": "jest"}}))
    with pytest.raises(TestCommandNotFound, match="npm install"):
        driver.run(tmp_path, tmp_path, ["test/a.js::x"], timeout=10)


def test_the_command_and_the_driver() -> None:
    spec = jest_command(["npx", "jest", "--config", "jest.ci.js", "--coverage", "-i", "src/"])
    assert spec.node_flags == ("--config", "jest.ci.js", "--coverage", "-i")
    assert spec.paths == ("src/",)


def test_repairs_the_one_token_bug(tmp_path: Path) -> None:
    root = make_mocha_project(tmp_path, runner="jest")
    made = make_driver(None, root, "javascript", None)
    assert made.name == "jest"
    made.close()
    before = tree_state(root)
    report = tmp_path / "report.json"
    code = main(["repair", str(root), "--quiet", "--workers", "1", "--budget", "60",
                 "--time-limit", "300", "--max-patches", "1", "--report", str(report)])
    data = json.loads(report.read_text())
    assert code == 0 and data["status"] == "plausible", data.get("message")
    diff = data["patches"][0]["diff"]
    assert f"-{BUGGY_TEXT}" in diff and f"+{FIXED_TEXT}" in diff
    assert tree_state(root) == before
