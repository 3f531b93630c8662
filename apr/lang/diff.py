"""How big a change is, in tokens (:func:`diff_size`): what the generators' ranking and the
correctness estimate both call a candidate's size."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def diff_size(old: Sequence[str], new: Sequence[str]) -> int:
    """Tokens removed plus tokens added by a token diff of ``old`` and ``new``, each distinct
    change counted once: wrapping ``e`` as ``(e & 0xff)`` is 4 tokens (``(``, ``&``, ``0xff``,
    ``)``), not the whole of ``e`` twice, and a rename made in two places is one rename."""
    return _size(_changes(old, new))


def _changes(old: Sequence[str], new: Sequence[str]) -> set[tuple[tuple[str, ...],
                                                                 tuple[str, ...]]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return {(tuple(old[i1:i2]), tuple(new[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"}


def _size(changes: set[tuple[tuple[str, ...], tuple[str, ...]]]) -> int:
    return sum(len(removed) + len(added) for removed, added in changes)
