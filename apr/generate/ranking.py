"""Filtering, deduplicating and ordering candidates before validation.

:func:`rank` keeps a candidate only if

1. its edits apply to the files in ``sources`` (known files, no overlapping edits),
2. the patched files differ from the originals,
3. every patched file parses, when its original parsed cleanly (a file that was already broken
   is not held against the candidate),
4. no higher-scored candidate changes the same region into the same code.

"The same code" compares the changed region of each patched file: the lines from the first to
the last edited line, normalized by the language (tokens only, comments and spacing ignored) and
with the indentation width of each of its lines (it matters in Python). The region's position in
the original file is part of the key, so equal text at two places is not merged. Of equal
candidates the higher-scored is kept (the earlier one on a tie). The result is sorted by score,
descending, ties in generation order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from apr.generate.edits import apply_edits
from apr.lang.base import LanguageSupport
from apr.lang.text import decode_source
from apr.model import Candidate, Edit

RegionKey = tuple[str, int, int, str, tuple[int, ...]]


def rank(
    candidates: Iterable[Candidate],
    sources: Mapping[str, bytes],
    language: LanguageSupport,
    limit: int | None = None,
) -> list[Candidate]:
    """The valid, distinct candidates, best first, at most ``limit`` of them (see module doc).

    Args:
        candidates: in generation order.
        sources: each file's original content, by the path the edits use.
        language: parses and normalizes the patched files.
        limit: keep only the first ``limit`` candidates; None keeps all.
    """
    clean: dict[str, bool] = {}
    best: dict[tuple[RegionKey, ...], tuple[int, Candidate]] = {}
    for index, candidate in enumerate(candidates):
        key = _key(candidate, sources, language, clean)
        if key is None:
            continue
        kept = best.get(key)
        if kept is None or candidate.score > kept[1].score:
            best[key] = (index, candidate)
    ordered = sorted(best.values(), key=lambda item: (-item[1].score, item[0]))
    chosen = [candidate for _, candidate in ordered]
    return chosen if limit is None else chosen[: max(limit, 0)]


def _key(
    candidate: Candidate,
    sources: Mapping[str, bytes],
    language: LanguageSupport,
    clean: dict[str, bool],
) -> tuple[RegionKey, ...] | None:
    """The candidate's dedup key, or None if it must be dropped."""
    regions = []
    for file in candidate.files:
        if file not in sources:
            return None
        edits = [e for e in candidate.edits if e.file == file]
        try:
            patched = apply_edits(sources[file], edits)
        except ValueError:
            return None
        if patched == sources[file]:
            continue
        if file not in clean:
            clean[file] = not language.has_errors(sources[file])
        if clean[file] and _broken(language, sources[file], patched, edits):
            return None
        regions.append(_region(file, sources[file], patched, edits, language))
    return tuple(regions) or None


def _broken(language: LanguageSupport, original: bytes, patched: bytes, edits: list[Edit]) -> bool:
    start, end = min(e.start for e in edits), max(e.end for e in edits)
    return language.reparse(original, start, end, patched).root_node.has_error


def _region(
    file: str, original: bytes, patched: bytes, edits: list[Edit], language: LanguageSupport
) -> RegionKey:
    """Where the edits changed ``original`` (whole lines) and what that region now holds."""
    start = original.rfind(b"\n", 0, min(e.start for e in edits)) + 1
    end = original.find(b"\n", max(e.end for e in edits))
    tail = len(original) - (len(original) if end < 0 else end)
    text = decode_source(patched[start : len(patched) - tail])
    indents = tuple(len(line) - len(line.lstrip()) for line in text.splitlines() if line.strip())
    return file, start, tail, language.normalize(text), indents
