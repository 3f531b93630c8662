"""Our JavaScript bugs (benchmarks/javascript): the manifest loads, and (slow) on each buggy tree
exactly the listed tests fail through the bug's driver, and all pass after the developer's fix."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from apr.bench.manifest import ManifestSuite
from apr.project import make_driver
from apr.project.node import NodeDriver, split_id

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "javascript"


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
@pytest.mark.parametrize("bug_id", sorted(p.name for p in SUITE.iterdir() if p.is_dir()))
def test_the_failing_tests_fail_and_the_fix_passes(bug_id: str, tmp_path: Path) -> None:
    suite = ManifestSuite(SUITE / bug_id)
    bug = suite.bugs()[0]
    root = suite.checkout(bug, tmp_path / bug_id)
    driver = make_driver(bug.driver, root, bug.language, bug.test_command)
    try:
        buggy = driver.run(root, root, timeout=120, test_timeout=10)
        assert buggy.errors == () and buggy.failing == tuple(sorted(bug.failing_tests))
        subprocess.run(["git", "apply", str(SUITE / bug_id / "fix.patch")], cwd=root,
                       check=True)
        fixed = driver.run(root, root, timeout=120, test_timeout=10)
        assert fixed.errors == () and fixed.failing == ()
        assert set(fixed.passing) == set(buggy.outcomes)
    finally:
        driver.close()
