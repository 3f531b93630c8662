"""The engine setting and the equivalence check: warm and cold validation must agree.

The check runs in CI on a Python and (where a JDK is installed) a Java fixture: every candidate
of the repair is validated both ways, and any difference of outcome fails the run (exit 4).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from apr.cli import main
from apr.config import RepairConfig
from apr.errors import UsageError
from apr.model import TestRun, TestStatus
from apr.project.pytest_driver import PytestDriver
from apr.validate.engine import CheckedDriver, EngineMismatch, difference, engine_driver
from tests.conftest import RepoFactory
from tests.project.java.conftest import needs_jacoco

P, F, T = TestStatus.PASSED, TestStatus.FAILED, TestStatus.TIMEOUT


def run(outcomes: dict[str, TestStatus], errors: tuple[str, ...] = ()) -> TestRun:
    return TestRun(outcomes=outcomes, seconds=0.1, returncode=0, errors=errors)


def test_difference_names_each_test_that_differs() -> None:
    assert difference(run({"a": P, "b": F}), run({"a": P, "b": F})) == ""
    assert difference(run({"a": P, "b": F}), run({"a": P, "b": P})) == "b: warm failed, cold passed"
    assert difference(run({"a": P}), run({"a": P, "b": F})) == "b: warm not run, cold failed"


def test_difference_sees_a_compile_failure_on_one_side_only() -> None:
    assert "compile" in difference(run({}, ("x.java:3: error",)), run({}))
    assert difference(run({}, ("x.java:3: error",)), run({}, ("x.java:3: error",))) == ""


def test_engine_driver_builds_what_the_engine_names() -> None:
    made: list[bool] = []

    def make(warm: bool) -> PytestDriver:
        made.append(warm)
        return PytestDriver()

    for engine, expected in (("warm", [True]), ("cold", [False]), ("check", [True, False])):
        made.clear()
        driver = engine_driver(make, engine)
        assert made == expected
        assert isinstance(driver, CheckedDriver) == (engine == "check")
        driver.close()


WARNS = {
    "conftest.py": "",
    "calc.py": """
        import warnings


        def half(x):
            warnings.warn("deprecated", UserWarning)
            return x / 2
        """,
    "tests/test_calc.py": """
        from calc import half


        def test_half():
            assert half(4) == 2
        """,
}


def test_checked_driver_stops_on_a_real_difference(make_repo: RepoFactory) -> None:
    """Two real pytest commands that disagree (warnings as errors on one side only)."""
    repo = make_repo(WARNS)
    checked = CheckedDriver(PytestDriver("python -m pytest"),
                            PytestDriver("python -m pytest -W error::UserWarning"))
    try:
        with pytest.raises(EngineMismatch, match="test_half: warm passed, cold failed"):
            checked.run(repo, repo, ["tests/test_calc.py::test_half"], test_timeout=10)
        assert checked.run(repo, repo, None, coverage=True).outcomes  # coverage runs: cold only
        assert checked.compared == 0
    finally:
        checked.close()


def test_check_mode_repairs_python_with_equal_outcomes(
        buggy_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    code = main(["repair", str(buggy_repo), "--engine", "check", "--workers", "2",
                 "--budget", "20", "--max-patches", "3", "--report", str(report)])
    assert code == 0
    assert json.loads(report.read_text())["status"] == "plausible"
    err = capsys.readouterr().err
    compared = int(err.split("apr: engine check: ")[1].split()[0])
    assert compared >= 3
    # swapped candidates were compared too, and runs of kept pytest sessions among them
    kept = re.search(r"warm ones in the project zygote, (\d+) of them in a kept pytest", err)
    assert kept is not None and int(kept.group(1)) > 0, err


JAVA = {
    "src/main/java/demo/Range.java": """
        package demo;

        public class Range {
            public static int count(int[] values, int low, int high) {
                int count = 0;
                for (int v : values) {
                    if (low <= v && v < high) {
                        count++;
                    }
                }
                return count;
            }
        }
        """,
    "src/test/java/demo/RangeTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Test;

        public class RangeTest {
            @Test
            public void inside() {
                assertEquals(3, Range.count(new int[] {1, 2, 3}, 0, 10));
            }

            @Test
            public void boundsInclusive() {
                assertEquals(3, Range.count(new int[] {1, 2, 3, 4}, 2, 4));
            }
        }
        """,
}


@needs_jacoco
@pytest.mark.slow
def test_check_mode_repairs_java_with_equal_outcomes(
        make_repo: RepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    code = main(["repair", str(make_repo(JAVA)), "--engine", "check", "--workers", "2",
                 "--budget", "20", "--max-patches", "3", "--report", str(report)])
    assert code == 0
    assert json.loads(report.read_text())["status"] == "plausible"
    err = capsys.readouterr().err
    assert int(err.split("apr: engine check: ")[1].split()[0]) >= 3


def test_an_unknown_engine_is_a_usage_error(buggy_repo: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["repair", str(buggy_repo), "--engine", "lukewarm"])
    assert exited.value.code == 2
    with pytest.raises(UsageError, match="engine must be warm, cold or check"):
        RepairConfig(engine="lukewarm")
