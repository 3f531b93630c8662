"""Our JavaScript bugs (benchmarks/javascript): the manifest loads, and (slow) each bug holds:
exactly its failing tests fail on the buggy tree, and all pass after its fix."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from apr.bench.manifest import ManifestSuite
from apr.project.node import NodeDriver, split_id

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "javascript"
SCRIPT = SUITE.parent / "scripts" / "check_js_bugs.py"


def test_manifest_loads() -> None:
    bugs = ManifestSuite(SUITE).bugs()
    assert len(bugs) >= 8 and {b.language for b in bugs} == {"javascript"}
    assert any(b.hunks > 1 for b in bugs)
    esm = [b for b in bugs if '"type": "module"' in (SUITE / b.id / "buggy" / "package.json")
           .read_text()]
    assert len(esm) >= 2
    driver = NodeDriver()
    try:
        for bug in bugs:
            root = SUITE / bug.id / "buggy"
            assert bug.failing_tests, bug.id
            for test in bug.failing_tests:
                file, names = split_id(test)
                assert (root / file).is_file() and names and driver.is_test_file(file), test
            assert (root / "package.json").is_file()
    finally:
        driver.close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_every_bug_holds(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("check_js_bugs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    suite = ManifestSuite(SUITE)
    driver = NodeDriver()
    try:
        problems = {b.id: module.check(suite, b.id, tmp_path, driver) for b in suite.bugs()}
    finally:
        driver.close()
    assert {k: v for k, v in problems.items() if v} == {}
