"""How big a change is, in tokens: what the generators' ranking (:func:`changed_tokens`, cheap)
and the correctness estimate (:func:`diff_size`, a token diff) call a patch's size."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def changed_tokens(old: Sequence[str], new: Sequence[str]) -> int:
    """Tokens removed plus tokens added, once the common prefix and suffix are set aside; a
    change made the same way in several places (the same tokens replaced by the same tokens,
    as a rename of every call of a method in a statement) counts as made once."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < min(len(old), len(new)) - prefix
           and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]):
        suffix += 1
    count = len(old) + len(new) - 2 * (prefix + suffix)
    if count <= 2:  # one token replaced, added or removed (most candidates): nothing to diff
        return count
    return min(count, _repeated(old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]))


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


def _repeated(old: Sequence[str], new: Sequence[str]) -> int:
    """The size of one of the changes, when every change between ``old`` and ``new`` is the
    same replacement (else the size of them all)."""
    changes = _changes(old, new)
    return _size(changes) if len(changes) == 1 else len(old) + len(new)


def _size(changes: set[tuple[tuple[str, ...], tuple[str, ...]]]) -> int:
    return sum(len(removed) + len(added) for removed, added in changes)
