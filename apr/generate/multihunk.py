"""Multi-hunk candidates: one patch that changes several hunks at once.

A bug whose fix spans several places is fixed by no single-hunk candidate. MultiMend builds
multi-hunk patches from the hunks' own candidate lists; so do we, for any generator (template,
maskfill, seq2seq), from the per-hunk lists in rank order:

``same``     MultiMend's first strategy: the same change applied at every hunk that proposes it.
             "The same change" is the same rewrite of the same old text, whitespace aside
             (:func:`change_key`): ``int(`` -> ``round(`` at three places for templates; for
             seq2seq, where an edit replaces a hunk's whole lines, the same output for hunks
             whose buggy lines are equal. MultiMend asks for the change in every hunk's list; we
             take every change that at least two hunks propose, applied at all of them, those
             found in more hunks first, then by the sum of their ranks in the hunks' lists.
``combine``  ours: one candidate from each of two or more hunks, among each hunk's ``top_k``
             first, ordered by the sum of their ranks (0-based), ties with more hunks first.
``greedy``   MultiMend's second strategy, hunk by hunk, keeping a candidate when it lowers the
             number of failing tests; it needs validation, so it lives in
             :mod:`apr.validate.multihunk` and uses :func:`merge` from here.

The functions here are pure: they read candidate lists and return new candidates; the pipeline
decides when to validate them (see ``docs/architecture.md``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence

from apr.errors import UsageError
from apr.lang.text import decode_source
from apr.model import Candidate, Edit

STRATEGIES = ("same", "combine", "greedy")
"""The known strategies; a run tries those its ``multihunk`` setting names, in that order."""

ChangeKey = tuple[tuple[str, str], ...]


def check_strategies(names: Iterable[str]) -> None:
    """Raises UsageError for a name not in :data:`STRATEGIES`."""
    unknown = [name for name in names if name not in STRATEGIES]
    if unknown:
        raise UsageError(f"unknown multi-hunk strategy {', '.join(map(repr, unknown))}; known: "
                         f"{', '.join(STRATEGIES)}")


def group_by_hunk(candidates: Sequence[Candidate], hunk_of: Mapping[Candidate, int],
                  count: int) -> list[list[Candidate]]:
    """Per hunk index ``0..count-1``, its candidates in the order of ``candidates`` (ranked);
    a candidate whose hunk is unknown is left out."""
    lists: list[list[Candidate]] = [[] for _ in range(count)]
    for candidate in candidates:
        index = hunk_of.get(candidate)
        if index is not None and 0 <= index < count:
            lists[index].append(candidate)
    return lists


def merge(parts: Sequence[Candidate], strategy: str,
          description: str | None = None) -> Candidate | None:
    """One candidate making every part's edits, or None when two parts' edits overlap.

    The result's generator is the parts' (joined by ``+`` when they differ), its template
    ``multihunk:<strategy>``, its score the lowest of the parts', its description
    ``description``, by default the parts' joined by `` + ``.
    """
    edits = sorted((e for p in parts for e in p.edits), key=lambda e: (e.file, e.start, e.end))
    if not parts or _overlap(edits):
        return None
    generators = "+".join(dict.fromkeys(p.generator for p in parts))
    text = description if description is not None else " + ".join(p.description for p in parts)
    return Candidate(tuple(edits), generators, f"multihunk:{strategy}",
                     min(p.score for p in parts), text)


def _overlap(edits: Sequence[Edit]) -> bool:
    """Whether sorted ``edits`` overlap (as :func:`apr.generate.apply_edits` would refuse)."""
    return any(a.file == b.file and b.start < a.end for a, b in itertools.pairwise(edits))


def change_key(candidate: Candidate, sources: Mapping[str, bytes]) -> ChangeKey | None:
    """What a candidate changes, wherever it is: per edit (in file order) the old and the new
    text, whitespace-normalized; None if an edit lies outside its file's source."""
    key = []
    for edit in sorted(candidate.edits, key=lambda e: (e.file, e.start)):
        source = sources.get(edit.file)
        if source is None or not 0 <= edit.start <= edit.end <= len(source):
            return None
        old = decode_source(source[edit.start : edit.end])
        key.append((_squash(old), _squash(edit.text)))
    return tuple(key)


def _squash(text: str) -> str:
    return " ".join(text.split())


def same_change(lists: Sequence[Sequence[Candidate]], sources: Mapping[str, bytes],
                depth: int | None = None) -> list[Candidate]:
    """Strategy ``same`` (see the module docstring): one candidate per change that two or more
    hunks propose among their first ``depth`` candidates (all when None), applying it at each
    of them (each hunk's best-ranked instance)."""
    found: dict[ChangeKey, dict[int, tuple[int, Candidate]]] = {}
    for hunk, candidates in enumerate(lists):
        for rank, candidate in enumerate(candidates[:depth]):
            key = change_key(candidate, sources)
            if key is not None:
                found.setdefault(key, {}).setdefault(hunk, (rank, candidate))
    groups = [g for g in found.values() if len(g) >= 2]
    groups.sort(key=lambda g: (-len(g), sum(rank for rank, _ in g.values())))
    merged = (merge([g[h][1] for h in sorted(g)], "same",
                    f"{g[min(g)][1].description} (the same change at {len(g)} places)")
              for g in groups)
    return [m for m in merged if m is not None]


def combinations(lists: Sequence[Sequence[Candidate]], top_k: int) -> Iterator[Candidate]:
    """Strategy ``combine`` (see the module docstring): candidates of two or more hunks from
    each hunk's first ``top_k``; combinations whose edits overlap are skipped."""
    tops = {h: list(c[: max(top_k, 0)]) for h, c in enumerate(lists) if c[: max(top_k, 0)]}
    choices: list[tuple[int, ...]] = []
    for size in range(2, len(tops) + 1):
        choices.extend(itertools.combinations(sorted(tops), size))
    picks = [tuple(zip(hunks, ranks, strict=True)) for hunks in choices
             for ranks in itertools.product(*(range(len(tops[h])) for h in hunks))]
    picks.sort(key=lambda p: (sum(r for _, r in p), -len(p), p))
    for pick in picks:
        merged = merge([tops[h][r] for h, r in pick], "combine")
        if merged is not None:
            yield merged
