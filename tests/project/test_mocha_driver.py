"""The mocha driver on tiny real projects run by a real mocha (``.ci/run`` installs it into
``.ci/node``; needs `node` 20+), and `apr repair` on one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound, UsageError
from apr.model import TestStatus
from apr.project import make_driver
from apr.project.mocha import MochaDriver, mocha_command
from tests.conftest import write_files
from tests.project.node_fixture import (
    BUGGY_FILE,
    BUGGY_LINE,
    FAILING_TEST,
    MOCHA_MODULES,
    OTHER_TEST,
    PASSING_TESTS,
    SETUP_TEST,
    assert_repaired,
    make_mocha_project,
    needs_runner,
)

needs_mocha = needs_runner("mocha")


@pytest.fixture
def driver() -> Iterator[MochaDriver]:
    made = MochaDriver()
    yield made
    made.close()


@needs_mocha
@pytest.mark.parametrize("esm", [False, True], ids=["commonjs", "esm"])
def test_outcomes_traces_and_coverage(tmp_path: Path, driver: MochaDriver, esm: bool) -> None:
    root = make_mocha_project(tmp_path, esm=esm)
    run = driver.run(root, root, coverage=True, timeout=120, test_timeout=10)
    assert run.failing == (FAILING_TEST,)
    assert set(run.passing) == {*PASSING_TESTS, SETUP_TEST, OTHER_TEST}  # the config's spec
    trace = run.traces[FAILING_TEST]
    assert "1 !== 2" in trace and f"{root}/test/stats.test.js:" in trace  # absolute frames
    lines = run.coverage[FAILING_TEST][BUGGY_FILE]
    assert BUGGY_LINE in lines and 8 in lines
    mean_only = run.coverage["test/stats.test.js::mean > averages the values"][BUGGY_FILE]
    assert BUGGY_LINE not in mean_only and 21 in mean_only
    assert 17 not in mean_only  # `return 0;` of the empty case: a block that never ran
    empty = run.coverage["test/stats.test.js::mean > is zero for no values"][BUGGY_FILE]
    assert 17 in empty and 21 not in empty
    assert all(not f.startswith("node_modules") for c in run.coverage.values() for f in c)


@needs_mocha
def test_a_subset_runs_its_file_alone(tmp_path: Path, driver: MochaDriver,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's spec names two files: running tests of one must not load the other; the
    project's ``require`` still applies."""
    root = make_mocha_project(tmp_path)
    loaded = tmp_path / "loaded"
    monkeypatch.setenv("APR_TEST_LOADED", str(loaded))
    asked = [FAILING_TEST, SETUP_TEST, "test/stats.test.js::mean > is zero for no values"]
    run = driver.run(root, root, asked, timeout=60, test_timeout=10)
    assert run.outcomes == {FAILING_TEST: TestStatus.FAILED, SETUP_TEST: TestStatus.PASSED,
                            asked[2]: TestStatus.PASSED}
    assert not loaded.exists()
    run = driver.run(root, root, [OTHER_TEST], timeout=60, test_timeout=10)
    assert run.outcomes == {OTHER_TEST: TestStatus.PASSED} and loaded.read_text() == "x"


@needs_mocha
def test_failed_hooks_and_hanging_tests(tmp_path: Path, driver: MochaDriver) -> None:
    write_files(tmp_path, {
        "package.json": json.dumps({"scripts": {"test": "mocha --timeout 5000 spec/"}}),
        "spec/a.js": (
            "describe('hooked', function () {\n"
            "  before(function () { throw new Error('setup broke'); });\n"
            "  it('one', function () {});\n  it('two', function () {});\n});\n"
            "describe('loops', function () {\n"
            "  it('ends', function () { require('../lib').a(); });\n"
            "  it('hangs', function () { for (;;) {} });\n"
            "  it('after', function () { require('../lib').b(); });\n});\n"),
        "lib.js": "exports.a = function () {\n  return 1;\n};\n"
                  "exports.b = function () {\n  return 2;\n};\n",
    })
    (tmp_path / "node_modules").symlink_to(MOCHA_MODULES, target_is_directory=True)
    expected = {"spec/a.js::hooked > one": TestStatus.FAILED,
                "spec/a.js::hooked > two": TestStatus.FAILED,
                "spec/a.js::loops > ends": TestStatus.PASSED,
                "spec/a.js::loops > hangs": TestStatus.TIMEOUT}
    run = driver.run(tmp_path, tmp_path, timeout=60, test_timeout=1)
    assert run.outcomes == {**expected, "spec/a.js::loops > after": TestStatus.TIMEOUT}
    assert "setup broke" in run.traces["spec/a.js::hooked > two"]
    # with coverage, one process per file: the test that never started runs again alone
    run = driver.run(tmp_path, tmp_path, coverage=True, timeout=60, test_timeout=1)
    assert run.outcomes == {**expected, "spec/a.js::loops > after": TestStatus.PASSED}
    assert run.coverage["spec/a.js::loops > ends"]["lib.js"] == (1, 2, 3, 4, 6)
    assert run.coverage["spec/a.js::loops > after"]["lib.js"] == (1, 3, 4, 5, 6)


@needs_mocha
def test_a_file_that_cannot_load_is_an_error(tmp_path: Path, driver: MochaDriver) -> None:
    root = make_mocha_project(tmp_path)
    (root / BUGGY_FILE).write_text("function (\n")
    run = driver.run(root, root, [FAILING_TEST], timeout=60, test_timeout=10)
    assert run.outcomes == {} and run.errors and "SyntaxError" in run.errors[0]


def test_mocha_missing_is_said(tmp_path: Path, driver: MochaDriver) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": "mocha"}}))
    with pytest.raises(TestCommandNotFound, match="npm install"):
        driver.run(tmp_path, tmp_path, ["test/a.js::x"], timeout=10)


def test_an_old_mocha_is_refused_clearly(tmp_path: Path, driver: MochaDriver) -> None:
    write_files(tmp_path, {
        "package.json": json.dumps({"scripts": {"test": "mocha test/"}}),
        "node_modules/mocha/package.json": json.dumps({"name": "mocha", "version": "1.21.5",
                                                       "bin": {"mocha": "./bin/mocha"}}),
    })
    with pytest.raises(UsageError, match=r"mocha is 1\.21\.5 .* mocha 8 or newer"):
        driver.run(tmp_path, tmp_path, ["test/a.js::x"], timeout=10)


def test_another_runner_is_refused(tmp_path: Path, driver: MochaDriver) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": "node --test"}}))
    with pytest.raises(UsageError, match="not mocha"):
        driver.run(tmp_path, tmp_path)


def test_the_command_taken_apart() -> None:
    spec = mocha_command(["nyc", "mocha", "-r", "ts-node/register", "--reporter", "spec",
                          "--recursive", "--grep=x", "--spec", "test/a.js", "test/unit"])
    assert spec.runner == "mocha"
    assert spec.node_flags == ("-r", "ts-node/register", "--reporter", "spec", "--recursive",
                               "--grep=x")
    assert spec.paths == ("test/a.js", "test/unit")
    assert mocha_command(["npm", "run", "unit"]).node_flags == ()


def test_the_driver_is_chosen_from_package_json(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": "npx mocha test/"}}))
    made = make_driver(None, tmp_path, "javascript", None)
    try:
        assert made.name == "mocha"
    finally:
        made.close()
    made = make_driver(None, tmp_path, "javascript", "node --test test/")
    try:
        assert made.name == "node"
    finally:
        made.close()


@needs_mocha
def test_repairs_the_one_token_bug(tmp_path: Path) -> None:
    assert_repaired(make_mocha_project(tmp_path), tmp_path)
