"""Check every bug of benchmarks/javascript through apr's node driver.

On the buggy tree exactly ``failing_tests`` must fail; after ``fix.patch`` every test must pass.
Run from the repository root: ``python benchmarks/scripts/check_js_bugs.py [BUG_ID ...]``;
exit status 1 when a bug does not hold.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from apr.bench.manifest import ManifestSuite
from apr.project.node import NodeDriver

SUITE = Path(__file__).resolve().parents[1] / "javascript"


def check(suite: ManifestSuite, bug_id: str, scratch: Path, driver: NodeDriver) -> list[str]:
    """The problems of one bug (none: it holds)."""
    bug = next(b for b in suite.bugs() if b.id == bug_id)
    root = suite.checkout(bug, scratch / bug.id)
    problems = []
    buggy = driver.run(root, root, timeout=120, test_timeout=10)
    if buggy.errors or sorted(buggy.failing) != sorted(bug.failing_tests):
        problems.append(f"buggy: failing {list(buggy.failing)}, errors {list(buggy.errors)}")
    subprocess.run(["git", "apply", "-"], input=suite.developer_patch(bug), text=True,
                   cwd=root, check=True)
    fixed = driver.run(root, root, timeout=120, test_timeout=10)
    if fixed.errors or fixed.failing or len(fixed.passing) != len(buggy.outcomes):
        problems.append(f"fixed: failing {list(fixed.failing)}, errors {list(fixed.errors)}")
    return problems


def main(ids: list[str]) -> int:
    suite = ManifestSuite(SUITE)
    chosen = ids or [b.id for b in suite.bugs()]
    driver = NodeDriver()
    bad = 0
    try:
        with tempfile.TemporaryDirectory(prefix="apr-js-bugs-") as tmp:
            for bug_id in chosen:
                problems = check(suite, bug_id, Path(tmp), driver)
                bad += bool(problems)
                print(f"{bug_id}: {'; '.join(problems) or 'ok'}")
    finally:
        driver.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
