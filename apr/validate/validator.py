"""Validate candidates: apply in a workspace, run the target tests, then the tests that cover the
changed files, then (for a patch that passed them) the whole suite once.

What a run must show is an :class:`~apr.validate.expect.Expectation` (targets to fix, failures
to tolerate); which tests cover which file comes from the baseline
(:class:`~apr.validate.selection.Selection`).

Candidates that make a program already validated the same way are answered from its result,
and candidates whose file no longer parses are rejected without a test
(:mod:`apr.validate.programs`).

Workers are threads, each owning one git worktree (made on first use, reused across candidates:
only the files a candidate touched are restored after it). Candidates are taken in rank order; the
run stops at the budget, the time limit or after ``max_patches`` plausible patches. Stopping is
deterministic in rank: results are given in rank order, and once enough plausible patches are
known, the run is the candidates up to the last of them and the ``workers - 1`` after it (those
that usually run beside it: a patch found there is as good as any). Candidates after that are
not started, and the results of those that were already running are dropped (their outcomes
stay in the persistent cache, and a later phase that offers them again takes them without a
test). So which candidates a run reports depends on the candidates, the limits and the
number of workers, not on which worker finished first: a second run on the same code
validates the same candidates (a CI re-run answers all of them from the cache), and a later
phase's budget, counted from the results, is the same too.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Protocol, cast

from apr.generate.edits import apply_edits
from apr.model import Candidate, Outcome, TestRun, ValidationResult
from apr.project.base import RecordsValues, TestDriver, records_values
from apr.project.workspace import Snapshot, Workspace
from apr.validate.cache import CacheScope
from apr.validate.expect import Expectation, Verdict, expectation, judge
from apr.validate.programs import Examined, ProgramKey, Programs
from apr.validate.selection import Selection

#: How many coming candidates a driver that prepares ahead is shown (``TestDriver.foresee``).
AHEAD = 24


@dataclass(frozen=True, slots=True)
class Limits:
    budget: int
    deadline: float  # time.monotonic() value
    max_patches: int
    test_timeout: float  # one test
    run_timeout: float  # one test command
    # False: one run of the whole suite without -x, so that every failing test is known
    # (the greedy multi-hunk strategy counts them); True: the targets, then the tests in stages
    fail_fast: bool = True
    select: bool = True  # after the targets, only the tests covering the changed files
    full_check: bool = True  # a plausible patch then passes the whole suite


@dataclass(frozen=True, slots=True)
class Plan:
    """What validation expects (targets, tolerated failures) and how it selects tests."""

    expect: Expectation
    selection: Selection | None = None

    @classmethod
    def of(cls, baseline: TestRun, expect: Expectation | None = None) -> Plan:
        """The plan for a baseline: by default every failing test is a target."""
        expect = expect or expectation(baseline, None)
        return cls(expect, Selection(baseline, expect))


class Remote(Protocol):
    """Tests candidates somewhere else, one per call, as :func:`validate_one` would."""

    threads: int  # how many candidates it tests at once

    def __call__(self, candidate: Candidate, plan: Plan, limits: Limits,
                 index: int) -> ValidationResult: ...


class WorkspacePool:
    """Workspaces handed to one worker at a time."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.free: list[Workspace] = []
        self.lock = threading.Lock()
        self.count = 0

    def take(self) -> Workspace:
        with self.lock:
            if self.free:
                return self.free.pop()
            self.count += 1
            name = f"worker-{self.count}"
        return self.snapshot.workspace(name)

    def give(self, ws: Workspace) -> None:
        with self.lock:
            self.free.append(ws)

    def warm_up(self, driver: TestDriver, count: int) -> threading.Thread | None:
        """Make ``count`` workspaces and start their warm test workers in the background
        (the pipeline calls it before the baseline run, which takes longer than a worker's
        start-up), so that the first candidates find them loaded; None when the driver keeps
        no warm workers. The workspaces are free at once: a candidate's first run waits for
        a start under way rather than making a second."""
        prepare = getattr(driver, "prepare", None)
        if not callable(prepare) or count < 1:
            return None

        def work() -> None:
            try:
                made = [self.take() for _ in range(count)]
                for ws in made:
                    self.give(ws)
                for ws in made:
                    prepare(ws.project_dir, ws.root)
            except Exception:  # noqa: BLE001, S110 -- the first run meets it again, and says so
                pass

        thread = threading.Thread(target=work, name="apr-warm-up", daemon=True)
        thread.start()
        return thread

    def run(self, driver: TestDriver, candidate: Candidate, plan: Plan, limits: Limits,
            index: int, coming: Sequence[dict[str, bytes]] = ()) -> ValidationResult:
        """:func:`validate_one` in a free workspace (made when none is free)."""
        ws = self.take()
        try:
            return validate_one(ws, driver, candidate, plan, limits, index, coming)
        finally:
            self.give(ws)

    def observe(self, driver: TestDriver, candidate: Candidate, tests: Sequence[str],
                timeout: float, test_timeout: float,
                values: Sequence[str] = ()) -> TestRun:
        """``tests`` run with coverage on ``candidate`` applied in a free workspace, which is
        restored afterwards (for the behaviour of plausible patches: :mod:`apr.rank.behaviour`);
        with ``values`` (files), also what their functions return, when the driver records it
        (``records_values``). Raises ``ValueError`` or ``OSError`` when the candidate does not
        apply."""
        ws = self.take()
        try:
            write_candidate(ws, candidate)
            if values and records_values(driver):
                return cast(RecordsValues, driver).run(
                    ws.project_dir, ws.root, list(tests), coverage=True, timeout=timeout,
                    test_timeout=test_timeout, values=values)
            return driver.run(ws.project_dir, ws.root, list(tests), coverage=True,
                              timeout=timeout, test_timeout=test_timeout)
        finally:
            ws.reset(candidate.files)
            self.give(ws)


class Validator:
    """Runs candidates against the tests; yields results in rank order (module docstring)."""

    def __init__(self, snapshot: Snapshot, driver: TestDriver, baseline: TestRun | Plan,
                 limits: Limits, cache: CacheScope | None = None,
                 remote: Remote | None = None, pool: WorkspacePool | None = None) -> None:
        """``baseline`` is the baseline run (every failing test a target) or a :class:`Plan`;
        ``cache``, when given, answers candidates validated before (in an earlier run on the
        same code and test command) and stores the new outcomes. ``remote``, when given, tests
        each candidate elsewhere (:mod:`apr.cluster.validation`) instead of in a local
        workspace; what is decided here (order, stopping, equal programs, the cache) stays.
        ``pool``, when given, has the workspaces to use (made, and their warm workers
        started, ahead: :meth:`WorkspacePool.warm_up`)."""
        self.snapshot = snapshot
        self.cache = cache
        self.remote = remote
        self.driver = driver
        self.plan = baseline if isinstance(baseline, Plan) else Plan.of(baseline)
        self.limits = limits
        self.pool = pool or WorkspacePool(snapshot)
        self.programs = Programs(snapshot)  # shared by with_limits copies, like the pool
        self.offset = 0  # what this validator's candidate 0 is numbered in the whole run
        self._stop_after: int | None = None
        self._plausible: list[int] = []
        self._asked: dict[int, bool] = {}  # candidate -> the cache knew it (counted if kept)
        self._beside = 0  # candidates after the last patch wanted that are part of the run
        self._lock = threading.Lock()
        self._ahead = _Ahead(self.programs, remote is None and callable(
            getattr(driver, "foresee", None)), [])

    def with_limits(self, limits: Limits, cache: CacheScope | None = None,
                    offset: int = 0) -> Validator:
        """A validator under other ``limits`` (and ``cache``), sharing this one's workspaces:
        validation in phases (multi-hunk candidates after single-hunk ones) makes no new
        worktrees. ``offset``: the number the phase's first candidate has in the whole run (a
        result's ``duplicate_of`` may name a candidate of an earlier phase). Use one validator
        at a time."""
        other = copy.copy(self)  # shallow: the pool of workspaces is shared
        other.limits, other.cache, other.offset = limits, cache, offset
        other._stop_after, other._plausible, other._asked = None, [], {}
        other._lock = threading.Lock()
        other._ahead = _Ahead(self.programs, self._ahead.enabled, [])
        return other

    def validate(self, candidates: Sequence[Candidate], workers: int,
                 executor: Executor | None = None) -> Iterator[ValidationResult]:
        """Validate up to ``budget`` candidates, in rank order, on ``workers`` threads."""
        todo = list(candidates[: self.limits.budget])
        self._ahead = _Ahead(self.programs, self._ahead.enabled, todo)  # indexes are todo's
        self._beside = max(workers - 1, 0)
        own = executor is None
        pool = executor or ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apr-val")
        try:
            yield from self._drive(pool, todo, workers)
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)

    def _drive(self, pool: Executor, todo: list[Candidate],
               workers: int) -> Iterator[ValidationResult]:
        pending: _Pending = {}
        arrived: dict[int, ValidationResult | None] = {}  # finished, not yet given
        nxt = given = 0
        while nxt < len(todo) or pending:
            while nxt < len(todo) and len(pending) < workers and self._may_start(nxt):
                pending[pool.submit(self._one, todo[nxt], nxt)] = nxt
                nxt += 1
            if not pending:
                break
            for fut in _wait_first(pending):
                result = arrived[pending.pop(fut)] = fut.result()
                if result is not None:
                    self._record(result)  # stops starting candidates after it at once
            while given in arrived:  # every candidate before ``given`` is known: final
                result = arrived.pop(given)
                given += 1
                if result is not None and self._kept(result.index):
                    yield result

    def _kept(self, index: int) -> bool:
        """Whether the result of candidate ``index`` is part of the run, once every candidate
        before it is known: not when enough plausible patches rank more than ``workers - 1``
        places before it (module docstring). A kept result's
        cache lookup is counted; a dropped one is set aside by the program memory, so that a
        later phase takes it for the same program instead of testing it again, and never
        calls a candidate the duplicate of a result no one was given."""
        with self._lock:
            kept = self._stop_after is None or index <= self._stop_after
            hit = self._asked.pop(index, None)
        if not kept:
            self.programs.set_aside(self.offset + index, hit)
        elif hit is not None and self.cache is not None:
            self.cache.count(hit=hit)
        return kept

    def _may_start(self, index: int) -> bool:
        if time.monotonic() >= self.limits.deadline:
            return False
        with self._lock:
            return self._stop_after is None or index <= self._stop_after

    def _record(self, result: ValidationResult) -> None:
        if not result.is_patch:
            return
        with self._lock:
            self._plausible = sorted([*self._plausible, result.index])
            if len(self._plausible) >= self.limits.max_patches:
                self._stop_after = self._plausible[self.limits.max_patches - 1] + self._beside

    def _one(self, candidate: Candidate, index: int) -> ValidationResult | None:
        if not self._may_start(index):
            return None
        examined = self._ahead.examined(index, candidate)
        if examined.broken:
            return ValidationResult(candidate, Outcome.COMPILE_FAILED, 0.0, 0, index=index,
                                    detail=examined.broken)
        mode = (self.limits.fail_fast, self.limits.select, self.limits.full_check)
        if (same := self.programs.known(examined, candidate, index, mode)) is not None:
            return same
        result = (self._held(examined, candidate, index, mode)
                  or self._cached(candidate, index) or self._tested(candidate, index))
        self.programs.remember(examined, dataclasses.replace(
            result, index=self.offset + index), mode)
        return result

    def _held(self, examined: Examined, candidate: Candidate, index: int,
              mode: Hashable) -> ValidationResult | None:
        """A result dropped earlier in the run for the same program (:meth:`_kept`), with the
        cache lookup it made, to be counted if this one is kept."""
        found = self.programs.held(examined, candidate, index, mode)
        if found is None:
            return None
        if found[1] is not None:
            with self._lock:
                self._asked[index] = found[1]
        return found[0]

    def _cached(self, candidate: Candidate, index: int) -> ValidationResult | None:
        if self.cache is None:
            return None
        found = self.cache.get(candidate, index, count=False)  # counted if kept: _kept
        with self._lock:
            self._asked[index] = found is not None
        return found

    def _tested(self, candidate: Candidate, index: int) -> ValidationResult:
        if self.remote is not None:
            result = self.remote(candidate, self.plan, self.limits, index)
        else:
            result = self.pool.run(self.driver, candidate, self.plan, self.limits, index,
                                   self._ahead.coming(index))
        if self.cache is not None:
            self.cache.put(candidate, result)
        return result


class _Ahead:
    """What the candidates after one will write, for a driver that prepares for them (the
    warm JVM compiles them in one javac task: ``TestDriver.foresee``). Each coming program is
    shown once per key (equal programs are answered from the first), never one that does not
    parse; keys and versions are worked out once per candidate and dropped at its turn."""

    def __init__(self, programs: Programs, enabled: bool, todo: list[Candidate]) -> None:
        self.programs = programs
        self.enabled = enabled
        self.todo = todo
        self._lock = threading.Lock()
        self._examined: dict[int, Examined] = {}
        self._versions: dict[int, dict[str, bytes] | None] = {}
        self._first: dict[ProgramKey, int] = {}
        self._taken: set[int] = set()

    def examined(self, index: int, candidate: Candidate) -> Examined:
        """``candidate``'s :meth:`Programs.examine` (worked out ahead, or now)."""
        if not self.enabled:
            return self.programs.examine(candidate)
        with self._lock:
            self._taken.add(index)
            found = self._examined.pop(index, None)
            self._versions.pop(index, None)
        found = found if found is not None else self.programs.examine(candidate)
        if found.key is not None:
            with self._lock:
                self._first.setdefault(found.key, index)
        return found

    def coming(self, index: int) -> list[dict[str, bytes]]:
        """The files the next :data:`AHEAD` candidates after ``index`` write (none when the
        driver does not prepare)."""
        if not self.enabled:
            return []
        out = []
        for j in range(index + 1, min(len(self.todo), index + 1 + AHEAD)):
            version = self._version(j)
            if version is not None:
                out.append(version)
        return out

    def _version(self, index: int) -> dict[str, bytes] | None:
        with self._lock:
            if index in self._taken:
                return None
            if index in self._versions:
                return self._versions[index]
            examined = self._examined.get(index)
        candidate = self.todo[index]
        if examined is None:
            examined = self.programs.examine(candidate)
        version = None
        if not examined.broken and examined.key is not None:
            with self._lock:
                first = self._first.setdefault(examined.key, index)
            version = self.programs.version(candidate) if first == index else None
        with self._lock:
            if index not in self._taken:
                self._examined.setdefault(index, examined)
                self._versions.setdefault(index, version)
        return version


_Pending = dict[Future[ValidationResult | None], int]


def _wait_first(pending: _Pending) -> list[Future[ValidationResult | None]]:
    done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
    return sorted(done, key=lambda f: pending[f])


def write_candidate(ws: Workspace, candidate: Candidate) -> None:
    """Write the files ``candidate`` changes, edited, into ``ws`` (``ws.reset`` undoes it).
    Raises ``ValueError`` (edits that do not apply) or ``OSError``."""
    for file in candidate.files:
        mine = [e for e in candidate.edits if e.file == file]
        ws.write(file, apply_edits(ws.snapshot.read(file), mine))


def validate_one(ws: Workspace, driver: TestDriver, candidate: Candidate, plan: Plan,
                 limits: Limits, index: int = 0,
                 coming: Sequence[dict[str, bytes]] = ()) -> ValidationResult:
    """Apply ``candidate`` in ``ws``, test it, restore ``ws``; never raises for bad candidates.
    ``coming``: what the next candidates will write (repository paths), for a driver that
    prepares for them (``foresee``)."""
    started = time.monotonic()
    files = candidate.files
    timer: Callable[[], float] = lambda: time.monotonic() - started  # noqa: E731
    try:
        write_candidate(ws, candidate)
    except (ValueError, OSError) as exc:
        ws.reset(files)
        return ValidationResult(candidate, Outcome.APPLY_FAILED, timer(), 0, index=index,
                                detail=str(exc))
    foresee = getattr(driver, "foresee", None)
    if coming and callable(foresee):
        foresee(ws.project_dir, ws.root, coming)
    try:
        tested = _Tested(ws, driver, plan, limits)
        outcome = tested.count(files) if not limits.fail_fast else tested.stages(files)
        keep = outcome in (Outcome.PLAUSIBLE, Outcome.PARTIAL)
        diff = ws.diff(files) if keep else ""
    finally:
        ws.reset(files)
    return ValidationResult(candidate, outcome, timer(), tested.ran, tested.still_failing, diff,
                            index, tested.detail, fixed_tests=tuple(sorted(tested.fixed)),
                            test_stages=tested.stats)


class _Tested:
    """The test runs of one candidate, stage by stage: the targets; the passing tests whose
    baseline coverage touches the changed files; the whole suite, once the candidate is
    plausible or partial (``full_check``). Counts and times of each stage go into ``stats``."""

    def __init__(self, ws: Workspace, driver: TestDriver, plan: Plan, limits: Limits) -> None:
        self.ws, self.driver, self.plan, self.limits = ws, driver, plan, limits
        self.ran = 0
        self.fixed: frozenset[str] = frozenset()
        self.still_failing: tuple[str, ...] = ()
        self.detail = ""
        self.stats: dict[str, float] = {}

    def run(self, stage: str, tests: Sequence[str] | None, fail_fast: bool) -> Verdict:
        run = self.driver.run(self.ws.project_dir, self.ws.root, tests, fail_fast=fail_fast,
                              timeout=self.limits.run_timeout,
                              test_timeout=self.limits.test_timeout)
        self.ran += len(run.outcomes)
        self.stats[f"{stage}_tests"] = self.stats.get(f"{stage}_tests", 0) + len(run.outcomes)
        self.stats[f"{stage}_seconds"] = round(self.stats.get(f"{stage}_seconds", 0.0)
                                               + run.seconds, 3)
        verdict = judge(run, self.plan.expect, tests)
        if verdict.outcome is not Outcome.PLAUSIBLE:
            self.detail = run.errors[0][:2000] if run.errors else ""
            self.still_failing = tuple(sorted({*verdict.unfixed, *verdict.broken}))
        return verdict

    def stages(self, files: Sequence[str]) -> Outcome:
        targets = list(self.plan.expect.targets)
        first = self.run("targets", targets, fail_fast=len(targets) == 1)
        if first.outcome is not Outcome.PLAUSIBLE:
            return first.outcome
        self.fixed, self.still_failing = first.fixed, tuple(sorted(first.unfixed))
        if not self.fixed:
            return Outcome.TIMEOUT if first.hung else Outcome.TEST_FAILED
        whole = self.fixed == set(targets) and not self.plan.expect.tolerated
        selected = self._selected(files)
        if selected is None:  # no coverage to select by: the whole suite
            return self._suite(whole)
        skipped = self._skipped(selected)
        if selected:
            verdict = self.run("selected", selected, fail_fast=True)
            if verdict.outcome is not Outcome.PLAUSIBLE:
                return verdict.outcome
        # a partial candidate is checked on the whole suite only if it is to be reported
        # (apr.pipeline confirms the best ones when no plausible patch turns up); nor is one
        # whose selection left nothing out: it has just run every passing test
        complete = self.fixed == set(targets)
        check = self.limits.full_check and complete and skipped > 0
        return self._suite(whole) if check else self._success()

    def _selected(self, files: Sequence[str]) -> list[str] | None:
        if not self.limits.select or self.plan.selection is None:
            return None
        return self.plan.selection.tests_for(files)

    def _skipped(self, selected: Sequence[str]) -> int:
        """Record how many passing tests selection left out, and their baseline seconds."""
        selection = self.plan.selection
        assert selection is not None  # _selected gave a list
        chosen = set(selected)
        skipped = [t for t in selection.passing if t not in chosen]
        self.stats["skipped_tests"] = len(skipped)
        self.stats["skipped_seconds"] = round(selection.seconds(skipped), 3)
        self.stats["selected_baseline_seconds"] = round(selection.seconds(selected), 3)
        return len(skipped)

    def _suite(self, fail_fast: bool) -> Outcome:
        verdict = self.run("full", None, fail_fast=fail_fast)
        if verdict.outcome is not Outcome.PLAUSIBLE:
            return verdict.outcome
        return self._success()

    def _success(self) -> Outcome:
        complete = self.fixed == set(self.plan.expect.targets)
        return Outcome.PLAUSIBLE if complete else Outcome.PARTIAL

    def count(self, files: Sequence[str]) -> Outcome:
        """The whole suite once, without -x: every target still failing and every test broken
        is listed (the greedy multi-hunk strategy counts them)."""
        verdict = self.run("full", None, fail_fast=False)
        self.fixed = verdict.fixed
        if verdict.outcome is not Outcome.PLAUSIBLE:
            return verdict.outcome
        self.still_failing = tuple(sorted(verdict.unfixed))
        if not self.fixed:
            return Outcome.TIMEOUT if verdict.hung else Outcome.TEST_FAILED
        return self._success()
