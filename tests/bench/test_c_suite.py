"""Our C bugs (benchmarks/c): the manifests load, and on each buggy tree exactly the listed
tests fail through the bug's driver, and none after the developer's fix."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from apr.bench.manifest import ManifestSuite
from apr.project import make_driver
from tests.project.c_fixture import needs_cc

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "c"


def test_the_manifests_load() -> None:
    bugs = ManifestSuite(SUITE).bugs()
    assert len(bugs) >= 8
    assert {b.language for b in bugs} == {"c"}
    assert {b.driver for b in bugs} == {None, "io"}
    assert any(b.hunks > 1 for b in bugs)
    assert all(b.failing_tests and b.description and b.kind for b in bugs)


@needs_cc
@pytest.mark.slow
@pytest.mark.parametrize("bug_id", sorted(p.name for p in SUITE.iterdir() if p.is_dir()))
def test_the_failing_tests_fail_and_the_fix_passes(bug_id: str, tmp_path: Path) -> None:
    suite = ManifestSuite(SUITE / bug_id)
    bug = suite.bugs()[0]
    root = suite.checkout(bug, tmp_path / bug_id)
    driver = make_driver(bug.driver, root, "c", bug.test_command)
    try:
        buggy = driver.run(root, root, timeout=120, test_timeout=5)
        assert buggy.errors == () and buggy.failing == tuple(sorted(bug.failing_tests))
        subprocess.run(["git", "apply", str(SUITE / bug_id / "fix.patch")], cwd=root,
                       check=True)
        fixed = driver.run(root, root, timeout=120, test_timeout=5)
        assert fixed.errors == () and fixed.failing == ()
        assert set(buggy.outcomes) <= set(fixed.outcomes)
    finally:
        driver.close()
