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

The mean over the passing tests that cover the changed files is PATCH-SIM's signal.

For Python the runs also record the values the changed files' functions return (the plugin's
``$APR_VALUES``: the code on the failing tests' path that the patch touches), and ``values`` is
the same mean of a distance between a passing test's values in the two runs: a passing test
whose assertions are weak may still see its values change, which its lines alone would not show
(a patch that changes an expression but no path). The distance is the multiset Jaccard distance
of the (function, value) pairs, over the functions whose values a second run of the original
program repeats: on real projects values carry temporary paths, ports and times (httpie's
session tests: 6 of 7 tests differed between two runs of the same code). The failing
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
    compared, and how many there were; ``values``: the mean distance of the values the
    changed files' functions returned in them (None when the runs did not record values)."""

    passing: float
    tests: int
    values: float | None = None


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
            sources: Mapping[str, bytes], again: TestRun | None = None) -> Behaviour | None:
    """The distances between the original program's executions and the patched program's,
    over the tests that passed in both runs and that both covered. None when no test compares.
    Both runs should be of the same tests in the same order: a test's lines depend on what ran
    before it in the process (initializers and caches run once). ``again``: a second run of the
    original program; a function whose values differ between the two original runs (a
    temporary path, a port, the time) is left out of the values compared in that test."""
    regions = shifts(edits, sources)
    passed = set(original.passing)
    compared = [test for test in patched.coverage if test in passed
                and test in original.coverage and patched.outcomes.get(test) is TestStatus.PASSED]
    if not compared:
        return None
    found = [distance(original.coverage[t], patched.coverage[t], regions) for t in compared]
    values = [value_distance(original.values[t], patched.values[t],
                             steady(original.values[t], again.values.get(t, {}))
                             if again is not None else None)
              for t in compared if t in original.values and t in patched.values]
    return Behaviour(sum(found) / len(found), len(found),
                     sum(values) / len(values) if values else None)


def steady(first: Mapping[str, int], second: Mapping[str, int]) -> set[str]:
    """The functions whose values (``{"function:digest": count}``) are the same in two runs of
    one program."""
    def by_function(counts: Mapping[str, int]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for key, count in counts.items():
            out.setdefault(_function(key), {})[key] = count
        return out

    one, two = by_function(first), by_function(second)
    return {name for name in one.keys() | two.keys() if one.get(name) == two.get(name)}


def value_distance(before: Mapping[str, int], after: Mapping[str, int],
                   functions: Collection[str] | None = None) -> float:
    """The multiset Jaccard distance between two tests' counts of ``function:digest`` keys:
    1 - (the counts both share) / (the counts either has); 0 when neither has any. With
    ``functions``, only theirs count."""
    keys = [k for k in before.keys() | after.keys()
            if functions is None or _function(k) in functions]
    union = sum(max(before.get(k, 0), after.get(k, 0)) for k in keys)
    shared = sum(min(before.get(k, 0), after.get(k, 0)) for k in keys)
    return 1.0 - shared / union if union else 0.0


def _function(key: str) -> str:
    return key.rpartition(":")[0]
