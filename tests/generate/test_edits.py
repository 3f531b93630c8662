"""apply_edits: byte offsets, and every byte outside the edits kept, whatever the encoding."""

from __future__ import annotations

import pytest

from apr.generate.edits import apply_edits
from apr.lang.text import decode_source
from apr.model import Edit

SOURCE = "int f() { return x + 1; } // für\nString s = \"Grüße\";\n".encode("latin-1")


def test_edit_near_latin1_bytes_keeps_them() -> None:
    start = SOURCE.index(b"+")
    patched = apply_edits(SOURCE, [Edit("F.java", start, start + 1, "-")])
    assert patched == SOURCE.replace(b"+", b"-")


def test_edit_text_taken_from_the_file_keeps_its_bytes() -> None:
    start, end = SOURCE.index(b'"Gr'), SOURCE.index(b'";') + 1
    literal = decode_source(SOURCE[start:end])
    assert "\udcfc" in literal
    patched = apply_edits(SOURCE, [Edit("F.java", start, end, f"{literal}.trim()")])
    assert patched == SOURCE.replace(b'"Gr\xfc\xdfe"', b'"Gr\xfc\xdfe".trim()')


def test_insertions_and_bad_edits() -> None:
    assert apply_edits(b"ab", [Edit("f", 1, 1, "x"), Edit("f", 1, 1, "y")]) == b"axyb"
    with pytest.raises(ValueError, match="overlaps"):
        apply_edits(b"abc", [Edit("f", 0, 2, ""), Edit("f", 1, 3, "")])
    with pytest.raises(ValueError, match="outside"):
        apply_edits(b"abc", [Edit("f", 2, 9, "")])
