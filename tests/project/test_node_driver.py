"""The node driver on tiny real projects run by node's built-in runner (needs `node` 20+)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound, UsageError
from apr.model import TestStatus
from apr.project import detect_driver, make_driver, node, node_command
from apr.project.node import NodeDriver, name_pattern, parse_results, split_id
from tests.conftest import write_files
from tests.project.node_fixture import (
    BUGGY_FILE,
    BUGGY_LINE,
    FAILING_TEST,
    PASSING_TESTS,
    make_node_project,
)

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


@pytest.fixture
def driver() -> Iterator[NodeDriver]:
    made = NodeDriver()
    yield made
    made.close()


@pytest.mark.parametrize("esm", [False, True], ids=["commonjs", "esm"])
def test_outcomes_traces_and_coverage(tmp_path: Path, driver: NodeDriver, esm: bool) -> None:
    root = make_node_project(tmp_path, esm=esm)
    run = driver.run(root, root, coverage=True, timeout=60, test_timeout=10)
    assert run.failing == (FAILING_TEST,)
    assert set(run.passing) == set(PASSING_TESTS)
    assert "1 !== 2" in run.traces[FAILING_TEST] and "stats.test.js" in run.traces[FAILING_TEST]
    lines = run.coverage[FAILING_TEST][BUGGY_FILE]
    assert BUGGY_LINE in lines and 8 in lines  # the branch taken for 4
    mean_only = run.coverage["test/stats.test.js::mean > averages the values"][BUGGY_FILE]
    assert BUGGY_LINE not in mean_only and 21 in mean_only  # `sum += value;`
    assert 17 not in mean_only  # `return 0;` of the empty case: a block that never ran
    empty = run.coverage["test/stats.test.js::mean > is zero for no values"][BUGGY_FILE]
    assert 17 in empty and 21 not in empty
    assert all(not f.startswith("node_modules") for c in run.coverage.values() for f in c)


def test_subset_and_fail_fast(tmp_path: Path, driver: NodeDriver,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_node_project(tmp_path)
    asked = [FAILING_TEST, PASSING_TESTS[3]]
    with monkeypatch.context() as m:  # asked ids name their files: the project is not walked
        m.setattr(node, "test_files", lambda *a: pytest.fail("walked the project"))
        run = driver.run(root, root, asked, timeout=60, test_timeout=10)
    assert run.outcomes == {FAILING_TEST: TestStatus.FAILED, PASSING_TESTS[3]: TestStatus.PASSED}
    assert run.returncode == 1
    whole = driver.run(root, root, timeout=60, test_timeout=10)
    assert len(whole.outcomes) == 6 and whole.failing == (FAILING_TEST,)
    passing = driver.run(root, root, list(PASSING_TESTS), timeout=60)
    assert passing.returncode == 0 and len(passing.passing) == 5


HANGING = {
    "package.json": '{"scripts": {"test": "node --test test/"}}\n',
    "lib/spin.js": """
        exports.spin = (n) => { let i = 0; while (i < n) { if (n > 5) continue; i++; } return i; };
        """,
    "test/spin.test.js": """
        const test = require('node:test');
        const assert = require('node:assert');
        const { spin } = require('../lib/spin.js');
        test('small', () => { assert.strictEqual(spin(3), 3); });
        test('hangs', () => { spin(10); });
        test('after', () => { assert.strictEqual(spin(1), 2); });
        """,
    "test/other.test.js": """
        const test = require('node:test');
        test('other ok', () => {});
        """,
}


def test_a_hanging_test_times_out_alone_with_coverage(tmp_path: Path, driver: NodeDriver) -> None:
    write_files(tmp_path, HANGING)
    run = driver.run(tmp_path, tmp_path, coverage=True, timeout=60, test_timeout=1)
    assert run.outcomes == {
        "test/spin.test.js::small": TestStatus.PASSED,
        "test/spin.test.js::hangs": TestStatus.TIMEOUT,
        "test/spin.test.js::after": TestStatus.FAILED,
        "test/other.test.js::other ok": TestStatus.PASSED,
    }
    assert not run.timed_out and run.coverage["test/spin.test.js::small"]["lib/spin.js"] == (1,)


def test_a_hanging_file_without_coverage(tmp_path: Path, driver: NodeDriver) -> None:
    write_files(tmp_path, HANGING)
    run = driver.run(tmp_path, tmp_path, timeout=60, test_timeout=1)
    assert run.outcomes["test/spin.test.js::hangs"] is TestStatus.TIMEOUT
    assert run.outcomes["test/other.test.js::other ok"] is TestStatus.PASSED
    whole = driver.run(tmp_path, tmp_path, timeout=2, test_timeout=30)
    assert whole.timed_out and whole.returncode is None


def test_a_file_that_cannot_load_is_an_error(tmp_path: Path, driver: NodeDriver) -> None:
    root = make_node_project(tmp_path)
    (root / BUGGY_FILE).write_text("module.exports = {;\n")
    run = driver.run(root, root, [FAILING_TEST], timeout=60, test_timeout=10)
    assert run.errors and "SyntaxError" in run.errors[0] and not run.outcomes


BROKEN = {
    "package.json": '{"scripts": {"test": "node --test test/"}}\n',
    "test/ok.test.js": "require('node:test')('fine', () => {});\n",
    "test/throws.test.js": "require('node:test');\nthrow new Error('boom at import');\n",
    "test/loops.test.js": "require('node:test');\nfor (;;) {}\n",
}


def test_a_file_that_throws_or_hangs_while_loading_is_one_error(
        tmp_path: Path, driver: NodeDriver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(node, "LISTING", 2.0)  # no run deadline: listing has its own limit
    write_files(tmp_path, BROKEN)
    run = driver.run(tmp_path, tmp_path, test_timeout=5)
    assert run.outcomes == {"test/ok.test.js::fine": TestStatus.PASSED}
    assert sorted(e.split(":")[0] for e in run.errors) == [
        "test/loops.test.js", "test/throws.test.js"]
    assert "boom at import" in run.errors[1] and "still loading" in run.errors[0]
    assert run.returncode == 1 and not run.timed_out


def test_ids_nesting_and_subtests() -> None:
    events = [
        {"type": "test:start", "name": "suite", "nesting": 0},
        {"type": "test:start", "name": "t (1)", "nesting": 1},
        {"type": "test:start", "name": "sub", "nesting": 2},
        {"type": "test:fail", "name": "sub", "nesting": 2, "error": "boom"},
        {"type": "test:fail", "name": "t (1)", "nesting": 1, "error": "1 subtest failed"},
        {"type": "test:pass", "name": "suite", "nesting": 0, "suite": True},
        {"type": "test:start", "name": "skipped", "nesting": 0},
        {"type": "test:pass", "name": "skipped", "nesting": 0, "skip": True},
        {"type": "test:start", "name": "slow", "nesting": 0},
        {"type": "test:fail", "name": "slow", "nesting": 0, "timeout": True, "ms": 1500},
    ]
    got = parse_results([json.dumps(e) for e in events] + ['{"torn'], "t.test.js")
    assert got.outcomes == {"t.test.js::suite > t (1)": TestStatus.FAILED,
                            "t.test.js::skipped": TestStatus.SKIPPED,
                            "t.test.js::slow": TestStatus.TIMEOUT}
    assert got.durations["t.test.js::slow"] == 1.5
    assert split_id(node.test_id("a/b.js", ["s", "x > y"])) == ("a/b.js", ["s", "x", "y"])
    assert name_pattern(["a (1)", "b.c"]) == r"^(?:a \(1\)|b\.c)$"


def test_command_and_files(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "package.json": json.dumps({"scripts": {
            "test": "NODE_ENV=test node --import ./setup.mjs --test --test-reporter spec test/"}}),
        "test/a.test.js": "", "test/helper.js": "", "src/b.test.mjs": "", "src/c.js": "",
        "node_modules/x/test/y.test.js": "",
    })
    spec = node_command.test_command(tmp_path)
    assert (spec.runner, spec.node_flags, spec.paths) == ("node", ("--import", "./setup.mjs"),
                                                          ("test/",))
    assert node_command.test_files(tmp_path, spec.paths) == ["test/a.test.js", "test/helper.js"]
    assert node_command.test_files(tmp_path, ()) == [
        "src/b.test.mjs", "test/a.test.js", "test/helper.js"]
    assert node_command.test_files(tmp_path, ("src/*.mjs",)) == ["src/b.test.mjs"]
    assert node_command.test_command(tmp_path, "npx mocha").runner == "mocha"


@pytest.mark.parametrize(("package", "runner"), [
    ({"scripts": {"test": "jest --ci"}}, "jest"),
    ({"scripts": {"test": "vitest run"}}, "vitest"),
    ({"scripts": {"test": "npm run build && mocha 'test/**/*.js'"}}, "mocha"),
    ({"scripts": {"test": "run-tests"}, "devDependencies": {"mocha": "^10"}}, "mocha"),
    ({"scripts": {"test": "echo \"Error: no test specified\" && exit 1"}}, "node"),
    ({}, "node"),
])
def test_runner_detection(tmp_path: Path, package: dict[str, object], runner: str) -> None:
    (tmp_path / "package.json").write_text(json.dumps(package))
    assert node_command.test_command(tmp_path).runner == runner


@pytest.mark.parametrize(("package", "message"), [
    ('{"scripts": {"test": "node --test \'test/"}}', "No closing quotation"),
    ('{"scripts": {"test": ["node", "--test"]}}', "must be a string"),
    ('{"scripts": {"test": 5}}', "must be a string"),
    ("{bad", "not valid JSON"),
])
def test_a_bad_test_command_is_a_usage_error(tmp_path: Path, package: str, message: str) -> None:
    (tmp_path / "package.json").write_text(package)
    with pytest.raises(UsageError, match=message):
        node_command.test_command(tmp_path)


def test_node_missing_is_said(tmp_path: Path) -> None:
    root = make_node_project(tmp_path)
    missing = NodeDriver(node="apr-no-such-node")
    try:
        with pytest.raises(TestCommandNotFound, match="install Node.js"):
            missing.run(root, root, [FAILING_TEST], timeout=10)
    finally:
        missing.close()


def test_the_users_environment_reaches_the_tests(tmp_path: Path, driver: NodeDriver,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Colour settings included, as ``npm test`` sees them: commander.js tests FORCE_COLOR, and
    its tests failed when apr set NO_COLOR. A runner's colours do not reach the traces."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    write_files(tmp_path, {
        "package.json": json.dumps({"scripts": {"test": "node --test"}}),
        "test/env.test.js": (
            "const { test } = require('node:test');\nconst assert = require('node:assert');\n"
            "test('colours', () => {\n  assert.strictEqual(process.env.FORCE_COLOR, '1');\n"
            "  assert.strictEqual(process.env.NO_COLOR, undefined);\n});\n"
            "test('fails', () => {\n"
            "  assert.deepStrictEqual({ a: [1, 2] }, { a: [1, 3] });\n});\n"),
    })
    run = driver.run(tmp_path, tmp_path, timeout=60, test_timeout=10)
    assert run.outcomes == {"test/env.test.js::colours": TestStatus.PASSED,
                            "test/env.test.js::fails": TestStatus.FAILED}
    trace = run.traces["test/env.test.js::fails"]
    assert "Expected values to be strictly deep-equal" in trace
    colored = parse_results([json.dumps({"type": "test:fail", "name": "t", "nesting": 0,
                                         "error": "\x1b[31mexpected\x1b[39m 1"})], "a.js")
    assert colored.traces["a.js::t"] == "expected 1"


def test_other_runners_are_refused_clearly(tmp_path: Path, driver: NodeDriver) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": "jest"}}))
    with pytest.raises(UsageError, match="jest"):
        driver.run(tmp_path, tmp_path)


def test_registry_detection_and_test_files(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{}")
    assert detect_driver(tmp_path, "javascript") == "node"
    assert detect_driver(tmp_path / "none", "javascript") == "node"
    made = make_driver("auto", tmp_path, "javascript", None)
    try:
        assert made.name == "node"
        for file in ("test/a.js", "src/__tests__/b.js", "src/c.test.js", "src/d.spec.mjs",
                     "tests/e.cjs"):
            assert made.is_test_file(file), file
        assert not made.is_test_file("src/contest.js") and not made.is_test_file("lib/x.js")
    finally:
        made.close()
