"""Run a Maven project's tests offline (``mvn -o``), per test, from Surefire's reports.

One ``mvn -o -B test`` per run compiles what changed and runs the tests; outcomes, durations
and failure traces come from ``target/surefire-reports/TEST-*.xml`` (deleted before each run).
Test ids are ``pkg.ClassTest#method`` (Surefire's ``classname`` and ``name``); ``tests`` select
with ``-Dtest=Class#m1+m2,...``; ``fail_fast`` adds ``-Dsurefire.skipAfterFailureCount=1``.
A build that fails without reports (compile errors, unresolvable plugins) becomes
``TestRun.errors`` (validation: COMPILE_FAILED; baseline: ProjectBroken with Maven's message).

Offline: ``-o`` uses only the local repository (``~/.m2/repository``, or ``-Dmaven.repo.local``
in ``$MAVEN_OPTS``); the plugins and the test provider (``surefire-junit4`` for JUnit 4,
``surefire-junit-platform`` for JUnit 5) must be there: run ``mvn dependency:go-offline`` (or one
online build) first.

Per-test timeout: JUnit 5's ``junit.jupiter.execution.timeout.default`` (through ``argLine``);
JUnit 4 tests only have the whole run's time limit. That limit is extended by twice the longest
time a run of this driver spent outside the tests (Maven's start-up, compiling, forking), since
callers size it from test durations.

Coverage (JUnit 5 only): JaCoCo's agent through ``-DargLine`` and apr's JUnit Platform listener
(``PlatformCoverageListener``, compiled against the Platform jars of the local repository and put
on the test class path with ``-Dmaven.test.additionalClasspath``) dump execution data per test,
analysed against ``target/classes``. A pom that sets ``argLine`` itself overrides ours: then,
and for JUnit 4, there is no coverage and localization relies on stack traces.

The driver's command string adds Maven arguments (``-pl core -Pci``). Single-module projects
(or the module given as the project directory) only.

Encoding: a pom that declares no source encoding gets the detected one
(``-Dproject.build.sourceEncoding=ISO-8859-1`` when a source is not UTF-8; see
:mod:`apr.project.java_build`), since Maven would read the sources in the platform's.

Offline failures: when ``mvn`` is missing, or its first run fails because something cannot be
resolved offline, the driver runs the tests with the junit driver instead, for the rest of the
repair (:mod:`apr.project.java_fallback`: the pom's folders and encoding, Maven's offline class
path when it resolves one).
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from apr import proc
from apr.model import TestRun, TestStatus
from apr.project.java_build import declared_encoding, detected_encoding, maven_folders
from apr.project.java_fallback import first_reason, junit_fallback, maven_classpath, unresolved
from apr.project.java_tools import (
    AGENT_EXCLUDES,
    JavaTools,
    compiled_runner,
    platform_jars,
    platform_listener,
)
from apr.project.junit import (
    JUnitDriver,
    coverage_lines,
    is_java_test_file,
    source_index,
    summarized,
    to_test_run,
)

REPORTS = "target/surefire-reports"
_MAX_TRACE = 6000


class MavenDriver:
    """TestDriver for Maven projects (Surefire), offline.

    Args:
        command: extra Maven arguments, or None.
        warm: the warm JVM for the junit driver it falls back to offline.
    """

    name = "maven"

    def __init__(self, command: str | None = None, warm: bool = False) -> None:
        self.warm = warm
        self.extra = shlex.split(command or "")
        self._tools: JavaTools | None = None
        self._overhead = 0.0  # the longest time a run spent outside the tests, seconds
        self._junit: JUnitDriver | None = None  # the fallback, once Maven failed offline
        self._encoding: list[str] | None = None  # -D flag for an undeclared encoding

    def close(self) -> None:
        if self._junit is not None:
            self._junit.close()

    def argv(self, project_dir: Path) -> list[str]:
        if self._junit is not None:
            return self._junit.argv(project_dir)
        return ["mvn", "-o", "-B", *self._encoding_flag(project_dir), *self.extra, "test"]

    def _encoding_flag(self, project_dir: Path) -> list[str]:
        """The detected source encoding as a flag, when the pom declares none and it is not
        UTF-8 (detected once: every workspace holds the same project)."""
        if self._encoding is None:
            found = None if declared_encoding(project_dir) else detected_encoding(project_dir)
            self._encoding = [f"-Dproject.build.sourceEncoding={found}"] \
                if found and found != "UTF-8" else []
        return self._encoding

    def is_test_file(self, file: str) -> bool:
        if self._junit is not None and self._junit.is_test_file(file):
            return True
        return "src/test/" in f"/{file}" or is_java_test_file(file)

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
        if self._junit is None:
            mvn = shutil.which("mvn")
            output = ""
            if mvn is not None:
                run = self._run_mvn(mvn, project_dir, repo_root, tests, coverage, fail_fast,
                                    timeout, test_timeout)
                if not (run.errors and unresolved(run.errors[0])):
                    return run
                output = run.errors[0]
            self._junit = self._fallback(mvn, project_dir, output)
        return self._junit.run(project_dir, repo_root, tests, coverage=coverage,
                               fail_fast=fail_fast, timeout=timeout, test_timeout=test_timeout)

    def _fallback(self, mvn: str | None, project_dir: Path, output: str) -> JUnitDriver:
        """The junit driver for this project, Maven's offline class path on it if any."""
        reason = first_reason(output) if mvn else "mvn is not on PATH"
        classpath = maven_classpath(mvn, project_dir) if mvn else None
        return junit_fallback("mvn", project_dir, maven_folders(project_dir), classpath, reason,
                              self.warm)

    def _run_mvn(self, mvn: str, project_dir: Path, repo_root: Path,
                 tests: Sequence[str] | None, coverage: bool, fail_fast: bool,
                 timeout: float | None, test_timeout: float | None) -> TestRun:
        started = time.monotonic()
        shutil.rmtree(project_dir / REPORTS, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="apr-mvn-") as tmp:
            cov_dir = Path(tmp) / "coverage"
            listener = self._listener() if coverage else None
            argv = [mvn, *self.argv(project_dir)[1:],
                    *selection(tests, fail_fast),
                    *arg_line(test_timeout, cov_dir if listener else None, self._agent(listener)),
                    *([f"-Dmaven.test.additionalClasspath={listener}"] if listener else [])]
            res = proc.run_tests(argv, cwd=project_dir, timeout=self._limit(timeout))
            result = read_reports(project_dir / REPORTS)
            if result[0] and not res.timed_out:
                spent = res.seconds - sum(result[1].values())
                self._overhead = max(self._overhead, spent)
            lines: dict[str, dict[str, tuple[int, ...]]] = {}
            if listener is not None and not res.timed_out:
                runner = compiled_runner(self.tools)
                classes = [project_dir / "target" / "classes"]
                lines = coverage_lines(self.tools, runner, cov_dir, classes, project_dir, None)
        errors: tuple[str, ...] = ()
        if not result[0] and not res.ok and not res.timed_out:
            errors = (build_error(res.output),)
        return finish(result, res, lines, errors, project_dir, repo_root,
                      time.monotonic() - started)

    def _limit(self, timeout: float | None) -> float | None:
        """``timeout`` plus twice the longest start-up and build time seen: callers size limits
        by test durations, and Maven spends seconds (tens on a busy machine) before the first
        test runs."""
        return None if timeout is None else timeout + 2 * self._overhead

    @property
    def tools(self) -> JavaTools:
        if self._tools is None:
            self._tools = JavaTools.find(need_junit=False)
        return self._tools

    def _listener(self) -> Path | None:
        return platform_listener(self.tools, platform_jars())

    def _agent(self, listener: Path | None) -> Path | None:
        return compiled_runner(self.tools).agent if listener is not None else None


def selection(tests: Sequence[str] | None, fail_fast: bool) -> list[str]:
    """Surefire flags choosing ``tests`` (ids ``pkg.Cls#m`` or classes) and stopping early."""
    args = ["-Dsurefire.failIfNoSpecifiedTests=false", "-DfailIfNoTests=false",
            "-Dsurefire.useFile=false", "-DtrimStackTrace=false"]
    if tests is not None:
        by_class: dict[str, list[str]] = {}
        for test in tests:
            cls, _, method = test.partition("#")
            by_class.setdefault(cls, [])
            if method:
                by_class[cls].append(method)
        patterns = [f"{c}#{'+'.join(ms)}" if ms else c for c, ms in by_class.items()]
        args.append(f"-Dtest={','.join(patterns)}")
    if fail_fast:
        args.append("-Dsurefire.skipAfterFailureCount=1")
    return args


def arg_line(test_timeout: float | None, cov_dir: Path | None, agent: Path | None) -> list[str]:
    """``-DargLine=...`` for the forked test JVM: the JUnit 5 per-test timeout, coverage."""
    parts = []
    if test_timeout:
        parts.append(f"-Djunit.jupiter.execution.timeout.default={max(1, round(test_timeout))}s")
    if cov_dir is not None and agent is not None:
        parts += [f"-javaagent:{agent}=output=none,dumponexit=false,excludes={AGENT_EXCLUDES}",
                  f"-Dapr.coverage.dir={cov_dir}"]
    return [f"-DargLine={' '.join(parts)}"] if parts else []


Reports = tuple[dict[str, TestStatus], dict[str, float], dict[str, str]]


def read_reports(folder: Path) -> Reports:
    """Outcomes, durations and traces from Surefire's XML reports in ``folder``."""
    outcomes: dict[str, TestStatus] = {}
    durations: dict[str, float] = {}
    traces: dict[str, str] = {}
    for report in sorted(folder.glob("TEST-*.xml")):
        try:
            root = ET.parse(report).getroot()
        except ET.ParseError:
            continue
        for case in root.iter("testcase"):
            test = f"{case.get('classname', '')}#{case.get('name', '')}"
            status, trace = _case_status(case)
            outcomes[test] = status
            durations[test] = round(float(case.get("time") or 0.0), 4)
            if trace:
                traces[test] = trace[-_MAX_TRACE:]
    return outcomes, durations, traces


def _case_status(case: ET.Element) -> tuple[TestStatus, str]:
    for tag in ("failure", "error"):
        found = case.find(tag)
        if found is not None:
            text = f"{found.get('type', '')}: {found.get('message', '')}\n{found.text or ''}"
            timeout = "TimeoutException" in text or "timed out after" in text
            return (TestStatus.TIMEOUT if timeout else TestStatus.FAILED), text
    if case.find("skipped") is not None:
        return TestStatus.SKIPPED, ""
    return TestStatus.PASSED, ""


def build_error(output: str) -> str:
    """Maven's error lines (``[ERROR] ...``), or the output's tail; the first compiler error
    (else the first error) is repeated last, for one-line messages."""
    lines = [ln for ln in output.splitlines() if ln.startswith("[ERROR]")]
    text = "\n".join(lines[:60]) if lines else "\n".join(output.splitlines()[-40:])
    if not text:
        return "mvn failed without output"
    marker = ".java:[" if ".java:[" in text else "[ERROR]"
    return summarized(text, marker)


def finish(reports: Reports, res: proc.ProcResult, lines: dict[str, dict[str, tuple[int, ...]]],
           errors: tuple[str, ...], project_dir: Path, repo_root: Path, seconds: float) -> TestRun:
    from apr.project.junit import RunnerResult

    outcomes, durations, traces = reports
    result = RunnerResult(outcomes, durations, traces, errors, lines, res.output[-20000:],
                          res.timed_out)
    files = source_index(project_dir, repo_root, main_sources(project_dir))
    return to_test_run(result, files, seconds, repo_root)


def main_sources(project_dir: Path) -> list[str]:
    """The ``.java`` files under ``src/main/java``, relative to the project directory."""
    base = project_dir / "src" / "main" / "java"
    return sorted(PurePosixPath(p.relative_to(project_dir)).as_posix()
                  for p in base.rglob("*.java")) if base.is_dir() else []
