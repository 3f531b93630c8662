"""How big a change is, in tokens: what the generators' ranking and the correctness estimate
call a patch's size."""

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
    return min(count, _repeated(old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]))


def _repeated(old: Sequence[str], new: Sequence[str]) -> int:
    """The size of one of the changes, when every change between ``old`` and ``new`` is the
    same replacement (else the size of them all)."""
    changes = {(tuple(old[i1:i2]), tuple(new[j1:j2]))
               for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False)
               .get_opcodes() if tag != "equal"}
    if len(changes) == 1:
        removed, added = changes.pop()
        return len(removed) + len(added)
    return len(old) + len(new)
