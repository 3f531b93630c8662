"""Run a C project's tests with ``make test``, per test, from the TAP its test programs print.

The driver runs the command (default ``make test``; any make target works) with two additions:

- ``-f <the project's Makefile> -f apr-coverage.mk``: the second appends ``gcov.CFLAGS``
  (``--coverage -O0 -g -Wno-error``, the crash header) to ``CFLAGS`` and ``--coverage`` to
  ``LDFLAGS``, so every build is a coverage build (always: objects of a build without it would
  not link with those of one with it);
- ``SHELL=apr-make-shell``: make runs each recipe line through it. A line that runs a program
  by a relative path (``./test_list``, ``tests/run_all --verbose``) is a *test program*: the
  shell runs it under a time limit with its output line-buffered (what it printed
  before a crash is kept), frames its output with marker lines carrying its path and exit
  status, and tells make it succeeded, so that make goes on to the other test programs. Every
  other line (the compiler, a shell loop) runs as it would have.

Test ids are ``<program>::<name>``: the program's path relative to the project directory and
the TAP test's description (:mod:`apr.project.tap`), e.g. ``tests/test_list::push appends``.
TAP printed by recipe lines that are not programs (a loop over the programs) is named after the
make target: ``test::push appends``. Each program also gets ``<program>::(exit)``, which fails
when the program crashed (a signal, e.g. SIGSEGV), ran past its time limit, bailed out, stopped
before the end of its plan, or exited non-zero without a failing test to explain it; so a
program that prints no TAP at all is one test, passing when it exits 0. Tests a program printed
in an earlier run and not in this one (it crashed first) fail, with the reason as their trace.

A subset of tests runs only the programs holding them (``APR_ONLY``; the shell skips the
others, make still builds what the target needs). Per-test coverage is per *program*: after the
run, each program runs again alone, its ``.gcda`` counters reset first, and the lines it
executed (``gcov``, :mod:`apr.project.gcov`) are given to every test it printed; a TAP program
cannot run one test alone. Tests printed by a loop get the coverage of the whole run.

Limits: a test program may run for ``test_timeout`` × the number of tests the largest program
printed before (10 before any run); memory is the fence's (:mod:`apr.fence`). A compiler or
linker error in the output is a compile failure (``TestRun.errors``: COMPILE_FAILED in
validation, ProjectBroken at the baseline). ``fail_fast`` is ignored: a program runs all its tests.
Limitation: recursive make (``make -C sub``) gets neither the coverage flags nor, unless it
inherits ``SHELL`` through ``MAKEFLAGS``, the framing.
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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from apr import proc
from apr.model import TestRun, TestStatus
from apr.project import gcov
from apr.project.c_run import (
    TIMEOUT_STATUS,
    Results,
    compiler_errors,
    describe_exit,
    failed_command,
    is_c_code,
    is_c_test_file,
    run_tool,
)
from apr.project.tap import TapStream, parse_tap

EXIT = "(exit)"
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
_MARK = "\x1eapr-"
_FIRST_RUN_TESTS = 10

SHELL = r"""#!/bin/sh
# make's SHELL under apr: see apr/project/make.py.
if [ "$1" != "-c" ] || [ -z "$APR_PROJECT" ]; then exec /bin/sh "$@"; fi
line=$2
prog=${line%%[ 	;&|<>()]*}
case $prog in
  /*) exec /bin/sh -c "$line" ;;
  */*) ;;
  *) exec /bin/sh -c "$line" ;;
esac
if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then exec /bin/sh -c "$line"; fi
src=$(realpath -m --relative-to="$APR_PROJECT" "$prog")
if [ -n "$APR_ONLY" ]; then
  case " $APR_ONLY " in
    *" $src "*) ;;
    *) printf '\n\036apr-skip %s\n' "$src"; exit 0 ;;
  esac
fi
printf '\n\036apr-start %s %s\n' "$src" "$(date +%s.%N)"
timeout -k 1 "${APR_PROGRAM_TIMEOUT:-0}" stdbuf -oL -eL /bin/sh -c "$line"
status=$?
printf '\n\036apr-end %s %s %s\n' "$src" "$status" "$(date +%s.%N)"
exit 0
"""

COVERAGE_MK = f"""# apr: every build is a coverage build (apr/project/make.py)
CFLAGS += {gcov.CFLAGS}
LDFLAGS += {gcov.LDFLAGS}
"""


@dataclass(frozen=True, slots=True)
class Program:
    """One test program's framed output: its path, exit status and seconds."""

    source: str
    output: str
    status: int
    seconds: float


def find_makefile(project_dir: Path) -> str | None:
    """The makefile make would read in ``project_dir`` (its name), or None."""
    return next((m for m in MAKEFILES if (project_dir / m).is_file()), None)


class MakeDriver:
    """TestDriver for C projects whose ``make test`` runs TAP-printing test programs.

    Args:
        command: the make command line (default ``make test``).
    """

    name = "make"

    def __init__(self, command: str | None = None) -> None:
        self.command = shlex.split(command) if command else ["make", "test"]
        self._dir = Path(tempfile.mkdtemp(prefix="apr-make-"))
        self._shell = self._dir / "apr-make-shell"
        self._shell.write_text(SHELL, encoding="utf-8")
        self._shell.chmod(self._shell.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP)
        (self._dir / "apr-coverage.mk").write_text(COVERAGE_MK, encoding="utf-8")
        self._lock = threading.Lock()
        self._known: dict[str, list[str]] = {}  # program -> test names it printed, ever

    @property
    def target(self) -> str:
        """The make target the command runs (names the TAP of non-program recipe lines)."""
        words = [w for w in self.command[1:] if not w.startswith("-") and "=" not in w]
        return words[-1] if words else "make"

    def argv(self, project_dir: Path) -> list[str]:
        return list(self.command)

    def is_test_file(self, file: str) -> bool:
        return is_c_test_file(file)

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

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
        gcov.reset(project_dir)
        only = self._programs_for(tests)
        res = self._make(project_dir, only, deadline, test_timeout)
        if res.timed_out:
            return TestRun(outcomes={}, seconds=time.monotonic() - started, returncode=None,
                           timed_out=True, output=res.output[-20000:])
        framed, outer = split_output(res.output)
        errors = compiler_errors(outer, project_dir)
        results, programs = self._results(framed, outer, test_timeout)
        if not errors and not results.outcomes and not res.ok:
            errors = failed_command(self.command, res)
        if errors:
            return TestRun(outcomes={}, seconds=time.monotonic() - started,
                           returncode=res.returncode or 2, output=res.output[-20000:],
                           errors=(errors,))
        if coverage:
            results.coverage.update(self._coverage(project_dir, repo_root, results.outcomes,
                                                   programs, deadline, test_timeout))
        if tests is not None:
            results = restricted(results, tests)
        return results.test_run(time.monotonic() - started, res.output)

    def _programs_for(self, tests: Sequence[str] | None) -> list[str] | None:
        """The programs to run for ``tests``, or None for all (a test not of a known program)."""
        if tests is None:
            return None
        with self._lock:
            known = set(self._known)
        wanted = {t.partition("::")[0] for t in tests}
        return sorted(wanted) if wanted <= known else None

    def _make(self, project_dir: Path, only: Sequence[str] | None, deadline: float | None,
              test_timeout: float | None) -> proc.ProcResult:
        env = {**os.environ, "APR_PROJECT": str(project_dir.resolve()),
               "APR_PROGRAM_TIMEOUT": f"{self._program_limit(test_timeout):g}"}
        if only is not None:
            env["APR_ONLY"] = " ".join(only) or "-"
        return run_tool(self._full_argv(project_dir), cwd=project_dir,
                        timeout=proc.time_left(deadline), env=env, fenced=True)

    def _full_argv(self, project_dir: Path) -> list[str]:
        make, *rest = self.command
        if PurePosixPath(make).name not in ("make", "gmake"):
            return list(self.command)
        extra = [f"SHELL={self._shell}"]
        if not {"-f", "--file", "--makefile"} & {w.partition("=")[0] for w in rest}:
            found = find_makefile(project_dir)
            extra += ["-f", found] if found else []
        extra += ["-f", str(self._dir / "apr-coverage.mk")]
        return [make, *extra, *rest]

    def _program_limit(self, test_timeout: float | None) -> float:
        """Seconds a test program may run: ``test_timeout`` per test of the largest one."""
        if not test_timeout:
            return 0
        with self._lock:
            most = max((len(names) for names in self._known.values()), default=0)
        return test_timeout * (most or _FIRST_RUN_TESTS)

    def _results(self, framed: list[Program], outer: str, test_timeout: float | None
                 ) -> tuple[Results, dict[str, list[str]]]:
        """The run's tests, and the ids of each program's tests."""
        results = Results()
        limit = self._program_limit(test_timeout)
        programs = {p.source: self._add_program(results, p, limit) for p in framed}
        stream = parse_tap(outer)
        for test in stream.tests:
            results.add(f"{self.target}::{test.name}", test.status, test.trace)
        return results, programs

    def _add_program(self, results: Results, program: Program, limit: float) -> list[str]:
        """Add a program's tests to ``results``; their ids."""
        with self._lock:
            earlier = list(self._known.get(program.source, ()))
        ids, printed = add_tap_program(results, program, earlier, limit)
        with self._lock:
            known = self._known.setdefault(program.source, [])
            known.extend(name for name in printed if name not in known)
        return ids

    def _coverage(self, project_dir: Path, repo_root: Path, outcomes: dict[str, TestStatus],
                  programs: dict[str, list[str]], deadline: float | None,
                  test_timeout: float | None) -> dict[str, dict[str, tuple[int, ...]]]:
        """Per-test lines: the whole run's for tests not of a program, each program's own
        (run again alone) for its tests."""
        whole = gcov.collect(project_dir, repo_root, is_c_code)
        of_programs = {t for ids in programs.values() for t in ids}
        per_test = {t: whole for t in outcomes if t not in of_programs}
        for source, ids in programs.items():
            gcov.reset(project_dir)
            self._make(project_dir, [source], deadline, test_timeout)
            lines = gcov.collect(project_dir, repo_root, is_c_code)
            per_test.update((t, lines) for t in ids)
        return per_test


def add_tap_program(results: Results, program: Program, earlier: Sequence[str], limit: float
                    ) -> tuple[list[str], list[str]]:
    """Add what a TAP program printed to ``results``: a test ``<source>::<name>`` per TAP line,
    the tests it printed in an ``earlier`` run and not in this one (they take its ``(exit)``
    verdict, saying why), and ``<source>::(exit)`` (:func:`exit_verdict`). Returns the ids, and
    the names of the TAP lines it printed."""
    stream = parse_tap(program.output)
    each = program.seconds / max(1, len(stream.tests) + 1)
    ids = []
    for test in stream.tests:
        ids.append(f"{program.source}::{test.name}")
        results.add(ids[-1], test.status, test.trace, each)
    verdict, why = exit_verdict(program, stream, limit)
    printed = [t.name for t in stream.tests]
    for name in earlier:
        if name not in printed and name != EXIT:
            ids.append(f"{program.source}::{name}")
            results.add(ids[-1], verdict, f"not run: {why}")
    ids.append(f"{program.source}::{EXIT}")
    results.add(ids[-1], verdict, why if verdict is not TestStatus.PASSED else "", each)
    return ids, printed


def exit_verdict(program: Program, stream: TapStream, limit: float) -> tuple[TestStatus, str]:
    """The status of a program's ``(exit)`` test, and why it failed (see the module doc)."""
    ended = f"{program.source} {describe_exit(program.status, limit)}"
    failed = any(t.status is TestStatus.FAILED for t in stream.tests)
    if program.status == TIMEOUT_STATUS:
        status = TestStatus.TIMEOUT
    elif program.status > 128 or stream.bailed is not None or not stream.complete:
        status = TestStatus.FAILED
    elif program.status != 0 and not failed:
        status = TestStatus.FAILED
    else:
        return TestStatus.PASSED, ""
    last = stream.tests[-1].name if stream.tests else None
    where = f" after {last!r}" if last else " before its first test"
    plan = f" ({len(stream.tests)} of {stream.planned} planned tests ran)" if stream.planned else ""
    bail = f"; it bailed out: {stream.bailed}" if stream.bailed else ""
    tail = "\n".join(program.output.strip().splitlines()[-20:])
    return status, f"{ended}{where}{plan}{bail}\n--- its last output:\n{tail}"


def split_output(output: str) -> tuple[list[Program], str]:
    """The framed output of each test program, and the rest of make's output."""
    programs: list[Program] = []
    outer: list[str] = []
    current: list[str] | None = None
    began = 0.0
    for line in output.split("\n"):  # not splitlines(): it splits at the marker's \x1e
        if not line.startswith(_MARK):
            (outer if current is None else current).append(line)
            continue
        kind, _, rest = line[len(_MARK):].partition(" ")
        words = rest.rsplit(" ", 2)
        if kind == "start" and len(words) >= 2:
            current, began = [], _float(words[-1])
        elif kind == "end" and current is not None and len(words) == 3:
            seconds = max(0.0, _float(words[2]) - began)
            programs.append(Program(words[0], "\n".join(current), int(words[1]), seconds))
            current = None
    if current is not None:  # the run was cut short inside a program
        outer.extend(current)
    return programs, "\n".join(outer)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def restricted(results: Results, tests: Sequence[str]) -> Results:
    """Only ``tests``; one the run did not report fails, saying so."""
    out = Results()
    for test in tests:
        if test in results.outcomes:
            out.add(test, results.outcomes[test], results.traces.get(test, ""),
                    results.durations.get(test, 0.0))
            if test in results.coverage:
                out.coverage[test] = results.coverage[test]
        else:
            out.add(test, TestStatus.FAILED, "not reported: no test program printed this test")
    return out

