"""Run a Defects4J checkout's tests through the ``defects4j`` command.

- Build: ``defects4j compile``; a failure becomes ``TestRun.errors`` (COMPILE_FAILED).
- Tests: ``defects4j test`` (the whole suite) or ``defects4j test -t Class::method`` once per
  selected test; failing tests and their traces come from the ``failing_tests`` file it writes
  (``--- Class::method`` lines, each followed by a stack trace). Test ids are Defects4J's,
  ``pkg.ClassTest::method``. A whole-suite run knows only the failing methods: the other test
  classes (``defects4j export -p tests.all``) are reported as passed, by class name.
- Coverage (the baseline): after ``defects4j compile``, apr's JUnit runner runs the test classes
  of ``export -p tests.all`` on ``export -p cp.test`` with JaCoCo, per test method, analysed
  against ``export -p dir.bin.classes``; its outcomes are the run's outcomes. Without JaCoCo
  the plain ``defects4j test`` is used and localization relies on stack traces.

The driver's command string names the ``defects4j`` program (default: ``defects4j`` on PATH);
any further words are ignored (``defects4j test`` is the suite's test command).
"""

from __future__ import annotations

import shlex
import shutil
import time
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from apr import proc
from apr.errors import TestCommandNotFound
from apr.model import TestRun, TestStatus
from apr.project.java_tools import JavaTools
from apr.project.junit import (
    RunnerResult,
    is_java_test_file,
    run_tests,
    source_index,
    to_test_run,
)

FAILING_FILE = "failing_tests"


class Defects4JDriver:
    """TestDriver for a Defects4J working directory (``defects4j checkout -w DIR``).

    Args:
        command: the ``defects4j`` program as its first word (default ``defects4j``).
    """

    name = "defects4j"

    def __init__(self, command: str | None = None) -> None:
        words = shlex.split(command or "")
        self.program = words[0] if words else "defects4j"
        self._test_dirs: set[str] = set()

    def close(self) -> None:
        pass

    def argv(self, project_dir: Path) -> list[str]:
        return [self.program, "test"]

    def is_test_file(self, file: str) -> bool:
        if any(file.startswith(d.rstrip("/") + "/") for d in self._test_dirs):
            return True
        return is_java_test_file(file)

    def run(
        self,
        project_dir: Path,
        repo_root: Path,
        tests: Sequence[str] | None = None,
        *,
        coverage: bool = False,
        fail_fast: bool = False,
        timeout: float | None = None,
        test_timeout: float | None = None,
    ) -> TestRun:
        started = time.monotonic()
        deadline = None if timeout is None else started + timeout
        self._program()
        self._remember_tests(project_dir, repo_root, deadline)
        built = self._d4j(project_dir, ["compile"], deadline)
        if not built.ok:
            detail = built.output.strip()[-8000:] or "defects4j compile failed"
            return TestRun(outcomes={}, seconds=time.monotonic() - started,
                           returncode=built.returncode, timed_out=built.timed_out,
                           output=built.output[-20000:], errors=(detail,))
        tools = _tools() if coverage and tests is None else None
        if tools is not None:
            result = self._covered_run(tools, project_dir, deadline, test_timeout)
        else:
            result = self._d4j_tests(project_dir, tests, fail_fast, deadline)
        sources = self._export(project_dir, "dir.src.classes", deadline)
        files = _sources_under(project_dir, sources)
        return to_test_run(result, source_index(project_dir, repo_root, files),
                           time.monotonic() - started, repo_root)

    # --- the defects4j command ---------------------------------------------------------------

    def _program(self) -> None:
        if shutil.which(self.program) is None and not Path(self.program).is_file():
            raise TestCommandNotFound(f"{self.program} not found (install Defects4J and put "
                                      "<defects4j>/framework/bin on PATH)")

    def _d4j(self, project_dir: Path, args: list[str], deadline: float | None) -> proc.ProcResult:
        return proc.run_tests([self.program, *args], cwd=project_dir,
                              timeout=proc.time_left(deadline))

    def _export(self, project_dir: Path, prop: str, deadline: float | None) -> str:
        """``defects4j export -p prop`` (its value, read from ``-o``), or "" on failure."""
        target = project_dir / f".apr-export-{prop}"
        try:
            res = self._d4j(project_dir, ["export", "-p", prop, "-o", str(target)], deadline)
            return target.read_text(encoding="utf-8").strip() if res.ok and target.exists() else ""
        finally:
            target.unlink(missing_ok=True)

    def _remember_tests(self, project_dir: Path, repo_root: Path, deadline: float | None) -> None:
        if self._test_dirs:
            return
        folder = self._export(project_dir, "dir.src.tests", deadline)
        if folder:
            prefix = project_dir.resolve().relative_to(repo_root.resolve()).as_posix()
            self._test_dirs.add(folder if prefix == "." else f"{prefix}/{folder}")

    def _d4j_tests(self, project_dir: Path, tests: Sequence[str] | None, fail_fast: bool,
                   deadline: float | None) -> RunnerResult:
        outcomes: dict[str, TestStatus] = {}
        traces: dict[str, str] = {}
        output: list[str] = []
        timed_out = False
        for selected in ([None] if tests is None else list(tests)):
            args = ["test"] if selected is None else ["test", "-t", selected]
            (project_dir / FAILING_FILE).unlink(missing_ok=True)
            res = self._d4j(project_dir, args, deadline)
            output.append(res.output)
            timed_out = timed_out or res.timed_out
            failing = read_failing_tests(project_dir / FAILING_FILE)
            for test, trace in failing.items():
                outcomes[test], traces[test] = TestStatus.FAILED, trace
            if selected is not None:
                outcomes.setdefault(selected, TestStatus.FAILED if res.timed_out
                                    else TestStatus.PASSED)
            if timed_out or (fail_fast and failing):
                break
        if tests is None and not timed_out:
            for cls in self._export(project_dir, "tests.all", deadline).split():
                if not any(t.startswith(f"{cls}::") for t in outcomes):
                    outcomes[cls] = TestStatus.PASSED
        return RunnerResult(outcomes, {}, traces, (), {}, "".join(output)[-20000:], timed_out)

    def _covered_run(self, tools: JavaTools, project_dir: Path, deadline: float | None,
                     test_timeout: float | None) -> RunnerResult:
        classpath = [c for c in self._export(project_dir, "cp.test", deadline).split(":") if c]
        classes = self._export(project_dir, "dir.bin.classes", deadline)
        entries = self._export(project_dir, "tests.all", deadline).split()
        result = run_tests(tools, [*classpath, *map(str, tools.junit)], entries, project_dir,
                           coverage_classes=[project_dir / classes] if classes else (),
                           deadline=deadline, test_timeout=test_timeout)
        rename = {t: t.replace("#", "::", 1) for t in result.outcomes}
        return RunnerResult(
            outcomes={rename[t]: s for t, s in result.outcomes.items()},
            durations={rename.get(t, t): d for t, d in result.durations.items()},
            traces={rename.get(t, t): tr for t, tr in result.traces.items()},
            errors=result.errors,
            coverage={t.replace("#", "::", 1): c for t, c in result.coverage.items()},
            output=result.output, timed_out=result.timed_out)


def _tools() -> JavaTools | None:
    try:
        tools = JavaTools.find()
    except TestCommandNotFound:
        return None
    return tools if tools.coverage else None


def read_failing_tests(path: Path) -> dict[str, str]:
    """``Class::method`` -> trace, from a Defects4J ``failing_tests`` file (in file order)."""
    if not path.is_file():
        return {}
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("--- "):
            current = found.setdefault(line[4:].strip(), [])
        elif current is not None:
            current.append(line)
    return {test: "\n".join(lines).strip() for test, lines in found.items()}


def _sources_under(project_dir: Path, folder: str) -> list[str]:
    """``.java`` files under the source folder (relative to the project directory)."""
    base = project_dir / folder if folder else None
    if base is None or not base.is_dir():
        return []
    files = base.rglob("*.java")
    return sorted(PurePosixPath(p.relative_to(project_dir)).as_posix() for p in files)
