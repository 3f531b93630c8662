"""Validation in phases, and MultiMend's greedy multi-hunk strategy.

:class:`ValidationRun` validates lists of candidates one after the other (single-hunk candidates,
then each multi-hunk strategy's) under one budget, one deadline and one ``max_patches``, on the
same workspaces, numbering the results in the order the candidates were offered.

:func:`greedy` is MultiMend's second multi-hunk strategy: hunk by hunk, candidates are validated
with the whole suite run without ``-x`` (every failing test counted); the first, in rank order,
that lowers the number of failing tests is kept, applied under the next hunk's candidates, and so
on; a plausible patch ends it. A hunk where no candidate helps is left as it is.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from apr.model import Candidate, Edit, Outcome, ValidationResult
from apr.validate.cache import CacheScope
from apr.validate.validator import Validator

OnResult = Callable[[ValidationResult, int, int], None]
"""Told each result, how many results there are, and how many candidates were offered."""

Combine = Callable[[Sequence[Candidate]], Candidate | None]
"""Makes one candidate of several hunks' candidates (None: they cannot go together)."""


class ValidationRun:
    """Phases of validation sharing a budget, deadline, ``max_patches`` and workspaces.

    Args:
        validator: validates (its limits are the run's: budget, deadline, max_patches).
        workers: parallel validations.
        on_result: called with each result as it arrives.
        cache: earlier outcomes, for candidates validated the usual way (never for counting).
    """

    def __init__(self, validator: Validator, workers: int, on_result: OnResult | None = None,
                 cache: CacheScope | None = None) -> None:
        self.validator = validator
        self.limits = validator.limits
        self.workers = workers
        self.on_result = on_result
        self.cache = cache
        self.results: list[ValidationResult] = []
        self.offered = 0
        self._patches: dict[frozenset[Edit], int] = {}  # a patch's edits -> its index

    @property
    def plausible(self) -> int:
        return sum(r.is_patch for r in self.results)

    @property
    def remaining(self) -> int:
        """Candidates the budget still allows."""
        return max(self.limits.budget - len(self.results), 0)

    @property
    def finished(self) -> bool:
        """Whether the budget, the time or the plausible patches wanted are used up."""
        return (self.remaining == 0 or time.monotonic() >= self.limits.deadline
                or self.plausible >= self.limits.max_patches)

    def validate(self, candidates: Sequence[Candidate], *,
                 count_failures: bool = False) -> list[ValidationResult]:
        """Validate ``candidates`` in order, within what is left of the run's limits.

        With ``count_failures`` each candidate runs the whole suite once without ``-x``, so
        ``failing_tests`` lists every failing test. Results are numbered after every candidate
        offered before (``index``), and returned in rank order.
        """
        if self.finished:
            return []
        todo = list(candidates[: self.remaining])
        if not todo:
            return []
        limits = dataclasses.replace(self.limits, budget=len(todo),
                                     max_patches=self.limits.max_patches - self.plausible,
                                     fail_fast=not count_failures)
        offset, self.offered = self.offered, self.offered + len(todo)
        validator = self.validator.with_limits(limits, None if count_failures else self.cache,
                                               offset)
        out = []
        for result in validator.validate(todo, self.workers):
            result = self._first_of_its_edits(
                dataclasses.replace(result, index=offset + result.index))
            self.results.append(result)
            out.append(result)
            if self.on_result is not None:
                self.on_result(result, len(self.results), self.offered)
        return out

    def _first_of_its_edits(self, result: ValidationResult) -> ValidationResult:
        """A plausible patch whose edits an earlier patch of the run made already is that
        patch's duplicate, not a patch of its own: a multi-hunk step of one part equals a
        single-hunk candidate, and its run (whole suite, failures counted) is another mode, which
        the program cache that answers other repeats keeps apart (:mod:`apr.validate.programs`)."""
        if not result.is_patch:
            return result
        first = self._patches.setdefault(frozenset(result.candidate.edits), result.index)
        return result if first == result.index else dataclasses.replace(result, duplicate_of=first)


@dataclass(frozen=True, slots=True)
class _Step:
    part: Candidate
    failing: int
    plausible: bool


def greedy(lists: Sequence[Sequence[Candidate]], run: ValidationRun, combine: Combine,
           failing: int, per_hunk: int) -> tuple[Candidate, ...]:
    """MultiMend's greedy strategy (see the module docstring).

    Args:
        lists: per hunk, its candidates in rank order (hunks in the order to visit them).
        run: the validation run whose budget and time this spends.
        combine: merges the parts kept so far with a new part.
        failing: how many tests fail without any change (the baseline).
        per_hunk: at most this many candidates tried per hunk.

    Returns:
        the parts kept, in hunk order; a plausible patch among the results ends the search.
    """
    kept: tuple[Candidate, ...] = ()
    for candidates in lists:
        if run.finished:
            break
        step = _step(candidates[: max(per_hunk, 0)], kept, run, combine, failing)
        if step is not None:
            kept, failing = (*kept, step.part), step.failing
            if step.plausible:
                break
    return kept


def _step(parts: Sequence[Candidate], kept: tuple[Candidate, ...], run: ValidationRun,
          combine: Combine, failing: int) -> _Step | None:
    """The first of ``parts`` (in order) that, with ``kept``, lowers the failing count."""
    pairs = [(part, combined) for part in parts
             if (combined := combine((*kept, part))) is not None]
    size = max(run.workers, 1)
    for chunk in (pairs[i : i + size] for i in range(0, len(pairs), size)):
        if run.finished:
            return None
        results = {r.candidate: r for r in run.validate([c for _, c in chunk],
                                                        count_failures=True)}
        for part, combined in chunk:
            found = results.get(combined)
            if found is not None and found.outcome is Outcome.PLAUSIBLE:
                return _Step(part, 0, True)
            if (found is not None and found.outcome in (Outcome.TEST_FAILED, Outcome.PARTIAL)
                    and len(found.failing_tests) < failing):
                return _Step(part, len(found.failing_tests), False)
    return None
