"""The junit driver's warm JVM: every outcome equal to the cold path's, and nothing left behind."""

from __future__ import annotations

import gc
import os
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from apr.model import TestRun, TestStatus
from apr.project import make_driver
from apr.project.java_tools import JavaTools
from apr.project.java_warm import WarmJUnit
from apr.project.junit import BUILD_DIR, JUnitDriver
from apr.project.workspace import Snapshot, UserRepo, Workspace
from tests.conftest import RepoFactory, git
from tests.project.java.conftest import needs_junit
from tests.project.java.test_junit_driver import PROJECT as CALC_PROJECT
from tests.project.java.test_junit_driver import TEST

MAIN = "src/main/java/demo/Calc.java"
PROJECT = {
    **CALC_PROJECT,
    "src/main/java/demo/Counter.java": """
        package demo;

        public class Counter {
            private static int count;

            public static int bump() {
                System.out.println("bumped");
                return ++count;
            }
        }
        """,
    "src/test/java/demo/CounterTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Test;

        public class CounterTest {
            @Test
            public void first() {
                assertEquals(1, Counter.bump());
            }
        }
        """,
    "src/test/java/demo/ExitTest.java": """
        package demo;

        import org.junit.Test;

        public class ExitTest {
            @Test
            public void exits() {
                System.exit(3); // the cold runner's code for a test it could not stop
            }
        }
        """,
}
FIX = (b"x - 1", b"x + 1")
BROKEN = (b"x - 1", b"x -* 1")
NO_HANG = (b"while (true)", b"for (int i = 0; i < 3; i++)")


@pytest.fixture
def spaces(make_repo: RepoFactory) -> Iterator[tuple[Workspace, Workspace]]:
    """Two workspaces of one project: one for the warm driver, one for the cold."""
    with Snapshot(UserRepo.locate(make_repo(PROJECT))) as snap:
        yield snap.workspace("warm"), snap.workspace("cold")


@pytest.fixture
def drivers() -> Iterator[tuple[JUnitDriver, JUnitDriver]]:
    warm, cold = JUnitDriver(warm=True), JUnitDriver(warm=False)
    try:
        yield warm, cold
    finally:
        warm.close()
        cold.close()


def edit(ws: Workspace, change: tuple[bytes, bytes] | None) -> None:
    ws.reset([MAIN])
    if change is not None:
        ws.write(MAIN, ws.snapshot.read(MAIN).replace(*change))


def run(driver: JUnitDriver, ws: Workspace, tests: Sequence[str] | None = None,
        **kw: object) -> TestRun:
    options: dict[str, object] = {"timeout": 120, "test_timeout": 1.0, **kw}
    return driver.run(ws.project_dir, ws.root, tests, **options)  # type: ignore[arg-type]


def same(warm: TestRun, cold: TestRun) -> None:
    """What validation reads of a run: outcomes, errors' last line, time-out, return code."""
    assert warm.outcomes == cold.outcomes
    assert warm.timed_out == cold.timed_out and warm.returncode == cold.returncode
    assert [e.splitlines()[-1] for e in warm.errors] == [e.splitlines()[-1] for e in cold.errors]
    assert warm.traces.keys() == cold.traces.keys()


@needs_junit
def test_warm_outcomes_equal_cold(spaces: tuple[Workspace, Workspace],
                                  drivers: tuple[JUnitDriver, JUnitDriver]) -> None:
    (wws, cws), (warm, cold) = spaces, drivers
    calc = [f"{TEST}#big", f"{TEST}#small", f"{TEST}#npe"]
    steps: list[tuple[tuple[bytes, bytes] | None, list[str] | None, bool]] = [
        (None, None, False),  # the first run builds .apr-build cold
        (None, calc, False),
        (FIX, calc, False),
        (FIX, calc, True),
        (None, calc, True),  # fail fast: stops at the first failure
        (BROKEN, calc, False),  # a compile error: no test runs
        (NO_HANG, [TEST], False),
        (None, [f"{TEST}#hangs", f"{TEST}#small"], False),  # the per-test time limit
        (FIX, None, False),
    ]
    for change, tests, fail_fast in steps:
        edit(wws, change)
        edit(cws, change)
        hot = run(warm, wws, tests, fail_fast=fail_fast)
        same(hot, run(cold, cws, tests, fail_fast=fail_fast))
    assert warm._warm is not None and warm._warm.counts.runs >= len(steps) - 2
    assert hot.outcomes[f"{TEST}#big"] is TestStatus.PASSED
    edit(wws, None)
    assert "expected:<11> but was:<9>" in run(warm, wws, [f"{TEST}#big"]).traces[f"{TEST}#big"]


@needs_junit
def test_compile_errors_static_state_edits_and_dedupe(spaces: tuple[Workspace, Workspace],
                                                      drivers: tuple[JUnitDriver, JUnitDriver],
                                                      ) -> None:
    ws, (warm, _) = spaces[0], drivers
    big = [f"{TEST}#big"]
    assert run(warm, ws, big).outcomes == {big[0]: TestStatus.FAILED}  # cold: builds
    assert warm._warm is not None and warm._warm.pids() == []  # no JVM before a build
    for _ in range(2):  # statics start afresh in every run
        counted = run(warm, ws, ["demo.CounterTest"])
        assert counted.outcomes == {"demo.CounterTest#first": TestStatus.PASSED}
        assert "bumped" in counted.output
    edit(ws, BROKEN)
    broken = run(warm, ws, big)
    assert broken.outcomes == {} and "Calc.java:6: error" in broken.errors[0]
    edit(ws, FIX)  # an edit between two runs is seen by the second
    assert run(warm, ws, big).outcomes == {big[0]: TestStatus.PASSED}
    before = warm._warm.counts.reused
    edit(ws, (b"x - 1", b"x+1"))  # other text, the same class bytes
    assert run(warm, ws, big).outcomes == {big[0]: TestStatus.PASSED}
    assert warm._warm.counts.reused == before + 1
    edit(ws, None)
    assert run(warm, ws, big).outcomes == {big[0]: TestStatus.FAILED}
    test_file = "src/test/java/demo/CounterTest.java"  # a changed test file: that run is cold
    ws.write(test_file, ws.snapshot.read(test_file).replace(b"assertEquals(1,", b"assertEquals(2,"))
    changed = run(warm, ws, ["demo.CounterTest"])
    assert changed.outcomes == {"demo.CounterTest#first": TestStatus.FAILED}
    ws.reset([test_file])
    runs = warm._warm.counts.runs  # another workspace starts from a copy of the first build
    assert run(warm, spaces[1], big).outcomes == {big[0]: TestStatus.FAILED}
    assert warm._warm.counts.runs == runs + 1


@needs_junit
def test_a_jvm_started_ahead_serves_the_first_runs(spaces: tuple[Workspace, Workspace],
                                                   drivers: tuple[JUnitDriver, JUnitDriver],
                                                   ) -> None:
    """``prepare`` (the pipeline's, while the baseline builds in another workspace) starts
    the JVM and warms it up with a compile of its own: the candidates' runs use that JVM,
    their outcomes and compile errors as cold."""
    (ws, cws), (warm, cold) = spaces, drivers
    warm.prepare(ws.project_dir, ws.root)
    assert warm._warm is not None
    (ahead,) = warm._warm.pids()
    baseline = ws.snapshot.workspace("baseline")
    run(warm, baseline, [f"{TEST}#small"])  # cold: builds, and its build is kept
    calc = [f"{TEST}#big", f"{TEST}#small"]
    for change in (FIX, BROKEN, None):
        edit(ws, change)
        edit(cws, change)
        same(run(warm, ws, calc), run(cold, cws, calc))
    assert warm._warm.pids() == [ahead]
    assert warm._warm.counts.runs == 2 and warm._warm.counts.compiled == 2


@needs_junit
def test_run_timeout_restarts_and_exit_goes_cold(spaces: tuple[Workspace, Workspace],
                                                 drivers: tuple[JUnitDriver, JUnitDriver],
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    (ws, cws), (warm, cold) = spaces, drivers
    run(warm, ws, [f"{TEST}#small"])  # cold: builds
    run(warm, ws, [f"{TEST}#small"])
    assert warm._warm is not None
    (first,) = warm._warm.pids()
    hung = run(warm, ws, [f"{TEST}#hangs"], timeout=3, test_timeout=None)
    assert hung.timed_out and not _alive(first)
    assert run(warm, ws, [f"{TEST}#small"]).outcomes == {f"{TEST}#small": TestStatus.PASSED}
    (second,) = warm._warm.pids()
    assert second != first
    exits = ["demo.ExitTest", f"{TEST}#small"]
    run(cold, cws, [f"{TEST}#small"])
    same(run(warm, ws, exits), run(cold, cws, exits))
    assert "died during a run" in capfd.readouterr().err
    assert warm._warm.disabled is None
    run(warm, ws, [f"{TEST}#small"])  # a new JVM
    pids = warm._warm.pids()
    warm.close()
    assert pids and not any(_alive(p) for p in pids)
    assert warm._warm.pids() == []


@needs_junit
def test_registry_drivers_are_warm_unless_told(tmp_path: Path) -> None:
    assert make_driver("junit", tmp_path, "java", None).warm  # type: ignore[attr-defined]
    cold = make_driver("junit", tmp_path, "java", None, warm=False)
    assert not cold.warm  # type: ignore[attr-defined]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_kept_build_goes_with_the_driver_even_unclosed(tmp_path: Path) -> None:
    """A driver nobody closed leaves no copied build behind once it is gone."""
    (tmp_path / BUILD_DIR / "main").mkdir(parents=True)
    warm = WarmJUnit(JavaTools("javac", "java", (), None, ()))
    warm.keep_build(tmp_path)
    kept = warm._seed
    assert kept is not None and (kept / "main").is_dir()
    del warm
    gc.collect()
    assert not kept.parent.exists()


@needs_junit
def test_a_build_copied_to_another_workspace_stays_good_with_project_jars(
        make_repo: RepoFactory, drivers: tuple[JUnitDriver, JUnitDriver]) -> None:
    """The project's own jars (``lib/*.jar``) are on the class path as absolute paths, which
    differ from workspace to workspace: the build kept from the baseline must still count as
    good in a candidate's workspace, or its first run builds afresh, cold, with the
    candidate's change in the build (every later run then compiles that file again)."""
    root = make_repo(PROJECT, commit=False)
    (root / "lib").mkdir()
    with zipfile.ZipFile(root / "lib" / "dep.jar", "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "a jar")
    warm = drivers[0]
    with Snapshot(UserRepo.locate(root)) as snap:
        base, ws = snap.workspace("baseline"), snap.workspace("candidate")
        run(warm, base, [f"{TEST}#big"])  # cold: builds, and the build is kept
        assert warm._warm is not None
        runs = warm._warm.counts.runs
        edit(ws, FIX)
        assert run(warm, ws, [f"{TEST}#big"]).outcomes == {f"{TEST}#big": TestStatus.PASSED}
        assert warm._warm.counts.runs == runs + 1  # warm, from the copied build
        changes = warm._compiler(warm.layout(ws.project_dir)).changes(ws.project_dir)
        assert changes is not None and changes.main == (MAIN,)
