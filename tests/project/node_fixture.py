"""A tiny Node project with a one-token bug, for the node driver's and the repair's tests.

``make_node_project(tmp_path)`` writes a git repo whose ``npm test`` is ``node --test``:
``src/stats.js`` (``countInRange`` compares ``value < high`` where the bounds are inclusive,
so it must be ``value <= high``; ``mean``, correct) and ``test/stats.test.js`` (``node:test``
and ``node:assert``), committed once. Exactly :data:`FAILING_TEST` fails.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

#: The file and 1-based line of the bug, the buggy and the fixed text of that line.
BUGGY_FILE = "src/stats.js"
BUGGY_LINE = 7
BUGGY_TEXT = "    if (value >= low && value < high) {"
FIXED_TEXT = "    if (value >= low && value <= high) {"
#: The one failing test's id, as the node driver names it.
FAILING_TEST = "test/stats.test.js::countInRange > includes the upper bound"
PASSING_TESTS = (
    "test/stats.test.js::countInRange > counts values inside the range",
    "test/stats.test.js::countInRange > includes the lower bound",
    "test/stats.test.js::countInRange > is zero for no values",
    "test/stats.test.js::mean > averages the values",
    "test/stats.test.js::mean > is zero for no values",
)

CJS_SOURCE = f"""\
'use strict';

/** How many of `values` lie within [low, high], both bounds included. */
function countInRange(values, low, high) {{
  let count = 0;
  for (const value of values) {{
{BUGGY_TEXT}
      count += 1;
    }}
  }}
  return count;
}}

/** The arithmetic mean of `values`; 0 for none. */
function mean(values) {{
  if (values.length === 0) {{
    return 0;
  }}
  let sum = 0;
  for (const value of values) {{
    sum += value;
  }}
  return sum / values.length;
}}

module.exports = {{ countInRange, mean }};
"""

TEST_BODY = """\
describe('countInRange', () => {
  it('counts values inside the range', () => {
    assert.strictEqual(countInRange([1, 5, 9, 12], 2, 10), 2);
  });
  it('includes the lower bound', () => {
    assert.strictEqual(countInRange([2, 3], 2, 10), 2);
  });
  it('includes the upper bound', () => {
    assert.strictEqual(countInRange([4, 10], 2, 10), 2);
  });
  it('is zero for no values', () => {
    assert.strictEqual(countInRange([], 0, 1), 0);
  });
});

describe('mean', () => {
  it('averages the values', () => {
    assert.strictEqual(mean([1, 2, 3, 6]), 3);
  });
  it('is zero for no values', () => {
    assert.strictEqual(mean([]), 0);
  });
});
"""

CJS_TEST = """\
'use strict';
const { describe, it } = require('node:test');
const assert = require('node:assert');
const { countInRange, mean } = require('../src/stats.js');

""" + TEST_BODY

ESM_TEST = """\
import { describe, it } from 'node:test';
import assert from 'node:assert';
import { countInRange, mean } from '../src/stats.js';

""" + TEST_BODY


def _esm(source: str) -> str:
    return source.replace("'use strict';", "// Statistics, as an ES module.").replace(
        "function countInRange", "export function countInRange").replace(
        "function mean", "export function mean").replace(
        "\nmodule.exports = { countInRange, mean };\n", "")


def node_project_files(*, esm: bool = False) -> dict[str, str]:
    """The project's files, {path: text}: CommonJS, or ES modules (``"type": "module"``)."""
    kind = '  "type": "module",\n' if esm else ""
    package = ('{\n  "name": "stats",\n  "version": "1.0.0",\n  "private": true,\n' + kind
               + '  "scripts": {\n    "test": "node --test"\n  }\n}\n')
    return {
        "package.json": package,
        BUGGY_FILE: _esm(CJS_SOURCE) if esm else CJS_SOURCE,
        "test/stats.test.js": ESM_TEST if esm else CJS_TEST,
        ".gitignore": "node_modules/\n",
    }


def make_node_project(tmp_path: Path, *, esm: bool = False, name: str = "stats",
                      files: Mapping[str, str] | None = None) -> Path:
    """Write the buggy project (or ``files``, a variant of it) into ``tmp_path / name``,
    ``git init`` it and commit everything; returns the project's folder (the repo's root)."""
    root = tmp_path / name
    for path, text in (files or node_project_files(esm=esm)).items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "stats"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root,
                       check=True, capture_output=True)
    return root


#: Tests the mocha/jest project adds: one that needs its setup file, one in a second file.
SETUP_TEST = "test/stats.test.js::mean > sees the setup"
OTHER_TEST = "test/more/other.test.js::other > passes"

#: Where ``.ci/run`` installs mocha (``npm install --prefix .ci/node``, pinned there).
MOCHA_MODULES = Path(__file__).resolve().parents[2] / ".ci" / "node" / "node_modules"


def needs_runner(name: str) -> pytest.MarkDecorator:
    """Skip unless node and the runner ``name`` (installed in .ci/node) are here."""
    return pytest.mark.skipif(
        shutil.which("node") is None or not (MOCHA_MODULES / name).is_dir(),
        reason=f"needs node and {name} in .ci/node (`npm install --prefix .ci/node`, as .ci/run "
               "does)")

MOCHA_TEST = """\
'use strict';
const assert = require('node:assert');
const { countInRange, mean } = require('../src/stats.js');

""" + TEST_BODY

MOCHA_ESM_TEST = """\
import assert from 'node:assert';
import { countInRange, mean } from '../src/stats.js';

""" + TEST_BODY


def make_mocha_project(tmp_path: Path, *, esm: bool = False, name: str = "stats",
                       runner: str = "mocha") -> Path:
    """The same project tested with mocha (``npm test`` is ``mocha``), its settings in
    ``.mocharc.json`` (the spec, a required setup file whose global the tests check), and a
    second test file that records, in ``$APR_TEST_LOADED`` when set, that it was loaded;
    ``node_modules`` links to the runners that ``.ci/run`` installs. ``runner="jest"``: the
    same with jest (``npm test`` is ``jest``, the setup file in package.json's ``jest`` key;
    CommonJS only; its configuration asks for coverage on every run, as commander.js's does);
    ``runner="vitest"``: with vitest (``vitest run``, ES modules, ``vitest.config.mjs``)."""
    root = tmp_path / name
    files = node_project_files(esm=esm)
    files["package.json"] = files["package.json"].replace('"node --test"', f'"{runner}"')
    test = MOCHA_ESM_TEST if esm else MOCHA_TEST
    files["test/stats.test.js"] = test.replace(
        "describe('mean', () => {",
        "describe('mean', () => {\n  it('sees the setup', () => assert.ok(globalThis.SETUP));")
    files[".mocharc.json"] = ('{"spec": ["test/**/*.test.js"], "require": "test/setup.cjs",'
                              ' "timeout": 5000}\n')
    files["test/setup.cjs"] = "globalThis.SETUP = true;\n"
    files["test/more/other.test.js"] = (
        "const fs = require('node:fs');\n"
        "if (process.env.APR_TEST_LOADED) fs.appendFileSync(process.env.APR_TEST_LOADED, 'x');\n"
        "describe('other', () => { it('passes', () => {}); });\n")
    if esm:
        files["test/more/other.test.js"] = files["test/more/other.test.js"].replace(
            "const fs = require('node:fs');", "import fs from 'node:fs';")
    if runner == "jest":
        del files[".mocharc.json"]
        files["package.json"] = files["package.json"].replace(
            '  "scripts"', '  "jest": {"setupFiles": ["<rootDir>/test/setup.cjs"],'
                           ' "collectCoverage": true},\n  "scripts"')
    if runner == "vitest":  # ES modules; the runner's functions imported, as vitest wants
        del files[".mocharc.json"]
        files["package.json"] = files["package.json"].replace('"vitest"', '"vitest run"')
        for test_file in ("test/stats.test.js", "test/more/other.test.js"):
            files[test_file] = "import { describe, it } from 'vitest';\n" + files[test_file]
        files["vitest.config.mjs"] = ("export default { test: { setupFiles: ['./test/setup.cjs'],"
                                      " coverage: { enabled: true } } };\n")
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    (root / "node_modules").symlink_to(MOCHA_MODULES, target_is_directory=True)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "stats"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root,
                       check=True, capture_output=True)
    return root


def assert_repaired(root: Path, tmp_path: Path) -> None:
    """`apr repair` on the project (one worker, a small budget) reports the one-token fix,
    its one failing test, and leaves the user's tree as it was."""
    import json

    from apr.cli import main
    from tests.conftest import tree_state

    before = tree_state(root)
    report = tmp_path / "report.json"
    code = main(["repair", str(root), "--quiet", "--workers", "1", "--budget", "60",
                 "--time-limit", "300", "--max-patches", "1", "--report", str(report)])
    data = json.loads(report.read_text())
    assert code == 0 and data["status"] == "plausible", data.get("message")
    assert data["failing_tests"] == [FAILING_TEST]
    diff = data["patches"][0]["diff"]
    assert f"-{BUGGY_TEXT}" in diff and f"+{FIXED_TEXT}" in diff
    assert tree_state(root) == before
