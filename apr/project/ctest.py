"""Run a CMake project's tests with CTest, per test, optionally with per-test gcov coverage.

The project is configured once per workspace into ``.apr-build/cmake`` (a Debug build with
``--coverage -O0 -g`` in ``CMAKE_C_FLAGS`` and the linker flags: every build is a coverage
build, so that objects of both kinds never meet), built with ``cmake --build`` (incremental: a
candidate recompiles its file), and tested with ``ctest --output-junit``. Test ids are CTest's
test names (``add_test(NAME ...)``). Outcomes come from the JUnit file; why a test failed from
CTest's own lines: a crash (``***Exception: SegFault``) is a failed test whose trace says so, a
test past ``--timeout`` (the per-test limit) is a timeout. A subset runs with
``-R ^(name|...)$``. Per-test coverage: each test again alone, its ``.gcda`` counters reset
first. A compiler or linker error is a compile failure (``TestRun.errors``).

The driver's command string holds extra ``cmake`` configure arguments (``-DWITH_X=ON``).
"""

from __future__ import annotations

import dataclasses
import re
import shlex
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from apr import proc
from apr.model import TestRun, TestStatus
from apr.project import gcov
from apr.project.c_run import (
    BuildThenTest,
    Results,
    failed_build,
    is_c_code,
    run_tool,
)

BUILD_DIR = ".apr-build/cmake"
_LINE = re.compile(r"^\s*\d+/\d+ Test\s+#\d+: (.+?) \.+\s*(?:\*\*\*)?(.+?)\s+[\d.]+ sec\s*$",
                   re.M)
_REGEX_SPECIAL = re.compile(r"([\\^$.|?*+()\[\]])")


class CTestDriver(BuildThenTest):
    """TestDriver for CMake projects tested with CTest.

    Args:
        command: extra ``cmake`` configure arguments.
    """

    name = "ctest"

    def __init__(self, command: str | None = None) -> None:
        self.configure_args = shlex.split(command or "")

    def argv(self, project_dir: Path) -> list[str]:
        return ["ctest", "--test-dir", BUILD_DIR]

    def _test(self, project_dir: Path, repo_root: Path, tests: Sequence[str] | None, *,
              coverage: bool, fail_fast: bool, deadline: float | None,
              test_timeout: float | None) -> TestRun:
        build = project_dir / BUILD_DIR
        gcov.reset(build)
        run = self._ctest(project_dir, tests, fail_fast, deadline, test_timeout)
        if run.timed_out or not coverage:
            return run
        lines: dict[str, dict[str, tuple[int, ...]]] = {}
        for test in run.outcomes:
            gcov.reset(build)
            self._ctest(project_dir, [test], False, deadline, test_timeout)
            lines[test] = gcov.collect(build, repo_root, is_c_code)
        return dataclasses.replace(run, coverage=lines)

    def _build(self, project_dir: Path, deadline: float | None) -> TestRun | None:
        """Configure (once) and build; None when it built, else the failed run."""
        build = project_dir / BUILD_DIR
        steps = [["cmake", "--build", BUILD_DIR]]
        if not (build / "CMakeCache.txt").is_file():
            steps.insert(0, ["cmake", "-S", ".", "-B", BUILD_DIR, "-DCMAKE_BUILD_TYPE=Debug",
                             f"-DCMAKE_C_FLAGS={gcov.CFLAGS}",
                             f"-DCMAKE_EXE_LINKER_FLAGS={gcov.LDFLAGS}",
                             f"-DCMAKE_SHARED_LINKER_FLAGS={gcov.LDFLAGS}",
                             *self.configure_args])
        for argv in steps:
            res = run_tool(argv, cwd=project_dir, timeout=proc.time_left(deadline))
            if not res.ok:
                if argv[1] == "-S":
                    shutil.rmtree(build, ignore_errors=True)  # configure again next time
                return failed_build(argv, res, project_dir)
        return None

    def _ctest(self, project_dir: Path, tests: Sequence[str] | None, fail_fast: bool,
               deadline: float | None, test_timeout: float | None) -> TestRun:
        with tempfile.TemporaryDirectory(prefix="apr-ctest-") as tmp:
            junit = Path(tmp) / "junit.xml"
            argv = ["ctest", "--test-dir", BUILD_DIR, "--output-junit", str(junit)]
            if tests is not None:
                argv += ["-R", "^(" + "|".join(_escape(t) for t in tests) + ")$"]
            if test_timeout:
                argv += ["--timeout", f"{test_timeout:g}"]
            if fail_fast:
                argv.append("--stop-on-failure")
            res = run_tool(argv, cwd=project_dir, timeout=proc.time_left(deadline),
                           fenced=True)
            return read_results(junit, res, tests)


def read_results(junit: Path, res: proc.ProcResult, tests: Sequence[str] | None) -> TestRun:
    """The run's outcomes from CTest's JUnit file and console lines."""
    reasons = {m.group(1): m.group(2) for m in _LINE.finditer(res.output)}
    results = Results()
    for case in _cases(junit):
        name = case.get("name", "")
        reason = reasons.get(name, "")
        status = _status(case.get("status", ""), reason)
        out = case.findtext("system-out") or ""
        trace = f"{name}: {reason or 'failed'}\n{out.strip()}".strip()
        results.add(name, status, trace if status in (TestStatus.FAILED, TestStatus.TIMEOUT)
                    else "", float(case.get("time") or 0.0))
    for test in tests or ():
        if test not in results.outcomes:
            results.add(test, TestStatus.FAILED, "not reported: CTest has no test of this name")
    return results.test_run(res.seconds, res.output, timed_out=res.timed_out)


def _cases(junit: Path) -> list[ET.Element]:
    try:
        return list(ET.parse(junit).getroot().iter("testcase"))
    except (OSError, ET.ParseError):
        return []


def _status(status: str, reason: str) -> TestStatus:
    if status == "run":
        return TestStatus.PASSED
    if reason.startswith("Timeout"):
        return TestStatus.TIMEOUT
    if status == "disabled" or reason.startswith("Skipped"):
        return TestStatus.SKIPPED
    return TestStatus.FAILED


def _escape(name: str) -> str:
    """``name`` as a literal in CTest's (CMake's) regular expressions."""
    return _REGEX_SPECIAL.sub(r"\\\1", name)

