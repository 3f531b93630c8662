"""The code around a hunk: its buggy lines and its enclosing function.

MultiMend gives the model the enclosing function (found with tree-sitter) as context, and the
lines around the hunk (three before, three after) when there is none. Texts are whole source
lines, indentation kept, joined by ``"\\n"`` without a final newline.
"""

from __future__ import annotations

from apr.lang.base import LanguageSupport
from apr.lang.text import decode_source
from apr.model import Hunk

WINDOW = 3
"""Lines taken before and after a hunk that lies outside any function."""


def source_lines(source: bytes) -> list[str]:
    """The lines of ``source`` without line endings; line ``n`` (1-based) is item ``n - 1``.

    Bytes are decoded with :func:`~apr.lang.text.decode_source` (byte for byte). Lines are
    split at ``"\\n"`` as tree-sitter counts rows; a ``"\\r"`` before it is dropped; a final
    newline opens no line.
    """
    lines = decode_source(source).split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def lines_text(source: bytes, first: int, last: int) -> str:
    """Lines ``first..last`` (1-based, inclusive, clamped to the file) joined by newlines."""
    return "\n".join(source_lines(source)[max(first, 1) - 1 : max(last, 0)])


def buggy_text(hunk: Hunk, source: bytes) -> str:
    """The hunk's lines (``first_line..last_line``), as they are in ``source``."""
    return lines_text(source, hunk.first_line, hunk.last_line)


def function_span(hunk: Hunk, source: bytes,
                  language: LanguageSupport | None) -> tuple[int, int] | None:
    """Lines ``(first, last)`` of the innermost function holding the whole hunk, else None.

    The function is the one enclosing the hunk's first line (decorators excluded); when it ends
    before the hunk does, or ``language`` is None, there is no enclosing function.
    """
    if language is None:
        return None
    span = language.enclosing_function(source, hunk.first_line)
    if span is None or span.last_line < hunk.last_line:
        return None
    return span.first_line, span.last_line


def context_span(hunk: Hunk, source: bytes, language: LanguageSupport | None) -> tuple[int, int]:
    """Lines ``(first, last)`` of the hunk's context: its function, else ``WINDOW`` lines around."""
    span = function_span(hunk, source, language)
    if span is not None:
        return span
    count = len(source_lines(source))
    return max(1, hunk.first_line - WINDOW), min(count, hunk.last_line + WINDOW)


def function_text(hunk: Hunk, source: bytes, language: LanguageSupport | None) -> str:
    """The text of :func:`context_span`: the enclosing function, else the lines around the hunk."""
    first, last = context_span(hunk, source, language)
    return lines_text(source, first, last)
