"""Validate candidates: apply in a workspace, run the failing tests, then the whole suite.

Workers are threads, each owning one git worktree (made on first use, reused across candidates:
only the files a candidate touched are restored after it). Candidates are taken in rank order; the
run stops at the budget, the time limit or after ``max_patches`` plausible patches. Stopping is
deterministic in rank: once enough plausible patches are known, candidates ranked after the last
of them are skipped, but lower-ranked ones still running are allowed to finish.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from apr.generate.edits import apply_edits
from apr.model import Candidate, Outcome, TestRun, TestStatus, ValidationResult
from apr.project.base import TestDriver
from apr.project.workspace import Snapshot, Workspace
from apr.validate.cache import CacheScope


@dataclass(frozen=True, slots=True)
class Limits:
    budget: int
    deadline: float  # time.monotonic() value
    max_patches: int
    test_timeout: float  # one test
    run_timeout: float  # one test command
    # False: one run of the whole suite without -x, so that every failing test is known
    # (the greedy multi-hunk strategy counts them); True: failing tests, then the suite, -x
    fail_fast: bool = True


class _Pool:
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


class Validator:
    """Runs candidates against the tests; yields results in completion order."""

    def __init__(self, snapshot: Snapshot, driver: TestDriver, baseline: TestRun,
                 limits: Limits, cache: CacheScope | None = None) -> None:
        """``cache``, when given, answers candidates validated before (in an earlier run on the
        same code and test command) and stores the new outcomes."""
        self.snapshot = snapshot
        self.cache = cache
        self.driver = driver
        self.failing = baseline.failing
        self.limits = limits
        self.pool = _Pool(snapshot)
        self._stop_after: int | None = None
        self._plausible: list[int] = []
        self._lock = threading.Lock()

    def with_limits(self, limits: Limits, cache: CacheScope | None = None) -> Validator:
        """A validator under other ``limits`` (and ``cache``), sharing this one's workspaces:
        validation in phases (multi-hunk candidates after single-hunk ones) makes no new
        worktrees. Use one validator at a time."""
        other = copy.copy(self)  # shallow: the pool of workspaces is shared
        other.limits, other.cache = limits, cache
        other._stop_after, other._plausible, other._lock = None, [], threading.Lock()
        return other

    def validate(self, candidates: Sequence[Candidate], workers: int,
                 executor: Executor | None = None) -> Iterator[ValidationResult]:
        """Validate up to ``budget`` candidates, in rank order, on ``workers`` threads."""
        todo = list(candidates[: self.limits.budget])
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
        nxt = 0
        while nxt < len(todo) or pending:
            while nxt < len(todo) and len(pending) < workers and self._may_start(nxt):
                pending[pool.submit(self._one, todo[nxt], nxt)] = nxt
                nxt += 1
            if not pending:
                break
            done = _wait_first(pending)
            for fut in done:
                pending.pop(fut)
                result = fut.result()
                if result is not None:
                    self._record(result)
                    yield result

    def _may_start(self, index: int) -> bool:
        if time.monotonic() >= self.limits.deadline:
            return False
        with self._lock:
            return self._stop_after is None or index < self._stop_after

    def _record(self, result: ValidationResult) -> None:
        if result.outcome is not Outcome.PLAUSIBLE:
            return
        with self._lock:
            self._plausible = sorted([*self._plausible, result.index])
            if len(self._plausible) >= self.limits.max_patches:
                self._stop_after = self._plausible[self.limits.max_patches - 1]

    def _one(self, candidate: Candidate, index: int) -> ValidationResult | None:
        if not self._may_start(index):
            return None
        if self.cache is not None and (known := self.cache.get(candidate, index)) is not None:
            return known
        ws = self.pool.take()
        try:
            result = validate_one(ws, self.driver, candidate, self.failing, self.limits, index)
        finally:
            self.pool.give(ws)
        if self.cache is not None:
            self.cache.put(candidate, result)
        return result


_Pending = dict[Future[ValidationResult | None], int]


def _wait_first(pending: _Pending) -> list[Future[ValidationResult | None]]:
    done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
    return sorted(done, key=lambda f: pending[f])


def validate_one(ws: Workspace, driver: TestDriver, candidate: Candidate,
                 failing: Sequence[str], limits: Limits, index: int = 0) -> ValidationResult:
    """Apply ``candidate`` in ``ws``, test it, restore ``ws``; never raises for bad candidates."""
    started = time.monotonic()
    files = candidate.files
    timer: Callable[[], float] = lambda: time.monotonic() - started  # noqa: E731
    try:
        for file in files:
            mine = [e for e in candidate.edits if e.file == file]
            ws.write(file, apply_edits(ws.snapshot.read(file), mine))
    except (ValueError, OSError) as exc:
        ws.reset(files)
        return ValidationResult(candidate, Outcome.APPLY_FAILED, timer(), 0, index=index,
                                detail=str(exc))
    try:
        outcome, ran, still_failing, detail = _test(ws, driver, failing, limits)
        diff = ws.diff(files) if outcome is Outcome.PLAUSIBLE else ""
    finally:
        ws.reset(files)
    return ValidationResult(candidate, outcome, timer(), ran, still_failing, diff, index, detail)


def _test(ws: Workspace, driver: TestDriver, failing: Sequence[str],
          limits: Limits) -> tuple[Outcome, int, tuple[str, ...], str]:
    if not limits.fail_fast:
        return _count(ws, driver, failing, limits)
    ran = 0
    for tests in (list(failing), None):  # the failing tests first, then the whole suite
        run = driver.run(ws.project_dir, ws.root, tests, fail_fast=True,
                         timeout=limits.run_timeout, test_timeout=limits.test_timeout)
        ran += len(run.outcomes)
        outcome = classify(run, tests)
        if outcome is not Outcome.PLAUSIBLE:
            detail = run.errors[0][:2000] if run.errors else ""
            return outcome, ran, run.failing, detail
    return Outcome.PLAUSIBLE, ran, (), ""


def _count(ws: Workspace, driver: TestDriver, failing: Sequence[str],
           limits: Limits) -> tuple[Outcome, int, tuple[str, ...], str]:
    """The whole suite once, without -x: the outcome, and every test still failing."""
    run = driver.run(ws.project_dir, ws.root, None, fail_fast=False,
                     timeout=limits.run_timeout, test_timeout=limits.test_timeout)
    outcome = classify(run, failing)
    if outcome is Outcome.PLAUSIBLE:
        return outcome, len(run.outcomes), (), ""
    return outcome, len(run.outcomes), run.failing, run.errors[0][:2000] if run.errors else ""


def classify(run: TestRun, expected: Sequence[str] | None) -> Outcome:
    """PLAUSIBLE only if every test that ran passed (or skipped) and, when a list of tests was
    asked for, every one of them ran."""
    if run.errors:
        return Outcome.COMPILE_FAILED
    if run.timed_out:
        return Outcome.TIMEOUT
    statuses = set(run.outcomes.values())
    if TestStatus.FAILED in statuses:
        return Outcome.TEST_FAILED
    if TestStatus.TIMEOUT in statuses:
        return Outcome.TIMEOUT
    if not run.outcomes or (expected is not None and set(expected) - set(run.outcomes)):
        return Outcome.ERROR
    if run.returncode not in (0, None):
        return Outcome.ERROR
    return Outcome.PLAUSIBLE
