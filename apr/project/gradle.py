"""Run a Gradle project's tests offline (``gradle --offline test``), per test, from its reports.

Needs a ``gradle`` program on PATH (Debian's ``gradle`` package, or an installed distribution);
a project's ``gradlew`` wrapper is not used, since it downloads Gradle. Without ``gradle`` the
driver cannot be made: selecting it (``--driver gradle``, or detection through
``build.gradle``/``build.gradle.kts``) is a usage error that says so, and ``--driver junit``
runs such a project with plain javac when it keeps the usual ``src/main/java`` layout.

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
from apr.errors import UsageError
from apr.model import TestRun
from apr.project.junit import is_java_test_file
from apr.project.maven import build_error, finish, read_reports

REPORTS = "build/test-results/test"


class GradleDriver:
    """TestDriver for Gradle projects.

    Args:
        command: extra Gradle arguments, or None.

    Raises:
        UsageError: no ``gradle`` on PATH.
    """

    name = "gradle"

    def __init__(self, command: str | None = None) -> None:
        program = shutil.which("gradle")
        if program is None:
            raise UsageError("the gradle driver needs `gradle` on PATH (e.g. `apt-get install "
                             "gradle`); a gradlew wrapper is not used offline. For a project "
                             "with src/main/java and src/test/java, try --driver junit")
        self.program = program
        self.extra = shlex.split(command or "")

    def close(self) -> None:
        pass

    def argv(self, project_dir: Path) -> list[str]:
        return [self.program, "--offline", "-q", *self.extra, "test"]

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
