"""Input/output programs (Codeflaws, RunBugRun style): a program, inputs and expected outputs.

Each test is a pair ``<tests>/<name>.in`` + ``<tests>/<name>.out`` (``tests`` by default); its
id is ``<tests>/<name>`` (``tests/sample1``). The program reads the input on stdin; the test
passes when it exits 0 and its stdout equals the expected output up to trailing whitespace
(at line ends and at the end). A crash (a signal), a non-zero exit or the per-test time limit
fail the test, saying so in its trace; so does a difference (the first differing line).

Build (a coverage build, always: ``--coverage -O0 -g``, see :mod:`apr.project.gcov`):

- with a Makefile: ``make -f Makefile -f apr-coverage.mk`` (its default goal), and the program
  is ``program=`` (default: the one executable file the build left in the project folder);
- without: ``cc --coverage -O0 -g -o .apr-build/io/prog <the .c files> -lm``, the ``.c``
  files of the project folder that are not tests (``src/`` too).

The driver's command string holds ``key=value`` options: ``program=PATH``, ``tests=DIR``,
``cc=COMPILER``, ``cflags="-std=c99 -DONLINE_JUDGE"``. Per-test coverage: the counters are reset
before each test and read after it. Each test runs under the time limit, inside the fence
(:mod:`apr.fence`: memory and the other limits) like every test command.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from apr import proc
from apr.errors import UsageError
from apr.model import TestRun, TestStatus
from apr.project import gcov
from apr.project.base import driver_options
from apr.project.c_run import (
    TIMEOUT_STATUS,
    Results,
    describe_exit,
    failed_build,
    is_c_code,
    is_c_test_file,
    run_tool,
)
from apr.project.make import COVERAGE_MK, find_makefile

BUILD_DIR = ".apr-build/io"
_OPTIONS = ("program", "tests", "cc", "cflags")
_STDIN = 'exec "$0" < "$1" 2> "$2"'  # stdout alone is compared; stderr goes to a file


def parse_options(command: str | None) -> dict[str, str]:
    """``key=value`` words of the driver's command string.

    Raises:
        UsageError: a word that is not ``key=value`` with a known key.
    """
    return driver_options(command, _OPTIONS, "io")


def same_output(actual: str, expected: str) -> bool:
    """Equal up to trailing whitespace at line ends and trailing blank lines."""
    return _lines(actual) == _lines(expected)


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def first_difference(actual: str, expected: str) -> str:
    """Where the outputs first differ, in words."""
    got, want = _lines(actual), _lines(expected)
    for number, (a, b) in enumerate(zip(got, want, strict=False), 1):
        if a != b:
            return f"line {number}: expected {b!r}, got {a!r}"
    if len(got) < len(want):
        return f"line {len(got) + 1}: expected {want[len(got)]!r}, got the end of the output"
    return f"line {len(want) + 1}: expected the end of the output, got {got[len(want)]!r}"


class IODriver:
    """TestDriver for programs tested by input and expected output files.

    Args:
        command: ``key=value`` options (see the module doc).
    """

    name = "io"

    def __init__(self, command: str | None = None) -> None:
        self.options = parse_options(command)
        self.tests_dir = self.options.get("tests", "tests").strip("/") or "tests"
        self._dir = Path(tempfile.mkdtemp(prefix="apr-io-"))
        (self._dir / "apr-coverage.mk").write_text(COVERAGE_MK, encoding="utf-8")

    def argv(self, project_dir: Path) -> list[str]:
        return [self.options.get("program", "<program>"), "<", f"{self.tests_dir}/NAME.in"]

    def is_test_file(self, file: str) -> bool:
        return is_c_test_file(file) or file.startswith(f"{self.tests_dir}/")

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def list_tests(self, project_dir: Path) -> list[str]:
        """The ids of the pairs of input and expected output files."""
        folder = project_dir / self.tests_dir
        names = sorted(p.stem for p in folder.glob("*.in") if p.with_suffix(".out").is_file())
        return [f"{self.tests_dir}/{name}" for name in names]

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
        program = self._build(project_dir, deadline)
        if isinstance(program, TestRun):
            return program
        run = Results()
        for test in tests if tests is not None else self.list_tests(project_dir):
            if deadline is not None and time.monotonic() > deadline:
                return run.test_run(time.monotonic() - started, timed_out=True)
            if coverage:
                gcov.reset(project_dir)
            limits = (test_timeout, proc.time_left(deadline))
            limit = min((t for t in limits if t), default=None)
            status, trace, seconds = self._one(project_dir, program, test, limit)
            run.add(test, status, trace, seconds)
            if coverage:
                run.coverage[test] = gcov.collect(project_dir, repo_root, self._is_code)
            if fail_fast and run.outcomes[test] is not TestStatus.PASSED:
                break
        return run.test_run(time.monotonic() - started)

    def _is_code(self, file: str) -> bool:
        return is_c_code(file) and not self.is_test_file(file)

    def _one(self, project_dir: Path, program: Path, test: str, limit: float | None
             ) -> tuple[TestStatus, str, float]:
        """Run one test under ``limit`` seconds: its status, trace and seconds."""
        given, wanted = project_dir / f"{test}.in", project_dir / f"{test}.out"
        if not given.is_file() or not wanted.is_file():
            return (TestStatus.FAILED, f"no such test: {given.name} or {wanted.name} is missing",
                    0.0)
        errors = self._dir / f"stderr-{threading.get_ident()}"
        argv = ["sh", "-c", _STDIN, str(program), str(given), str(errors)]
        res = run_tool(argv, cwd=project_dir, timeout=limit, fenced=True)
        if res.timed_out:
            return (TestStatus.TIMEOUT, f"{test}: {describe_exit(TIMEOUT_STATUS, limit)}",
                    res.seconds)
        if res.returncode != 0:
            return (TestStatus.FAILED, f"{test}: the program {describe_exit(res.returncode or 0)}"
                    f"\n--- its output:\n{res.tail(20)}\n--- its standard error:\n{_tail(errors)}",
                    res.seconds)
        expected = wanted.read_text(encoding="utf-8", errors="replace")
        if not same_output(res.output, expected):
            return (TestStatus.FAILED,
                    f"{test}: wrong output, {first_difference(res.output, expected)}",
                    res.seconds)
        return TestStatus.PASSED, "", res.seconds

    def _build(self, project_dir: Path, deadline: float | None) -> Path | TestRun:
        """The program, built; or the failed build's run."""
        makefile = find_makefile(project_dir)
        if makefile is not None:
            argv = ["make", "-f", makefile, "-f", str(self._dir / "apr-coverage.mk")]
        else:
            argv = self._compile_argv(project_dir)
        res = run_tool(argv, cwd=project_dir, timeout=proc.time_left(deadline))
        if not res.ok:
            return failed_build(argv, res, project_dir)
        return self._program(project_dir, makefile is not None)

    def _compile_argv(self, project_dir: Path) -> list[str]:
        sources = sorted(p.relative_to(project_dir).as_posix()
                         for folder in (project_dir, project_dir / "src")
                         for p in folder.glob("*.c")
                         if not self.is_test_file(p.relative_to(project_dir).as_posix()))
        if not sources:
            raise UsageError(f"io driver: no .c files in {project_dir} (or its src/)")
        (project_dir / BUILD_DIR).mkdir(parents=True, exist_ok=True)
        cc = self.options.get("cc", os.environ.get("CC", "cc"))
        flags = shlex.split(self.options.get("cflags", ""))
        return [cc, *gcov.CFLAGS.split(), *flags, "-o", f"{BUILD_DIR}/prog", *sources, "-lm"]

    def _program(self, project_dir: Path, made: bool) -> Path:
        """The program to run.

        Raises:
            UsageError: a make build left no single executable and no ``program=`` was given.
        """
        if "program" in self.options:
            return (project_dir / self.options["program"]).resolve()
        if not made:
            return (project_dir / BUILD_DIR / "prog").resolve()
        found = [p for p in project_dir.iterdir() if p.is_file() and not p.suffix
                 and p.stat().st_mode & stat.S_IXUSR]
        if len(found) != 1:
            raise UsageError(f"io driver: name the program with program=PATH (the build left "
                             f"{len(found)} executables in {project_dir})")
        return found[0].resolve()


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])

