"""How far a plausible patch moves the tests' executions from the buggy program's.

PATCH-SIM (Xiong et al., ICSE 2018, "Identifying patch correctness in test-based program
repair") observed that a correct patch changes the execution of the tests that passed before it
little, while an overfitting one often changes it a lot: it takes another path through code the
passing tests rely on. Here an execution is a test's line coverage (what every driver reports
with ``coverage``), and the distance between the buggy and the patched program's is the
Jaccard distance of the two sets of lines, once the patched lines are mapped back to the
original ones:

- lines before the changed region keep their number, lines after it shift by what the patch
  added or removed;
- the changed region itself (its lines before and after the patch) is one mark per file, so that
  rewriting a statement the test runs anyway is no change of path.

The mean over the passing tests that cover the changed files is PATCH-SIM's signal. The failing
tests the patch fixes are left out: their runs must change, and by how much says little. (Their
distance was weighed at first, as a behavioural "smaller change": on QuixBugs-Python, at d30e142,
it told the first two patches apart in two bugs, and in both, depth_first_search and
detect_cycle, the developer's fix moved the fixed tests further than the wrong patch; so it did
in QuixBugs-Java's DETECT_CYCLE.) The runs compared are the original's and the patch's of the
same tests in the same order (:func:`apr.pipeline.observed`), not the baseline's lines.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from apr.model import Edit, TestRun, TestStatus

REGION = 0
"""The line number every line of the changed region maps to (real lines start at 1)."""


@dataclass(frozen=True, slots=True)
class Behaviour:
    """The mean distance (0: the same lines, 1: none in common) over the passing tests
    compared, and how many there were."""

    passing: float
    tests: int


@dataclass(frozen=True, slots=True)
class _Shift:
    """One file's changed region: original lines ``[first, last]``, which the patch turns into
    ``[first, last + delta]``."""

    first: int
    last: int
    delta: int

    def original(self, line: int) -> int:
        if line < self.first:
            return line
        return REGION if line <= self.last else line

    def patched(self, line: int) -> int:
        if line < self.first:
            return line
        return REGION if line <= self.last + self.delta else line - self.delta


def shifts(edits: Sequence[Edit], sources: Mapping[str, bytes]) -> dict[str, _Shift]:
    """Per file the edits touch, its changed region, from the first edit's line to the last's."""
    out = {}
    for file in {e.file for e in edits}:
        source = sources.get(file)
        if source is None:
            continue
        mine = [e for e in edits if e.file == file]
        start, end = min(e.start for e in mine), max(e.end for e in mine)
        first = source.count(b"\n", 0, start) + 1
        last = source.count(b"\n", 0, max(start, end - 1)) + 1  # the last byte replaced
        added = sum(e.text.count("\n") - source.count(b"\n", e.start, e.end) for e in mine)
        out[file] = _Shift(first, last, added)
    return out


def distance(before: Mapping[str, Collection[int]], after: Mapping[str, Collection[int]],
             regions: Mapping[str, _Shift]) -> float:
    """The Jaccard distance between a test's lines in the original program (``before``) and in
    the patched one (``after``), per file, the patched lines mapped back (module doc)."""
    def lines(cover: Mapping[str, Collection[int]], patched: bool) -> set[tuple[str, int]]:
        out = set()
        for file, numbers in cover.items():
            shift = regions.get(file)
            for n in numbers:
                if shift is not None:
                    n = shift.patched(n) if patched else shift.original(n)
                out.add((file, n))
        return out

    old, new = lines(before, False), lines(after, True)
    union = old | new
    return 1.0 - len(old & new) / len(union) if union else 0.0


def compare(original: TestRun, patched: TestRun, edits: Sequence[Edit],
            sources: Mapping[str, bytes]) -> Behaviour | None:
    """The distances between the original program's executions and the patched program's,
    over the tests that passed in both runs and that both covered. None when no test compares.
    Both runs should be of the same tests in the same order: a test's lines depend on what ran
    before it in the process (initializers and caches run once)."""
    regions = shifts(edits, sources)
    passed = set(original.passing)
    found = [distance(before, after, regions) for test, after in patched.coverage.items()
             if test in passed and (before := original.coverage.get(test)) is not None
             and patched.outcomes.get(test) is TestStatus.PASSED]
    return Behaviour(sum(found) / len(found), len(found)) if found else None
