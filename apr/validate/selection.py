"""Test selection: after the targets pass, run only the tests that a change can affect.

A test whose baseline run executed no line of a changed file cannot see the change, except
through import-time code (module constants) that no test's coverage records. So the tests run
after the targets are those whose baseline coverage touches a changed file; the patch that is
finally reported still passes the whole suite once (``full_check``), which catches the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from apr.model import TestRun, TestStatus
from apr.validate.expect import Expectation


class Selection:
    """The baseline's per-test coverage, indexed by file."""

    def __init__(self, baseline: TestRun, expect: Expectation) -> None:
        skip = {*expect.targets, *expect.tolerated}
        self.durations = baseline.durations
        self.passing = tuple(t for t, s in sorted(baseline.outcomes.items())
                             if s is TestStatus.PASSED and t not in skip)
        self.available = bool(baseline.coverage)
        self.by_file: dict[str, set[str]] = {}
        for test, files in baseline.coverage.items():
            if test in skip:
                continue
            for file, lines in files.items():
                if lines:
                    self.by_file.setdefault(file, set()).add(test)

    def tests_for(self, files: Iterable[str]) -> list[str] | None:
        """The passing tests that executed any of ``files`` at the baseline, in suite order;
        None when the baseline has no coverage (then every test must run)."""
        if not self.available:
            return None
        chosen: set[str] = set()
        for file in files:
            chosen |= self.by_file.get(file, set())
        return [t for t in self.passing if t in chosen]

    def seconds(self, tests: Sequence[str]) -> float:
        """What ``tests`` took at the baseline."""
        return sum(self.durations.get(t, 0.0) for t in tests)
