"""MultiMend's retrieval corpus: the lines of a file (or project) a hunk's query is matched to.

A corpus line is one source line with its comments removed and its whitespace normalized (runs
of whitespace become one space, ends stripped). A line is left out when nothing is left of it,
when it holds punctuation only, when it lies in the excluded range of the hunk's own file (the
buggy lines, or MultiMend's choice: the whole enclosing function, already given as context),
when it equals the query or one of the buggy lines, or when an earlier corpus line has the same
text (the hunk's own file first, then the other files by path).
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from apr.context.function import source_lines
from apr.lang.base import LanguageSupport
from apr.model import Hunk

_PUNCTUATION = string.punctuation + string.whitespace
_NOT_NEWLINE = re.compile(rb"[^\r\n]")
# Without a grammar: lines that start like a comment in common languages (not `#include`).
_COMMENT_START = re.compile(r"^(//|/\*|\*/|\*(\s|$)|#(\s|!|$))")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


@dataclass(frozen=True, slots=True)
class CorpusLine:
    """One retrievable line: normalized ``text`` found at 1-based ``line`` of ``file``."""

    file: str
    line: int
    text: str


def normalize_whitespace(text: str) -> str:
    """``text`` with runs of whitespace turned into one space and both ends stripped."""
    return " ".join(text.split())


def is_punctuation_only(text: str) -> bool:
    """Whether ``text`` holds nothing but punctuation and whitespace (empty text included)."""
    return not text.strip(_PUNCTUATION)


def strip_comments(source: bytes, language: LanguageSupport) -> bytes:
    """``source`` with every comment's bytes blanked to spaces, newlines kept (so lines stay)."""
    blanked = bytearray(source)
    for start, end in comment_ranges(source, language):
        blanked[start:end] = _NOT_NEWLINE.sub(b" ", source[start:end])
    return bytes(blanked)


def comment_ranges(source: bytes, language: LanguageSupport) -> Iterator[tuple[int, int]]:
    """Byte ranges ``[start, end)`` of the comment nodes in ``source``'s syntax tree."""
    comments = language.grammar.comment_types
    cursor = language.parse(source).walk()
    while True:
        node = cursor.node
        if node is not None and node.type in comments:
            yield node.start_byte, node.end_byte
        elif cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def file_lines(file: str, source: bytes,
               language: LanguageSupport | None) -> tuple[CorpusLine, ...]:
    """Every line of ``file`` that can be retrieved, in order, duplicates kept.

    With a ``language``, comments are removed through its syntax tree; without one, lines that
    start like a comment (``//``, ``/*``, ``*``, ``# ``) are dropped. Empty and punctuation-only
    lines are dropped; the rest are whitespace-normalized.
    """
    code = source if language is None else strip_comments(source, language)
    kept = []
    for number, raw in enumerate(source_lines(code), start=1):
        text = normalize_whitespace(raw)
        if is_punctuation_only(text) or (language is None and _COMMENT_START.match(text)):
            continue
        kept.append(CorpusLine(file, number, text))
    return tuple(kept)


def query_text(lines: Iterable[CorpusLine], hunk: Hunk) -> str:
    """MultiMend's query: the hunk's normalized lines (from ``lines`` of its file), space-joined."""
    return " ".join(line.text for line in hunk_lines(lines, hunk))


def hunk_lines(lines: Iterable[CorpusLine], hunk: Hunk) -> list[CorpusLine]:
    """The lines of ``lines`` that belong to ``hunk`` (same file, within its line range)."""
    return [line for line in lines
            if line.file == hunk.file and hunk.first_line <= line.line <= hunk.last_line]


def select(lines: Sequence[CorpusLine], hunk: Hunk, exclude: tuple[int, int],
           banned: Collection[str]) -> list[int]:
    """Positions in ``lines`` of the corpus for ``hunk``: see the module docstring.

    Args:
        lines: candidate lines, the hunk's file first.
        hunk: the hunk whose file's ``exclude`` range (1-based, inclusive) is left out.
        exclude: the hunk file's lines never retrieved.
        banned: texts never retrieved (the query, the buggy lines).
    """
    seen = set(banned)
    keep = []
    for position, line in enumerate(lines):
        inside = line.file == hunk.file and exclude[0] <= line.line <= exclude[1]
        if inside or line.text in seen:
            continue
        seen.add(line.text)
        keep.append(position)
    return keep


def banned_texts(lines: Iterable[CorpusLine], hunk: Hunk) -> set[str]:
    """Texts equal to the buggy code: the query and each normalized buggy line."""
    buggy = hunk_lines(lines, hunk)
    return {" ".join(line.text for line in buggy), *(line.text for line in buggy)}


def build_corpus(hunk: Hunk, source: bytes, language: LanguageSupport | None = None, *,
                 exclude: tuple[int, int] | None = None,
                 others: Mapping[str, bytes] | None = None) -> tuple[CorpusLine, ...]:
    """The corpus for ``hunk`` in ``source`` (the content of ``hunk.file``).

    Args:
        hunk: the hunk to repair.
        source: the buggy file's content.
        language: the file's language (comments found by its grammar), or None.
        exclude: lines of the hunk's file never retrieved; the hunk's own lines by default.
        others: more files (path -> content) to draw lines from, e.g. the project's files of
            the same language; parsed with ``language`` too.
    """
    lines = list(file_lines(hunk.file, source, language))
    for path in sorted(others or {}):
        if path != hunk.file:
            lines.extend(file_lines(path, (others or {})[path], language))
    span = exclude or (hunk.first_line, hunk.last_line)
    return tuple(lines[i] for i in select(lines, hunk, span, banned_texts(lines, hunk)))


def read_project_files(root: Path, extensions: Collection[str],
                       max_bytes: int = 1_000_000) -> dict[str, bytes]:
    """The files under ``root`` whose suffix is in ``extensions``: POSIX relative path -> bytes.

    Hidden directories (``.git``, ``.venv``, ...), ``node_modules``, ``__pycache__`` and the like
    are skipped, and so are files over ``max_bytes`` (generated or vendored code).
    """
    wanted = {e.lower() for e in extensions}
    found = {}
    for path in _walk(root):
        if path.suffix.lower() in wanted and path.stat().st_size <= max_bytes:
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def _walk(directory: Path) -> Iterator[Path]:
    for entry in sorted(directory.iterdir()):
        if entry.is_symlink():
            continue
        if entry.is_dir():
            if not entry.name.startswith(".") and entry.name not in _SKIPPED_DIRS:
                yield from _walk(entry)
        elif entry.is_file():
            yield entry
