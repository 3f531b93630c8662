"""Spectrum-based fault localization from per-test coverage, boosted by stack traces.

A failing test's traceback is also coverage: every frame in it is a line the test ran. Coverage
tools lose some of those lines, and they are the lines that matter most: JaCoCo marks a line
covered only when a probe after it runs, so the line that throws is "not covered"; a project
that installs its own trace function (PySnooper, a debugger) displaces Python's tracer for the
rest of the test, so the line that raised inside it is missing. Each failing test's frames in
kept files are therefore counted as lines it ran, then boosted as before.

One kind of frame is not: a frame stopped at a function's entry, before its first line ran
(Python's RecursionError, V8's stack overflow), shows the ``def`` or decorator line, which no
tracer reports as run; counted, it would be a line only the failing test ran. The caller says
which lines those are (``entry``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

from apr.errors import UsageError
from apr.localize.formulas import FORMULAS
from apr.localize.stacktrace import trace_frames
from apr.model import Location, TestRun

#: How much a stack-trace frame adds to a line's score (deepest frame; halved per frame upward).
TRACE_BOOST = 0.2


Line = tuple[str, int]


def spectrum(run: TestRun, keep: Callable[[str], bool],
             also_ran: Mapping[str, set[Line]] | None = None) -> dict[Line, tuple[int, int]]:
    """(file, line) -> (failing tests that ran it, passing tests that ran it), for kept files.

    ``also_ran``: per test, lines it ran that its coverage may lack (its traceback's frames).
    """
    failing, passing = set(run.failing), set(run.passing)
    counts: dict[Line, list[int]] = defaultdict(lambda: [0, 0])

    def column(test: str) -> int | None:
        return 0 if test in failing else 1 if test in passing else None

    for test, files in run.coverage.items():
        if (col := column(test)) is not None:
            for file, lines in files.items():
                if keep(file):
                    for line in lines:
                        counts[(file, line)][col] += 1
    for test, extra in (also_ran or {}).items():
        covered = run.coverage.get(test, {})
        if (col := column(test)) is not None:
            for file, line in extra:
                if keep(file) and line not in covered.get(file, ()):
                    counts[(file, line)][col] += 1
    return {key: (ef, ep) for key, (ef, ep) in counts.items()}


def localize(run: TestRun, formula: str, keep: Callable[[str], bool],
             resolve: Callable[[str], str | None] = lambda p: p,
             entry: Callable[[str, int], bool] = lambda file, line: False) -> list[Location]:
    """Rank the lines of kept files by suspiciousness; lines no failing test ran are left out.

    ``keep(file)`` says whether a repo-relative file may hold the bug (not a test file);
    ``resolve(path)`` turns a path as written in a traceback into a repo-relative one (or None);
    ``entry(file, line)`` says whether a frame there may be a function's entry (not counted as
    a line its test ran; still boosted).

    Raises:
        UsageError: unknown formula name.
    """
    try:
        score = FORMULAS[formula]
    except KeyError:
        raise UsageError(f"unknown localization formula {formula!r}; "
                         f"choose from {', '.join(FORMULAS)}") from None
    total_f, total_p = len(run.failing), len(run.passing)
    frames = {test: trace_lines(run, test, keep, resolve) for test in run.failing}
    in_traces = {test: {(f, n) for f, n in lines if not entry(f, n)}
                 for test, lines in frames.items()}
    scores = {key: score(ef, ep, total_f - ef, total_p - ep)
              for key, (ef, ep) in spectrum(run, keep, in_traces).items() if ef > 0}
    for key, boost in trace_boosts(frames).items():
        scores[key] = scores.get(key, 0.0) + boost
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
    return [Location(file=f, line=line, score=round(s, 6)) for (f, line), s in ranked if s > 0]


def trace_lines(run: TestRun, test: str, keep: Callable[[str], bool],
                resolve: Callable[[str], str | None]) -> list[Line]:
    """The frames of ``test``'s traceback in kept files, repo-relative, outermost first."""
    resolved = ((resolve(file), line) for file, line in trace_frames(run.traces.get(test, "")))
    return [(file, line) for file, line in resolved if file is not None and keep(file)]


def trace_boosts(frames: Mapping[str, list[Line]]) -> dict[Line, float]:
    """Per failing test's frames (outermost first): the deepest TRACE_BOOST, then halved."""
    boosts: dict[Line, float] = {}
    for lines in frames.values():
        for depth, frame in enumerate(reversed(lines)):
            boost = TRACE_BOOST / (2**depth)
            boosts[frame] = max(boosts.get(frame, 0.0), boost)
    return boosts
