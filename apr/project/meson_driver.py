"""Run a Meson project's tests with ``meson test``, per test, optionally with per-test gcov
coverage.

The project is configured once per workspace into ``.apr-build/meson`` (``meson setup
--buildtype=debug``; ``c_args`` and ``c_link_args`` apr's coverage flags, the crash header of
:mod:`apr.project.gcov` among them, which Meson's compiler check links too; ``b_coverage``, so
that a C++ target linking C objects, linked by ``c++``, which ``c_link_args`` does not reach,
links the coverage runtime; ``--wrap-mode nodownload``: a subproject is never fetched), built
with ``meson compile`` (incremental: a candidate recompiles its file) and tested with ``meson
test --no-rebuild --num-processes 1``. What the tests are comes from Meson's introspection file
(``meson-info/intro-tests.json``), how they ended from its JSON log
(``meson-logs/apr-testlog*.json``).

Test ids: a test's name (``test('parse empty', ...)``), ``subproject:name`` for a subproject's.
A test whose protocol is ``tap`` is read as the make driver reads a TAP program: one id per TAP
line, ``name::description``, plus ``name::(exit)``, which fails when the program crashed, ran
past its limit, bailed out or stopped before the end of its plan (:func:`make.exit_verdict`).
Other protocols (``exitcode``, ``gtest``, ``rust``) are one test each, Meson's verdict (an
expected failure that fails passes, an unexpected pass fails).

Limits: each test runs under ``timeout`` and ``stdbuf -oL`` (coreutils, Meson's ``--wrapper``;
what a test printed before it crashed is kept) for
``test_timeout`` seconds, times the number of TAP lines the largest TAP test printed before
(10 before any run); a test's own ``timeout:`` in meson.build still applies when shorter.
Memory is the fence's. ``MALLOC_PERTURB_`` is fixed (Meson picks a random one per test
otherwise, and a use of uninitialized memory would then pass or fail by chance). A subset runs
the Meson tests holding the ids asked for; ``fail_fast`` is ``--maxfail 1``. Per-test coverage:
each Meson test again alone, its ``.gcda`` counters reset first, run by its command from the
introspection file (a ``meson test`` per test costs ~0.5 s of Meson's start-up); a TAP test's
lines go to every id it printed. A compiler or linker error is a compile failure
(``TestRun.errors``).

The driver's command string holds extra ``meson setup`` arguments (``-Dwith_x=true``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from apr import proc
from apr.errors import TestCommandNotFound
from apr.model import TestRun, TestStatus
from apr.project import gcov
from apr.project.c_run import (
    TIMEOUT_STATUS,
    BuildThenTest,
    Results,
    describe_exit,
    failed_build,
    is_c_code,
    run_tool,
)
from apr.project.make import Program, add_tap_program, restricted

BUILD_DIR = ".apr-build/meson"
LOG_BASE = "apr-testlog"
#: ``MALLOC_PERTURB_`` for every test run (glibc fills freed and new memory with its complement).
MALLOC_PERTURB = "165"
_FIRST_RUN_TESTS = 10
#: What a test prints before it crashes is kept (a pipe's buffer would be lost with it).
_LINE_BUFFERED = ["stdbuf", "-oL", "-eL"] if shutil.which("stdbuf") else []
_VERDICTS = {"OK": TestStatus.PASSED, "EXPECTEDFAIL": TestStatus.PASSED,
             "SKIP": TestStatus.SKIPPED, "TIMEOUT": TestStatus.TIMEOUT}


@dataclass(frozen=True, slots=True)
class MesonTest:
    """One ``test()`` of the build: apr's id for it, the name Meson prints, its protocol."""

    id: str
    pretty: str
    protocol: str
    cmd: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    workdir: str | None = None

    @property
    def is_tap(self) -> bool:
        return self.protocol == "tap"


class MesonDriver(BuildThenTest):
    """TestDriver for Meson projects tested with ``meson test``.

    Args:
        command: extra ``meson setup`` arguments.
    """

    name = "meson"

    def __init__(self, command: str | None = None) -> None:
        self.setup_args = shlex.split(command or "")
        self._known: dict[str, list[str]] = {}  # a TAP test's id -> the lines it printed

    def argv(self, project_dir: Path) -> list[str]:
        return ["meson", "test", "-C", BUILD_DIR]

    def _test(self, project_dir: Path, repo_root: Path, tests: Sequence[str] | None, *,
              coverage: bool, fail_fast: bool, deadline: float | None,
              test_timeout: float | None) -> TestRun:
        build = project_dir / BUILD_DIR
        chosen = _select(_tests(build), tests)
        if not chosen and tests is not None:  # none of them exists: `meson test` would run all
            return restricted(Results(), tests).test_run(0.0)
        gcov.reset(build)
        ran = self._meson_tests(project_dir, chosen, fail_fast, deadline, test_timeout)
        results, ids = self._results(chosen, ran, test_timeout)
        if coverage and not ran.timed_out:
            for test in chosen:
                gcov.reset(build)
                self._run_alone(project_dir, test, deadline, test_timeout)
                lines = gcov.collect(build, repo_root, is_c_code)
                results.coverage.update((i, lines) for i in ids.get(test.id, ()))
        if tests is not None:
            results = restricted(results, tests)
        return results.test_run(ran.seconds, ran.output, timed_out=ran.timed_out)

    def _build(self, project_dir: Path, deadline: float | None) -> TestRun | None:
        """Configure (once) and build; None when it built, else the failed run."""
        meson = _meson()
        build = project_dir / BUILD_DIR
        steps = [[meson, "compile", "-C", BUILD_DIR]]
        if not (build / "meson-info" / "intro-tests.json").is_file():
            steps.insert(0, [meson, "setup", BUILD_DIR, "--buildtype=debug",
                             "--wrap-mode=nodownload", "-Db_coverage=true",
                             f"-Dc_args={gcov.CFLAGS}", f"-Dc_link_args={gcov.LDFLAGS}",
                             *self.setup_args])
        for argv in steps:
            res = run_tool(argv, cwd=project_dir, timeout=proc.time_left(deadline), env=_env())
            if not res.ok:
                if argv[1] == "setup":
                    shutil.rmtree(build, ignore_errors=True)  # configure again next time
                return failed_build(argv, res, project_dir)
        return None

    def _meson_tests(self, project_dir: Path, tests: Sequence[MesonTest], fail_fast: bool,
                     deadline: float | None, test_timeout: float | None) -> Ran:
        """Run ``tests``: the TAP ones apart from the others, whose limit is one test's."""
        ran = Ran()
        for group in ([t for t in tests if not t.is_tap], [t for t in tests if t.is_tap]):
            if not group:
                continue
            limit = self._limit(group, test_timeout)
            res = self._meson_test(project_dir, group, fail_fast, deadline, limit)
            ran.add(res, _log(project_dir / BUILD_DIR), limit)
            if res.timed_out or (fail_fast and ran.failed):
                break
        return ran

    def _run_alone(self, project_dir: Path, test: MesonTest, deadline: float | None,
                   test_timeout: float | None) -> None:
        """Run one test as ``meson test`` would, without it (its command, environment and
        folder from the introspection file): Meson's own start-up would cost more than most
        tests."""
        if not test.cmd:
            self._meson_tests(project_dir, [test], False, deadline, test_timeout)
            return
        limit = self._limit([test], test_timeout)
        argv = [*_limited(limit), *test.cmd]
        env = _env(MALLOC_PERTURB_=MALLOC_PERTURB, MESON_TEST_ITERATION="1", **dict(test.env))
        run_tool(argv, cwd=Path(test.workdir or project_dir / BUILD_DIR),
                 timeout=proc.time_left(deadline), env=env, fenced=True)

    def _meson_test(self, project_dir: Path, tests: Sequence[MesonTest], fail_fast: bool,
                    deadline: float | None, limit: float) -> proc.ProcResult:
        argv = [_meson(), "test", "-C", BUILD_DIR, "--no-rebuild", "--num-processes", "1",
                "--logbase", LOG_BASE]
        wrapper = [*_limited(limit), *_LINE_BUFFERED]
        if wrapper:
            argv += ["--wrapper", shlex.join(wrapper)]
        if fail_fast:
            argv += ["--maxfail", "1"]
        argv += [_pattern(t.id) for t in tests]
        for old in (project_dir / BUILD_DIR / "meson-logs").glob(f"{LOG_BASE}*.json"):
            old.unlink()
        return run_tool(argv, cwd=project_dir, timeout=proc.time_left(deadline),
                        env=_env(MALLOC_PERTURB_=MALLOC_PERTURB), fenced=True)

    def _limit(self, tests: Sequence[MesonTest], test_timeout: float | None) -> float:
        """Seconds any one of ``tests`` may run: ``test_timeout``, per TAP line of the largest
        TAP test among them."""
        if not test_timeout:
            return 0
        most = max((len(self._known.get(t.id, ())) or _FIRST_RUN_TESTS
                    for t in tests if t.is_tap), default=1)
        return test_timeout * most

    def _results(self, chosen: Sequence[MesonTest], ran: Ran, test_timeout: float | None
                 ) -> tuple[Results, dict[str, list[str]]]:
        """The run's outcomes, and each Meson test's ids."""
        by_pretty = {t.pretty: t for t in chosen}
        results = Results()
        ids: dict[str, list[str]] = {}
        for entry, limit in ran.entries:
            test = by_pretty.get(entry.get("name", ""))
            if test is None:
                continue
            if test.is_tap:
                ids[test.id] = self._add_tap(results, test, entry, limit)
            else:
                ids[test.id] = [test.id]
                status, trace = _verdict(entry, limit)
                results.add(test.id, status, trace, float(entry.get("duration") or 0.0))
        return results, ids

    def _add_tap(self, results: Results, test: MesonTest, entry: dict, limit: float
                 ) -> list[str]:
        """Add a TAP test's lines and its ``(exit)`` to ``results``, as make's programs;
        their ids."""
        earlier = self._known.get(test.id, [])
        program = Program(test.id, _output(entry), _status(entry),
                          float(entry.get("duration") or 0.0))
        ids, printed = add_tap_program(results, program, earlier, limit)
        self._known[test.id] = earlier + [name for name in printed if name not in earlier]
        return ids


@dataclass(slots=True)
class Ran:
    """What one or more ``meson test`` runs reported: log entries with their limit, output."""

    entries: list[tuple[dict, float]] = dataclasses.field(default_factory=list)
    output: str = ""
    seconds: float = 0.0
    timed_out: bool = False

    def add(self, res: proc.ProcResult, entries: list[dict], limit: float) -> None:
        self.entries += [(e, limit) for e in entries]
        self.output += res.output
        self.seconds += res.seconds
        self.timed_out = self.timed_out or res.timed_out

    @property
    def failed(self) -> bool:
        return any(e.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP")
                   for e, _ in self.entries)


def _limited(limit: float) -> list[str]:
    """The words that run a command for at most ``limit`` seconds (none: no limit)."""
    return ["timeout", "-k", "1", f"{limit:g}"] if limit else []


def _meson() -> str:
    """The ``meson`` program: on PATH, else beside this Python (a virtual environment's).

    Raises:
        TestCommandNotFound: Meson is not installed.
    """
    found = shutil.which("meson") or shutil.which("meson", path=str(Path(sys.executable).parent))
    if found is None:
        raise TestCommandNotFound("meson not found: the meson driver needs Meson and ninja "
                                  "(pip install meson ninja, or Debian: apt-get install meson)")
    return found


def _env(**extra: str) -> dict[str, str]:
    """The environment of Meson's commands: the user's, with the folder of the ``meson`` used
    on PATH when it was not (a virtual environment's ``ninja`` sits beside its ``meson``)."""
    env = {**os.environ, **extra}
    if shutil.which("meson") is None:
        env["PATH"] = os.pathsep.join([str(Path(_meson()).parent), env.get("PATH", "")])
    return env


def _tests(build: Path) -> list[MesonTest]:
    """The build's tests, in Meson's order, from its introspection file."""
    try:
        data = json.loads((build / "meson-info" / "intro-tests.json").read_text())
    except (OSError, ValueError):
        return []
    main = _main_project(build)
    tests = []
    for item in data:
        suites = [str(s) for s in item.get("suite") or []]
        project = suites[0].split(":", 1)[0] if suites else main
        labels = [s.split(":", 1)[1] for s in suites if ":" in s and s.split(":", 1)[1]]
        pretty = f"{project}:{item['name']}"
        if labels:
            pretty = f"{'+'.join(labels)} - {pretty}"
        test_id = item["name"] if project == main else f"{project}:{item['name']}"
        env = tuple((str(k), str(v)) for k, v in (item.get("env") or {}).items())
        tests.append(MesonTest(test_id, pretty, str(item.get("protocol") or "exitcode"),
                               tuple(str(w) for w in item.get("cmd") or ()), env,
                               item.get("workdir")))
    return tests


def _main_project(build: Path) -> str:
    try:
        info = json.loads((build / "meson-info" / "intro-projectinfo.json").read_text())
    except (OSError, ValueError):
        return ""
    return str(info.get("descriptive_name", ""))


def _select(tests: Sequence[MesonTest], ids: Sequence[str] | None) -> list[MesonTest]:
    """The Meson tests holding ``ids`` (a TAP line's id names its test before ``::``)."""
    if ids is None:
        return list(tests)
    wanted = {i.split("::", 1)[0] for i in ids}
    return [t for t in tests if t.id in wanted]


def _pattern(test_id: str) -> str:
    """``test_id`` as a ``meson test`` argument: Meson matches names with fnmatch."""
    project, sep, name = test_id.rpartition(":") if ":" in test_id else ("", "", test_id)
    escaped = "".join(f"[{c}]" if c in "*?[" else c for c in name)
    return f"{project}{sep}{escaped}" if sep else escaped


def _log(build: Path) -> list[dict]:
    """The entries of the last run's JSON log (one JSON object per line; Meson adds the
    wrapper's name to the log's: ``apr-testlog-timeout.json``)."""
    try:
        found = next((build / "meson-logs").glob(f"{LOG_BASE}*.json"))
        text = found.read_text(errors="replace")
    except (OSError, StopIteration):
        return []
    entries = []
    for line in text.splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def _status(entry: dict) -> int:
    """The test's exit as a shell reports it (128 + signal), :data:`TIMEOUT_STATUS` past a
    limit."""
    if entry.get("result") == "TIMEOUT":
        return TIMEOUT_STATUS
    code = entry.get("returncode")
    code = 1 if code is None else int(code)
    return 128 - code if code < 0 else code


def _verdict(entry: dict, limit: float) -> tuple[TestStatus, str]:
    """A test's status (the wrapper's 124 is a timeout) and, when it did not pass, why."""
    status = _status(entry)
    verdict = _VERDICTS.get(str(entry.get("result")), TestStatus.FAILED)
    if status == TIMEOUT_STATUS:
        verdict = TestStatus.TIMEOUT
    if verdict in (TestStatus.PASSED, TestStatus.SKIPPED):
        return verdict, ""
    if entry.get("result") == "UNEXPECTEDPASS":
        why = "passed, but it is expected to fail"
    elif entry.get("result") == "TIMEOUT":
        why = "ran past the time limit meson.build gives it"
    else:
        why = describe_exit(status, limit or None)
    return verdict, f"{entry.get('name')} {why}\n{_output(entry)}".strip()


def _output(entry: dict) -> str:
    return "\n".join(s.strip() for s in (entry.get("stdout"), entry.get("stderr")) if s)

