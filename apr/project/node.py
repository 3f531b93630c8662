"""Run a Node project's tests with node's built-in runner (``node --test``), per test.

The runner comes from ``package.json`` (:mod:`apr.project.node_command`); this driver runs
projects whose ``npm test`` is ``node --test`` (Node 20+). Each test file runs in a process of
its own, directly (``node [flags] --test-reporter=apr file``), not under ``node --test``: with
``--test``, Node 20 applies ``--test-timeout`` to the whole file and reports nothing of a file
that hangs. apr's reporter (``js/apr-reporter.mjs``) appends one JSON line per test as it ends.

Test ids: ``<file>::<suite> > <test>``, the file relative to the project folder, then the names
of the enclosing ``describe`` blocks and of the test (``test/cart.test.js::Cart > adds items``).
Subtests made inside a test's body (``t.test(...)``) are part of that test.

Picking tests: ``--test-name-pattern`` with the tests' own names (Node 20 matches a test's name,
not its suites'), and only the asked ids are kept from what ran.

Time limits: a file's process gets ``test_timeout`` per test it is expected to run, plus start-
up; a process past it is killed and its tests that did not finish are ``timeout`` (a test that
loops forever blocks node's event loop, so nothing inside the process can stop it).

Coverage: the tests are listed first (a name pattern that matches nothing: Node reports every
test as skipped without running it), then each test runs alone with ``NODE_V8_COVERAGE``; the
V8 ranges become lines (:mod:`apr.project.v8_coverage`). Tests in one file that share their own
name run together then, and share their coverage.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath

from apr import proc
from apr.errors import TestCommandNotFound, UsageError
from apr.model import TestRun, TestStatus
from apr.project.node_command import (
    NodeCommand,
    RunnerFlags,
    pretest_script,
    test_command,
    test_files,
)
from apr.project.v8_coverage import read_coverage

SEPARATOR = " > "
#: Seconds a file's process gets beyond its tests' limits (node's start-up, loading modules).
STARTUP = 3.0
#: Seconds a file may take to load when its tests are listed (none of them runs).
LISTING = 30.0
NOTHING = "(?!)"  # a name pattern no test matches
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colours a runner may put in its messages
_REGEX_SPECIAL = re.compile(r"[\\^$.*+?()[\]{}|/-]")
_TEST_DIRS = frozenset({"test", "tests", "__tests__", "spec", "__mocks__", "fixtures"})
_TEST_NAME = re.compile(r"([._-](test|spec)\.|^test[.-])[cm]?[jt]sx?$")


def test_id(file: str, names: Sequence[str]) -> str:
    """The id of the test named ``names`` (suites first) in ``file``."""
    return f"{file}::{SEPARATOR.join(names)}"


def split_id(test: str) -> tuple[str, list[str]]:
    """``(file, names)`` of a test id."""
    file, _, path = test.partition("::")
    return file, path.split(SEPARATOR) if path else []


def name_pattern(names: Iterable[str]) -> str:
    """A ``--test-name-pattern`` matching exactly these test names."""
    escaped = sorted({_REGEX_SPECIAL.sub(lambda m: "\\" + m.group(), n) for n in names})
    return f"^(?:{'|'.join(escaped)})$"


def title_pattern(ids: Iterable[str]) -> str:
    """A pattern matching exactly these tests' full titles (their suites' names and theirs,
    joined by spaces), as mocha's ``--grep`` and jest's ``-t`` match them."""
    titles = sorted({_REGEX_SPECIAL.sub(lambda m: "\\" + m.group(), " ".join(split_id(t)[1]))
                     for t in ids})
    return f"^(?:{'|'.join(titles)})$"


@dataclass(slots=True)
class FileResult:
    """What one process running one test file reported."""

    outcomes: dict[str, TestStatus] = field(default_factory=dict)
    traces: dict[str, str] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    started: list[str] = field(default_factory=list)


def parse_results(lines: Iterable[str], file: str) -> FileResult:
    """The reporter's JSON lines of one file's run, as test ids and outcomes.

    A record names its test by ``nesting`` and ``name`` (node's reporter: the enclosing names
    come from the ``test:start`` records before it) or by its whole ``names`` (mocha's). A test
    inside another test (not a suite) is left out: its parent carries its outcome.
    """
    stack: list[str] = []
    ended: list[tuple[list[str], dict[str, object]]] = []
    result = FileResult()
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:  # a line torn by a kill
            continue
        if rec.get("file") and rec["file"] != file:  # a test of a setup file mocha loads first
            continue
        if isinstance(rec.get("names"), list):
            names = [str(n) for n in rec["names"]]
        else:
            names = stack[:int(rec.get("nesting") or 0)] + [str(rec.get("name"))]
        if rec.get("type") == "test:start":
            stack = names
            result.started.append(test_id(file, names))
        else:
            ended.append((names, rec))
    tests = {tuple(n) for n, rec in ended if not rec.get("suite")}
    for names, rec in ended:
        if rec.get("suite") or any(tuple(names[:k]) in tests for k in range(1, len(names))):
            continue
        _add(result, test_id(file, names), rec)
    return result


def _add(result: FileResult, test: str, rec: dict[str, object]) -> None:
    if rec.get("skip") or rec.get("todo"):
        status = TestStatus.SKIPPED
    elif rec.get("type") == "test:pass":
        status = TestStatus.PASSED
    else:
        status = TestStatus.TIMEOUT if rec.get("timeout") else TestStatus.FAILED
    result.outcomes[test] = status
    result.durations[test] = round(float(str(rec.get("ms") or 0)) / 1000, 4)
    if status is not TestStatus.PASSED and rec.get("error"):
        result.traces[test] = _ANSI.sub("", str(rec["error"]))


class NodeDriver:
    """TestDriver for projects tested with node's built-in runner (``node --test``).

    Args:
        command: the test command (``"node --test test/"``); None: ``package.json``'s
            ``scripts.test``, else ``node --test``.
        node: the node executable.
    """

    name = "node"

    def __init__(self, command: str | None = None, *, node: str = "node") -> None:
        self.command = command
        self.node = node
        self._dir = Path(tempfile.mkdtemp(prefix="apr-node-"))
        self.reporter = self._dir / "apr-reporter.mjs"
        source = resources.files("apr.project").joinpath("js/apr-reporter.mjs").read_bytes()
        self.reporter.write_bytes(source)
        self._known: dict[str, list[str]] = {}  # file -> its test ids, as last seen
        self._built: dict[Path, str] = {}  # project folder -> its files after the last pretest

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def spec(self, project_dir: Path) -> NodeCommand:
        """The project's test command, checked to be ``node --test``.

        Raises:
            UsageError: the project uses another runner.
        """
        spec = test_command(project_dir, self.command)
        if spec.runner != "node":
            raise UsageError(
                f"this project's tests run with {spec.runner} (`{' '.join(spec.words)}`); apr's "
                "node driver runs node's built-in runner only (node --test)")
        return spec

    def argv(self, project_dir: Path) -> list[str]:
        return list(test_command(project_dir, self.command).words)

    def is_test_file(self, file: str) -> bool:
        path = PurePosixPath(file)
        return any(p in _TEST_DIRS for p in path.parts[:-1]) or bool(_TEST_NAME.search(path.name))

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
        spec = self.spec(project_dir)
        built = self.pretest(project_dir, timeout)
        if built is not None:
            return built
        timeout = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
        session = _Session(self, project_dir, spec, timeout, test_timeout)
        if coverage:
            session.run_with_coverage(repo_root, tests)
        elif tests is None:
            session.run_files(dict.fromkeys(session.files()), fail_fast)
        else:  # validation's usual call: no need to walk the project for its test files
            session.run_files(_by_file(tests), fail_fast)
        return session.result()

    def pretest(self, project_dir: Path, timeout: float | None) -> TestRun | None:
        """Run ``scripts.pretest`` of package.json, as ``npm test`` would, when the test
        command is the project's own (not one the user gave): it builds what the tests import
        (``dist/``). It runs again only when a file of the project changed since it last
        succeeded (a candidate; validation's later stages run the same candidate's tests
        again). None when there is none or it succeeded, else the failed run: a compile
        failure."""
        script = None if self.command else pretest_script(project_dir)
        if script is None or self._built.get(project_dir) == _tree_stamp(project_dir):
            return None
        env = process_env(None, self.env(project_dir))
        env["PATH"] = os.pathsep.join([str(project_dir / "node_modules" / ".bin"),
                                       env.get("PATH", "")])
        try:
            res = proc.run_tests(["sh", "-c", script], cwd=project_dir, timeout=timeout, env=env)
        except FileNotFoundError:
            raise TestCommandNotFound("sh not found: apr runs package.json's pretest script "
                                      "with it") from None
        if res.ok:
            self._built[project_dir] = _tree_stamp(project_dir)
            return None
        self._built.pop(project_dir, None)
        why = "ran past the time limit" if res.timed_out else f"failed ({res.returncode})"
        return TestRun(outcomes={}, seconds=res.seconds, returncode=res.returncode,
                       timed_out=res.timed_out, output=res.output[-20000:],
                       errors=(f"package.json's pretest script `{script}` {why}:\n"
                               f"{res.tail(40)}",))

    def env(self, project_dir: Path) -> dict[str, str]:
        """Variables every test process of the project gets (beyond apr's results file)."""
        return {}

    #: Seconds a file's process gets beyond its tests' limits (the runner's start-up).
    startup = STARTUP

    #: Whether one process per file takes each test's coverage (the runner's reporter runs in
    #: step with the tests: mocha); else each test runs alone for it (node's reporter gets
    #: its events after the fact).
    coverage_per_file = False

    def coverage_env(self, folder: Path) -> dict[str, str]:
        """Variables of a run that writes its coverage into ``folder``."""
        return {"NODE_V8_COVERAGE": str(folder)}

    def coverage_args(self, folder: Path | None) -> list[str]:
        """Arguments (after the test file) of a run that writes its coverage into ``folder``
        (None: of a run without coverage)."""
        return []

    def read_coverage(self, folder: Path, repo_root: Path) -> dict[str, tuple[int, ...]]:
        """Covered lines per file (relative to ``repo_root``) of one run's ``folder``."""
        return read_coverage(folder, repo_root)

    def test_files(self, project_dir: Path, spec: NodeCommand) -> list[str]:
        """The project's test files (POSIX, relative to ``project_dir``), as the runner finds
        them."""
        return test_files(project_dir, spec.paths)

    def pattern(self, ids: Sequence[str]) -> str:
        """The name pattern that runs the tests ``ids`` of one file (and maybe others of the
        same name, which are dropped from the results)."""
        return name_pattern(name for t in ids for name in split_id(t)[1][-1:])

    def file_argv(self, spec: NodeCommand, file: str, pattern: str | None) -> list[str]:
        """The command running one test file with apr's reporter (and a name pattern)."""
        argv = [self.node, *spec.node_flags, f"--test-reporter={self.reporter}",
                "--test-reporter-destination=stdout"]
        if pattern is not None:
            argv.append(f"--test-name-pattern={pattern}")
        return [*argv, file]


def _by_file(tests: Sequence[str]) -> dict[str, list[str]]:
    """Asked ids grouped by file, in the order asked."""
    grouped: dict[str, list[str]] = {}
    for test in tests:
        grouped.setdefault(split_id(test)[0], []).append(test)
    return grouped


class _Session:
    """One call of :meth:`NodeDriver.run`: its processes, deadline and what they reported."""

    def __init__(self, driver: NodeDriver, project_dir: Path, spec: NodeCommand,
                 timeout: float | None, test_timeout: float | None) -> None:
        self.driver, self.project_dir, self.spec = driver, project_dir, spec
        self.test_timeout = test_timeout
        self.started = time.monotonic()
        self.deadline = None if timeout is None else self.started + timeout
        self.outcomes: dict[str, TestStatus] = {}
        self.traces: dict[str, str] = {}
        self.durations: dict[str, float] = {}
        self.coverage: dict[str, dict[str, tuple[int, ...]]] = {}
        self.errors: list[str] = []
        self.output: list[str] = []
        self.timed_out = False

    def files(self) -> list[str]:
        return self.driver.test_files(self.project_dir, self.spec)

    def run_files(self, plan: Mapping[str, list[str] | None], fail_fast: bool) -> None:
        """Run each file of ``plan`` (its asked ids; None: all its tests) until time is up."""
        for file, ids in plan.items():
            got = self.run_file(file, ids)
            if got is None or (fail_fast and any(
                    s in (TestStatus.FAILED, TestStatus.TIMEOUT) for s in got.outcomes.values())):
                break

    def run_file(self, file: str, ids: list[str] | None, *,
                 coverage: Path | None = None) -> FileResult | None:
        """Run one file (only ``ids`` when given); None when the run's time is up. A file
        that could not be listed is not run again: its error is recorded once."""
        if ids is None and self.test_timeout is not None and file not in self.driver._known \
                and self._list_file(file) is None:
            return None if self.timed_out else FileResult()
        expected = ids if ids is not None else self.driver._known.get(file)
        limit = self._limit(len(expected) if expected else None)
        if limit is not None and limit <= 0:
            self.timed_out = True
            return None
        pattern = None if ids is None else self.driver.pattern(ids)
        got, res = self._process(file, pattern, limit, coverage)
        wanted = set(ids) if ids is not None else None
        self._record(file, got, res, wanted, expected)
        return got

    def _limit(self, count: int | None) -> float | None:
        left = None if self.deadline is None else self.deadline - time.monotonic()
        if self.test_timeout is None or count is None:
            return left
        mine = self.driver.startup + self.test_timeout * max(1, count)
        return mine if left is None else min(mine, left)

    def _process(self, file: str, pattern: str | None, limit: float | None,
                 coverage: Path | None) -> tuple[FileResult, proc.ProcResult]:
        with tempfile.TemporaryDirectory(prefix="apr-node-run-") as tmp:
            results = Path(tmp) / "results.jsonl"
            extra = self.driver.env(self.project_dir)
            argv = self.driver.file_argv(self.spec, file, pattern)
            argv += self.driver.coverage_args(coverage)
            if coverage is not None:
                extra.update(self.driver.coverage_env(coverage))
            env = process_env(results, extra)
            try:
                res = proc.run_tests(argv, cwd=self.project_dir, timeout=limit, env=env)
            except FileNotFoundError:
                raise TestCommandNotFound(
                    f"node not found: {self.driver.node} (install Node.js 20+)") from None
            lines = results.read_text(encoding="utf-8").splitlines() if results.exists() else []
        return parse_results(lines, file), res

    def _record(self, file: str, got: FileResult, res: proc.ProcResult,
                wanted: set[str] | None, expected: Sequence[str] | None) -> None:
        self._log(res)
        keep = {t: s for t, s in got.outcomes.items()
                if (wanted is None and s is not TestStatus.SKIPPED) or (wanted and t in wanted)}
        if wanted is None:
            self.driver._known[file] = sorted(keep)
        self.outcomes.update(keep)
        self.traces.update({t: v for t, v in got.traces.items() if t in keep})
        self.durations.update({t: v for t, v in got.durations.items() if t in keep})
        if res.timed_out:
            self._hung(file, got, res, expected)
        elif not got.outcomes and res.returncode not in (0, None):
            self.errors.append(f"{file}: {res.tail(30)}")

    def _log(self, res: proc.ProcResult) -> None:
        self.output.append(f"$ {' '.join(res.argv)}\n{res.output[-4000:]}")

    def _hung(self, file: str, got: FileResult, res: proc.ProcResult,
              expected: Sequence[str] | None) -> None:
        """A file's process killed at its limit: its unfinished tests timed out."""
        unfinished = [t for t in (expected or got.started) if t not in got.outcomes]
        for test in unfinished or [test_id(file, [])]:
            self.outcomes[test] = TestStatus.TIMEOUT
            self.durations[test] = round(res.seconds, 4)
            self.traces[test] = f"{test}: killed after {res.seconds:.1f} s (the test hangs)"
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.timed_out = True

    def run_with_coverage(self, repo_root: Path, tests: Sequence[str] | None) -> None:
        """Per-test coverage: each file's tests in one process where the runner takes it test
        by test (:attr:`NodeDriver.coverage_per_file`; tests that never started because one
        hung run again alone), else each test alone, after listing them."""
        if not self.driver.coverage_per_file:
            for test in list(tests) if tests is not None else self._listed():
                if self._covered_run(repo_root, split_id(test)[0], [test]) is None:
                    return
            return
        plan = _by_file(tests) if tests is not None else dict.fromkeys(self.files())
        for file, ids in plan.items():
            got = self._covered_run(repo_root, file, ids)
            if got is None:
                return
            unstarted = [t for t, status in self.outcomes.items() if split_id(t)[0] == file
                         and status is TestStatus.TIMEOUT and t not in got.started]
            for test in unstarted:
                if self._covered_run(repo_root, file, [test]) is None:
                    return

    def _covered_run(self, repo_root: Path, file: str, ids: list[str] | None
                     ) -> FileResult | None:
        """Run ``ids`` of ``file`` (None: all) with coverage, and record each test's; None
        when the run's time is up. A run of one test keeps all it covered; where the runner
        takes it test by test, a test covers what ran before the first test (loading the
        files) and what ran from its start to its end."""
        with tempfile.TemporaryDirectory(prefix="apr-v8-") as tmp:
            folder = Path(tmp)
            got = self.run_file(file, ids, coverage=folder)
            if got is None:
                return None
            if not self.driver.coverage_per_file:  # one test (run_with_coverage's promise)
                covered = self.driver.read_coverage(folder, repo_root)
                self.coverage.update({test: covered for test in ids or ()})
                return got
            shared = self.driver.read_coverage(folder / "shared", repo_root)
            for names, sub in _coverage_index(folder / "index.jsonl"):
                test = test_id(file, names)
                if test in self.outcomes:
                    mine = self.driver.read_coverage(folder / sub, repo_root)
                    self.coverage[test] = _union(shared, mine)
        return got

    def _listed(self) -> list[str]:
        return [t for file in self.files() for t in self._list_file(file) or ()]

    def _list_file(self, file: str) -> list[str] | None:
        """The ids of ``file``'s tests, none of them run (a name pattern nothing matches); None
        when it cannot load or hangs loading (an error) or the run's time is up."""
        left = self._limit(None)
        limit = LISTING if left is None else min(left, LISTING)
        if limit <= 0:
            self.timed_out = True
            return None
        got, res = self._process(file, NOTHING, limit, None)
        if res.timed_out and limit < LISTING:
            self.timed_out = True
            return None
        if res.timed_out or (not got.outcomes and res.returncode != 0):
            self._log(res)
            hung = f"still loading after {limit:g} s" if res.timed_out else res.tail(30)
            self.errors.append(f"{file}: {hung}")
            return None
        self.driver._known[file] = sorted(got.outcomes)
        return sorted(got.outcomes)

    def result(self) -> TestRun:
        """The run; its return code is 1 when a test it kept failed (node's own exit code may
        come from a test it was not asked for and ran by name), else 0."""
        bad = any(s in (TestStatus.FAILED, TestStatus.TIMEOUT) for s in self.outcomes.values())
        returncode = None if self.timed_out else int(bad or bool(self.errors))
        return TestRun(outcomes=self.outcomes, seconds=time.monotonic() - self.started,
                       returncode=returncode,
                       timed_out=self.timed_out, output="\n".join(self.output)[-20000:],
                       coverage=self.coverage, traces=self.traces, errors=tuple(self.errors),
                       durations=self.durations)


def _coverage_index(path: Path) -> list[tuple[list[str], str]]:
    """(test names, coverage folder) of each test a per-file coverage run took."""
    found = []
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        found.append(([str(n) for n in rec.get("names", [])], str(rec.get("folder", ""))))
    return found


def _union(a: Mapping[str, tuple[int, ...]], b: Mapping[str, tuple[int, ...]]
           ) -> dict[str, tuple[int, ...]]:
    return {f: tuple(sorted(set(a.get(f, ())) | set(b.get(f, ())))) for f in {*a, *b}}


def _tree_stamp(project_dir: Path) -> str:
    """A digest of the project's files (path, size, modification time), ``node_modules`` and
    ``.git`` left out: equal digests, no file written since."""
    digest = hashlib.blake2b(digest_size=16)
    for dirpath, dirs, files in os.walk(project_dir):
        dirs[:] = sorted(d for d in dirs if d not in ("node_modules", ".git"))
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def process_env(results: Path | None, extra: dict[str, str] | None) -> dict[str, str]:
    """The environment of a test process writing its records to ``results`` (None: a process
    that runs no test, a listing): the user's, as
    ``npm test`` would see it (colour settings included: a project may test them), less what
    would make node write coverage or think it runs under ``node --test``."""
    env = dict(os.environ)
    for name in ("NODE_V8_COVERAGE", "NODE_TEST_CONTEXT"):
        env.pop(name, None)
    if results is not None:
        env["APR_NODE_RESULTS"] = str(results)
    env.update(extra or {})
    return env


class RunnerDriver(NodeDriver):
    """The node driver with another runner underneath (mocha, jest): the runner's command line
    is read by :attr:`FLAGS`, its script found by :meth:`script`, tests picked by full title.
    Subclasses say how a file runs (:meth:`NodeDriver.file_argv`)."""

    FLAGS: RunnerFlags

    def script(self, project_dir: Path) -> Path:
        """The runner's command-line script, as installed for the project.

        Raises:
            TestCommandNotFound: the runner is not installed.
        """
        raise NotImplementedError

    def spec(self, project_dir: Path) -> NodeCommand:
        """The project's command: ``node_flags`` are the runner's script and the project's
        flags that apr keeps, ``paths`` its test paths.

        Raises:
            UsageError: the project uses another runner.
            TestCommandNotFound: the runner is not installed.
        """
        found = test_command(project_dir, self.command)
        if found.runner != self.name:
            raise UsageError(f"this project's tests run with {found.runner} "
                             f"(`{' '.join(found.words)}`), not {self.name}")
        command = self.FLAGS.command(self.name, found.words)
        kept = self.FLAGS.kept(command.node_flags)
        return NodeCommand(self.name, (str(self.script(project_dir)), *kept), command.paths,
                           command.words)

    def pattern(self, ids: Sequence[str]) -> str:
        """The tests' full titles (suites and test, space-joined: mocha's ``--grep``, jest's
        ``-t``)."""
        return title_pattern(ids)
