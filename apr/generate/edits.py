"""Applying byte-range edits to a file's original content."""

from __future__ import annotations

from collections.abc import Iterable

from apr.lang.text import encode_source
from apr.model import Edit


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    """``source`` with every edit applied (all offsets refer to ``source``; files are ignored).

    Edits are applied in offset order; insertions (``start == end``) at the same offset keep
    their given order, and an insertion may touch a replaced range.

    Raises:
        ValueError: an edit lies outside ``source`` or has ``start > end``, or two edits overlap.
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    parts: list[bytes] = []
    cursor = 0
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(source):
            raise ValueError(f"edit [{edit.start}, {edit.end}) outside a {len(source)}-byte file")
        if edit.start < cursor:
            raise ValueError(f"edit [{edit.start}, {edit.end}) overlaps an earlier edit")
        parts += [source[cursor:edit.start], encode_source(edit.text)]
        cursor = edit.end
    parts.append(source[cursor:])
    return b"".join(parts)
