"""`apr repair` on Java projects, end to end: our own buggy projects in benchmarks/java.

Each test checks a bug out (a fresh git repository), runs ``apr repair`` on it exactly as on a
Python project (no --lang, no --driver: both are detected), and judges the first plausible patch
against the developer's. The two slowest bugs of the suite (histogram-wrong-return,
matrix-transpose-variable: about 60 candidates each) are left to ``apr bench run manifest
--path benchmarks/java``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apr.bench.manifest import ManifestSuite
from apr.bench.runner import judge_patch
from apr.cli import main
from tests.conftest import RepoFactory, tree_state
from tests.project.java.conftest import BENCHMARKS, needs_jacoco, needs_maven

JUNIT_BUGS = [
    "calendar-overlap-negated", "cart-discount-arithmetic", "duration-sum-overflow",
    "file-filter-wrong-method", "interval-merge-touching", "inventory-reorder-clause",
    "invoice-missing-null-check", "paginator-last-index", "retry-backoff-literal",
]


def repair(bug_id: str, tmp_path: Path) -> None:
    suite = ManifestSuite(BENCHMARKS)
    bug = next(b for b in suite.bugs() if b.id == bug_id)
    checkout = suite.checkout(bug, tmp_path / bug_id)
    before = tree_state(checkout)
    report = tmp_path / "report.json"
    code = main(["repair", str(checkout), "--workers", "2", "--quiet", "--budget", "60",
                 "--report", str(report)])
    data = json.loads(report.read_text())
    assert code == 0, data.get("message")
    assert data["status"] == "plausible"
    assert sorted(data["failing_tests"]) == sorted(bug.failing_tests)
    assert tree_state(checkout) == before
    exact, correct = judge_patch(checkout, data["patches"][0]["diff"],
                                 suite.developer_patch(bug), "java")
    assert correct, data["patches"][0]["diff"]


@needs_jacoco
@pytest.mark.slow
@pytest.mark.parametrize("bug_id", JUNIT_BUGS)
def test_repairs_junit_bug(bug_id: str, tmp_path: Path) -> None:
    repair(bug_id, tmp_path)


@needs_jacoco
@needs_maven
@pytest.mark.slow
def test_repairs_maven_bug(tmp_path: Path) -> None:
    repair("maven-csv-quote-first-char", tmp_path)


def test_fixtures_are_complete() -> None:
    suite = ManifestSuite(BENCHMARKS)
    bugs = suite.bugs()
    assert len(bugs) >= 11 and {b.language for b in bugs} == {"java"}
    for bug in bugs:
        assert bug.failing_tests and all("#" in t for t in bug.failing_tests)
        assert suite.developer_patch(bug).startswith("diff --git a/src/main/java/")


CALC = {
    "src/main/java/demo/Calc.java": """
        package demo;

        public class Calc {
            public static int twice(int x) {
                return x * 2;
            }
        }
        """,
    "src/test/java/demo/CalcTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Test;

        public class CalcTest {
            @Test
            public void twice() {
                assertEquals(4, Calc.twice(2));
            }
        }
        """,
}


@needs_jacoco
def test_exit_codes_nothing_to_fix_and_broken_build(make_repo: RepoFactory, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    healthy = make_repo(CALC)
    assert main(["repair", str(healthy), "--quiet"]) == 0
    assert "nothing to repair" in capsys.readouterr().out
    broken = make_repo({**CALC, "src/main/java/demo/Calc.java": "package demo; class Calc {"})
    assert main(["repair", str(broken), "--quiet"]) == 3
    assert "Calc.java" in capsys.readouterr().err
