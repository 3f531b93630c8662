"""What the C drivers (make, ctest, io) share: which files are tests, what a compiler error
looks like, and what a program's exit status means. Memory and the other resource limits are
the fence's (:mod:`apr.fence`), as for every test command."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from apr import proc
from apr.errors import TestCommandNotFound
from apr.model import TestRun, TestStatus

#: A program's exit status when ``timeout`` (coreutils) ended it.
TIMEOUT_STATUS = 124

_TEST_DIRS = frozenset({"test", "tests", "t", "testing", "check", "unittest", "unittests"})
_TEST_NAME = re.compile(r"^(test|check)[_-]?.*\.[ch]$|.*[_-](test|tests|check)\.[ch]$", re.I)
_COMPILER_ERROR = re.compile(
    r"^[^\s:][^:\n]*:\d+:(?:\d+:)? (?:fatal )?error: .*$"  # gcc/clang: file:line:col: error:
    r"|^.*undefined reference to .*$"  # the linker
    r"|^collect2: error: .*$"
    r"|^make(?:\[\d+\])?: \*\*\* No rule to make target .*$", re.M)


def is_c_test_file(file: str) -> bool:
    """A C test by its path: under a folder like ``tests`` or named like ``test_list.c``."""
    path = PurePosixPath(file)
    return (any(part.lower() in _TEST_DIRS for part in path.parts[:-1])
            or bool(_TEST_NAME.match(path.name)))


def is_c_code(file: str) -> bool:
    """Code whose coverage counts: a ``.c``/``.h`` file that is not a test and not one of
    apr's build folders (CMake's compiler probes live there)."""
    return (file.endswith((".c", ".h")) and not is_c_test_file(file)
            and ".apr-build" not in PurePosixPath(file).parts)


def compiler_errors(output: str, project_dir: Path) -> str:
    """The compiler's and linker's errors in ``output`` (paths relative to the project), the
    first repeated last (the line apr's messages quote); empty when there are none."""
    found = [m.group(0).strip() for m in _COMPILER_ERROR.finditer(output)]
    if not found:
        return ""
    text = output.strip().replace(f"{project_dir}{os.sep}", "")[-8000:]
    return f"{text}\n{found[0].replace(f'{project_dir}{os.sep}', '')}"


def failed_command(argv: Sequence[str], res: proc.ProcResult) -> str:
    """A failed command without a compiler error to quote: it and its last lines."""
    return f"{' '.join(argv)} failed ({res.returncode}):\n{res.tail(40)}"


def failed_build(argv: Sequence[str], res: proc.ProcResult, project_dir: Path) -> TestRun:
    """The run of a build command (``argv``, unwrapped) that failed: past its time limit, or
    its compiler errors (else its last lines) as ``TestRun.errors``, a compile failure."""
    if res.timed_out:
        return TestRun(outcomes={}, seconds=res.seconds, returncode=None, timed_out=True,
                       output=res.output[-20000:])
    errors = compiler_errors(res.output, project_dir) or failed_command(argv, res)
    return TestRun(outcomes={}, seconds=res.seconds, returncode=res.returncode,
                   output=res.output[-20000:], errors=(errors,))


@dataclass(slots=True)
class Results:
    """Per-test records gathered while a C driver reads a run, and the :class:`TestRun` they
    make."""

    outcomes: dict[str, TestStatus] = field(default_factory=dict)
    traces: dict[str, str] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    coverage: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)

    def add(self, test: str, status: TestStatus, trace: str = "", seconds: float = 0.0) -> None:
        self.outcomes[test] = status
        self.durations[test] = round(seconds, 4)
        if trace:
            self.traces[test] = trace

    def test_run(self, seconds: float, output: str = "", *, timed_out: bool = False) -> TestRun:
        """The run: returncode 1 when a test failed or timed out, else 0 (None past the time
        limit); the last 20000 characters of ``output``."""
        bad = any(s in (TestStatus.FAILED, TestStatus.TIMEOUT) for s in self.outcomes.values())
        return TestRun(outcomes=self.outcomes, seconds=seconds,
                       returncode=None if timed_out else int(bad), timed_out=timed_out,
                       output=output[-20000:], coverage=self.coverage, traces=self.traces,
                       durations=self.durations)


class BuildThenTest:
    """What the C drivers that configure and build before they test share (ctest, meson):
    :meth:`run` builds (a failed build is the run: a compile failure) and then tests; the
    subclass gives ``_build`` and ``_test``."""

    def is_test_file(self, file: str) -> bool:
        return is_c_test_file(file)

    def close(self) -> None:
        pass

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
        failed = self._build(project_dir, deadline)
        if failed is None:
            failed = self._test(project_dir, repo_root, tests, coverage=coverage,
                                fail_fast=fail_fast, deadline=deadline, test_timeout=test_timeout)
        return with_seconds(failed, started)

    def _build(self, project_dir: Path, deadline: float | None) -> TestRun | None:
        """Configure and build; None when it built, else the failed run."""
        raise NotImplementedError

    def _test(self, project_dir: Path, repo_root: Path, tests: Sequence[str] | None, *,
              coverage: bool, fail_fast: bool, deadline: float | None,
              test_timeout: float | None) -> TestRun:
        """Run the built tests (see :class:`apr.project.base.TestDriver`)."""
        raise NotImplementedError


def with_seconds(run: TestRun, started: float) -> TestRun:
    """``run`` timed from ``started`` (``time.monotonic()``): build and test together."""
    return dataclasses.replace(run, seconds=time.monotonic() - started)


def describe_exit(status: int, limit: float | None = None) -> str:
    """A shell-style exit status in words: ``exited with 1``, ``was killed by SIGSEGV
    (segmentation fault)``, ``ran past its time limit``."""
    if status == TIMEOUT_STATUS:
        return f"ran past its time limit ({limit:g} s)" if limit else "ran past its time limit"
    number = status - 128 if status > 128 else -status if status < 0 else 0
    if number:
        try:
            name = signal.Signals(number).name
        except ValueError:
            return f"was killed by signal {number}"
        return f"was killed by {name} ({(signal.strsignal(number) or name).lower()})"
    return f"exited with {status}"


def run_tool(argv: Sequence[str], *, cwd: Path, timeout: float | None = None,
             env: Mapping[str, str] | None = None, fenced: bool = False) -> proc.ProcResult:
    """:func:`apr.proc.run` (``fenced``: :func:`apr.proc.run_tests`, a test command), with a
    missing program (make, cc, cmake, ctest, gcov) reported as such rather than as a crash.

    Raises:
        TestCommandNotFound: ``argv[0]`` is not installed.
    """
    runner = proc.run_tests if fenced else proc.run
    try:
        return runner(argv, cwd=cwd, timeout=timeout, env=env)
    except FileNotFoundError:
        raise TestCommandNotFound(f"{argv[0]} not found: the C drivers need it on PATH "
                                  "(Debian: apt-get install build-essential cmake)") from None
