"""The jest and vitest drivers on a tiny real project run by a real jest and vitest (``.ci/run``
installs them into ``.ci/node``; needs `node` 20+), and `apr repair` with each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound
from apr.model import TestStatus
from apr.project import make_driver
from apr.project.jest import JestDriver, jest_command
from apr.project.node import RunnerDriver
from apr.project.vitest import VitestDriver, vitest_command
from tests.project.node_fixture import (
    BUGGY_FILE,
    BUGGY_LINE,
    FAILING_TEST,
    OTHER_TEST,
    PASSING_TESTS,
    SETUP_TEST,
    assert_repaired,
    make_mocha_project,
    needs_runner,
)

RUNNERS = [pytest.param("jest", marks=needs_runner("jest")),
           pytest.param("vitest", marks=needs_runner("vitest"))]
DRIVERS: dict[str, type[RunnerDriver]] = {"jest": JestDriver, "vitest": VitestDriver}


@pytest.fixture(params=RUNNERS)
def runner(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def driver(runner: str) -> Iterator[RunnerDriver]:
    made = DRIVERS[runner]()
    yield made
    made.close()


def project(tmp_path: Path, runner: str) -> Path:
    return make_mocha_project(tmp_path, runner=runner, esm=runner == "vitest")


def test_outcomes_traces_and_coverage(tmp_path: Path, runner: str,
                                      driver: RunnerDriver) -> None:
    root = project(tmp_path, runner)
    run = driver.run(root, root, coverage=True, timeout=180, test_timeout=10)
    assert run.failing == (FAILING_TEST,)
    assert set(run.passing) == {*PASSING_TESTS, SETUP_TEST, OTHER_TEST}
    assert f"{root}/test/stats.test.js:" in run.traces[FAILING_TEST]
    assert BUGGY_LINE in run.coverage[FAILING_TEST][BUGGY_FILE]
    mean_only = run.coverage["test/stats.test.js::mean > averages the values"][BUGGY_FILE]
    assert BUGGY_LINE not in mean_only and 21 in mean_only


def test_a_subset_runs_its_file_alone(tmp_path: Path, runner: str, driver: RunnerDriver,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, runner)
    loaded = tmp_path / "loaded"
    monkeypatch.setenv("APR_TEST_LOADED", str(loaded))
    run = driver.run(root, root, [FAILING_TEST, SETUP_TEST], timeout=60, test_timeout=10)
    assert run.outcomes == {FAILING_TEST: TestStatus.FAILED, SETUP_TEST: TestStatus.PASSED}
    assert not loaded.exists()
    assert not (root / "coverage").exists()  # the project's coverage setting is overridden


def test_a_file_that_cannot_load_is_an_error(tmp_path: Path, runner: str,
                                             driver: RunnerDriver) -> None:
    root = project(tmp_path, runner)
    (root / BUGGY_FILE).write_text("function (\n")
    run = driver.run(root, root, [FAILING_TEST], timeout=60, test_timeout=10)
    assert run.outcomes == {} and run.errors
    assert any(w in run.errors[0] for w in ("Unexpected token", "Failed to parse"))


@needs_runner("vitest")
def test_vitest_lists_the_files_its_command_names(tmp_path: Path) -> None:
    """A path filter in the command narrows the listing (and stays a test file: vitest's
    ``--json`` takes an optional path, and wrote the listing over the filter's file)."""
    root = project(tmp_path, "vitest")
    before = (root / "test/stats.test.js").read_text()
    made = VitestDriver("vitest run test/stats.test.js")
    try:
        spec = made.spec(root)
        assert made.test_files(root, spec) == ["test/stats.test.js"]
    finally:
        made.close()
    assert (root / "test/stats.test.js").read_text() == before


@pytest.mark.parametrize("name", ["jest", "vitest"])
def test_a_missing_runner_is_said(tmp_path: Path, name: str) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": name}}))
    made = DRIVERS[name]()
    try:
        with pytest.raises(TestCommandNotFound, match="npm install"):
            made.run(tmp_path, tmp_path, ["test/a.js::x"], timeout=10)
    finally:
        made.close()


@needs_runner("vitest")
def test_vitest_coverage_needs_its_v8_provider(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": "vitest run"}}))
    vitest = tmp_path / "node_modules" / "vitest"
    vitest.mkdir(parents=True)
    (vitest / "package.json").write_text('{"name": "vitest", "version": "3.2.7"}')
    made = VitestDriver()
    try:
        with pytest.raises(TestCommandNotFound, match="@vitest/coverage-v8"):
            made.run(tmp_path, tmp_path, coverage=True, timeout=10)
    finally:
        made.close()


def test_the_commands_taken_apart() -> None:
    spec = jest_command(["npx", "jest", "--config", "jest.ci.js", "--coverage", "-i", "src/"])
    assert spec.node_flags == ("--config", "jest.ci.js", "--coverage", "-i")
    assert spec.paths == ("src/",)
    spec = vitest_command(["vitest", "run", "--config", "v.mjs", "--coverage.enabled",
                           "--environment", "node", "src/"])
    assert spec.paths == ("src/",)  # `run` is vitest's subcommand, not a path
    assert VitestDriver.FLAGS.kept(spec.node_flags) == ["--config", "v.mjs", "--environment",
                                                        "node"]


def test_repairs_the_one_token_bug(tmp_path: Path, runner: str) -> None:
    root = project(tmp_path, runner)
    made = make_driver(None, root, "javascript", None)
    assert made.name == runner
    made.close()
    assert_repaired(root, tmp_path)
