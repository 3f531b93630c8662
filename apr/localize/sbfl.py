"""Spectrum-based fault localization from per-test coverage, boosted by stack traces."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from apr.errors import UsageError
from apr.localize.formulas import FORMULAS
from apr.localize.stacktrace import trace_frames
from apr.model import Location, TestRun

#: How much a stack-trace frame adds to a line's score (deepest frame; halved per frame upward).
TRACE_BOOST = 0.2


def spectrum(run: TestRun, keep: Callable[[str], bool]) -> dict[tuple[str, int], tuple[int, int]]:
    """(file, line) -> (failing tests that ran it, passing tests that ran it), for kept files."""
    failing, passing = set(run.failing), set(run.passing)
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for test, files in run.coverage.items():
        column = 0 if test in failing else 1 if test in passing else None
        if column is None:
            continue
        for file, lines in files.items():
            if keep(file):
                for line in lines:
                    counts[(file, line)][column] += 1
    return {key: (ef, ep) for key, (ef, ep) in counts.items()}


def localize(run: TestRun, formula: str, keep: Callable[[str], bool],
             resolve: Callable[[str], str | None] = lambda p: p) -> list[Location]:
    """Rank the lines of kept files by suspiciousness; lines no failing test ran are left out.

    ``keep(file)`` says whether a repo-relative file may hold the bug (not a test file);
    ``resolve(path)`` turns a path as written in a traceback into a repo-relative one (or None).

    Raises:
        UsageError: unknown formula name.
    """
    try:
        score = FORMULAS[formula]
    except KeyError:
        raise UsageError(f"unknown localization formula {formula!r}; "
                         f"choose from {', '.join(FORMULAS)}") from None
    total_f, total_p = len(run.failing), len(run.passing)
    scores = {key: score(ef, ep, total_f - ef, total_p - ep)
              for key, (ef, ep) in spectrum(run, keep).items() if ef > 0}
    for key, boost in trace_boosts(run, keep, resolve).items():
        scores[key] = scores.get(key, 0.0) + boost
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
    return [Location(file=f, line=line, score=round(s, 6)) for (f, line), s in ranked if s > 0]


def trace_boosts(run: TestRun, keep: Callable[[str], bool],
                 resolve: Callable[[str], str | None]) -> dict[tuple[str, int], float]:
    """Frames of failing tests' tracebacks in kept files: deepest frame TRACE_BOOST, then halved."""
    boosts: dict[tuple[str, int], float] = {}
    for test in run.failing:
        resolved = ((resolve(file), line) for file, line in trace_frames(run.traces.get(test, "")))
        frames = [(file, line) for file, line in resolved if file is not None and keep(file)]
        for depth, frame in enumerate(reversed(frames)):
            boost = TRACE_BOOST / (2**depth)
            boosts[frame] = max(boosts.get(frame, 0.0), boost)
    return boosts
