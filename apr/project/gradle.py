"""Run a Gradle project's tests offline (``gradle --offline test``), per test, from its reports.

Needs a ``gradle`` program on PATH (Debian's ``gradle`` package, or an installed distribution);
a project's ``gradlew`` wrapper is not used, since it downloads Gradle. Without ``gradle``, or
when its first run fails because something cannot be resolved offline, the tests run with the
junit driver in ``src/main/java`` and ``src/test/java`` (:mod:`apr.project.java_fallback`; no
class path from Gradle: a project that declares dependencies beyond JUnit stops with a line
naming ``--driver junit --test "... classpath=..."``).

Outcomes come from ``build/test-results/test/TEST-*.xml`` (JUnit XML, as Surefire's), ids
``pkg.ClassTest#method``; ``tests`` select with ``--tests Class.method``; compile errors (a
failed build without reports) become ``TestRun.errors``. No coverage: localization relies on
stack traces. The driver's command string adds Gradle arguments.
"""

from __future__ import annotations

import shlex
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from apr import proc
from apr.model import TestRun
from apr.project.java_fallback import first_reason, junit_fallback, unresolved
from apr.project.junit import JUnitDriver, is_java_test_file
from apr.project.maven import build_error, finish, read_reports

REPORTS = "build/test-results/test"


class GradleDriver:
    """TestDriver for Gradle projects.

    Args:
        command: extra Gradle arguments, or None.
        warm: the warm JVM for the junit driver it falls back to offline.
    """

    name = "gradle"

    def __init__(self, command: str | None = None, warm: bool = False) -> None:
        self.warm = warm
        self.program = shutil.which("gradle")
        self.extra = shlex.split(command or "")
        self._junit: JUnitDriver | None = None  # the fallback, once Gradle failed offline

    def close(self) -> None:
        if self._junit is not None:
            self._junit.close()

    def argv(self, project_dir: Path) -> list[str]:
        if self._junit is not None:
            return self._junit.argv(project_dir)
        return [self.program or "gradle", "--offline", "-q", *self.extra, "test"]

    def is_test_file(self, file: str) -> bool:
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
            reason = "gradle is not on PATH (a gradlew wrapper is not used offline)"
            if self.program is not None:
                run = self._run_gradle(project_dir, repo_root, tests, fail_fast, timeout)
                if not (run.errors and unresolved(run.errors[0])):
                    return run
                reason = first_reason(run.errors[0])
            self._junit = junit_fallback("gradle", project_dir,
                                         ("src/main/java", "src/test/java"), None, reason,
                                         self.warm)
        return self._junit.run(project_dir, repo_root, tests, coverage=coverage,
                               fail_fast=fail_fast, timeout=timeout, test_timeout=test_timeout)

    def _run_gradle(self, project_dir: Path, repo_root: Path, tests: Sequence[str] | None,
                    fail_fast: bool, timeout: float | None) -> TestRun:
        started = time.monotonic()
        shutil.rmtree(project_dir / REPORTS, ignore_errors=True)
        argv = [*self.argv(project_dir), "--continue"] if not fail_fast else self.argv(project_dir)
        for test in tests or ():
            argv += ["--tests", test.replace("#", ".")]
        res = proc.run_tests(argv, cwd=project_dir, timeout=timeout)
        reports = read_reports(project_dir / REPORTS)
        errors = (build_error(res.output),) if not reports[0] and not res.ok \
            and not res.timed_out else ()
        return finish(reports, res, {}, errors, project_dir, repo_root,
                      time.monotonic() - started)
