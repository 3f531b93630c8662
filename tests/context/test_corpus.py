from __future__ import annotations

from pathlib import Path

import pytest

from apr.context.corpus import (
    CorpusLine,
    build_corpus,
    file_lines,
    is_punctuation_only,
    normalize_whitespace,
    query_text,
    read_project_files,
    strip_comments,
)
from apr.lang import get_language
from tests.context.samples import hunk

PY = get_language("python")

SOURCE = b'''def total(items):
    # a comment-only line
    total = 0  # a trailing comment
    for item in items:
        total  +=   item
        total += item
    values = [
        1,
    ]
    return total
    return total
'''
"""Line 6 is the buggy line; line 5 equals it once normalized."""


def texts(lines: tuple[CorpusLine, ...]) -> list[tuple[int, str]]:
    return [(line.line, line.text) for line in lines]


@pytest.mark.parametrize("text", ["", "   ", "}", ");", "]:", "'''"])
def test_punctuation_only(text: str) -> None:
    assert is_punctuation_only(text)


@pytest.mark.parametrize("text", ["x", "1,", "return", "} else {"])
def test_not_punctuation_only(text: str) -> None:
    assert not is_punctuation_only(text)


def test_normalize_whitespace() -> None:
    assert normalize_whitespace("\t total  +=   item \r") == "total += item"


def test_strip_comments_keeps_lines_and_strings() -> None:
    source = b'x = "# not a comment"  # comment\n# whole line\ny = 2\n'
    stripped = strip_comments(source, PY)
    assert stripped.count(b"\n") == source.count(b"\n")
    assert stripped.splitlines()[0].rstrip() == b'x = "# not a comment"'
    assert stripped.splitlines()[1].strip() == b""


def test_file_lines_drop_empty_punctuation_and_comment_lines() -> None:
    lines = file_lines("m.py", SOURCE, PY)
    assert texts(lines) == [
        (1, "def total(items):"), (3, "total = 0"), (4, "for item in items:"),
        (5, "total += item"), (6, "total += item"), (7, "values = ["), (8, "1,"),
        (10, "return total"), (11, "return total"),
    ]
    assert {line.file for line in lines} == {"m.py"}


def test_corpus_drops_buggy_equal_and_duplicate_lines() -> None:
    corpus = build_corpus(hunk(6, source=SOURCE, file="m.py"), SOURCE, PY)
    assert texts(corpus) == [
        (1, "def total(items):"), (3, "total = 0"), (4, "for item in items:"),
        (7, "values = ["), (8, "1,"), (10, "return total"),
    ]


def test_corpus_excludes_a_given_range() -> None:
    corpus = build_corpus(hunk(6, source=SOURCE, file="m.py"), SOURCE, PY, exclude=(1, 8))
    assert texts(corpus) == [(10, "return total")]


def test_query_joins_the_normalized_hunk_lines() -> None:
    lines = file_lines("m.py", SOURCE, PY)
    assert query_text(lines, hunk(3, 5, source=SOURCE, file="m.py")) == (
        "total = 0 for item in items: total += item")


def test_corpus_from_other_files_after_the_hunk_file() -> None:
    others = {"b.py": b"return total\nitems.sort()\n", "a.py": b"import os\n",
              "m.py": b"stale = True\n"}
    corpus = build_corpus(hunk(6, source=SOURCE, file="m.py"), SOURCE, PY, exclude=(1, 9),
                          others=others)
    assert [(c.file, c.line, c.text) for c in corpus] == [
        ("m.py", 10, "return total"), ("a.py", 1, "import os"), ("b.py", 2, "items.sort()"),
    ]


def test_without_a_grammar_comment_looking_lines_are_dropped() -> None:
    source = b"// note\n#include <stdio.h>\n/* block */\n * more\nint x = 1; // why\n"
    lines = file_lines("m.c", source, None)
    assert texts(lines) == [(2, "#include <stdio.h>"), (5, "int x = 1; // why")]


def test_read_project_files_skips_hidden_and_other_languages(tmp_path: Path) -> None:
    for name in ["pkg/a.py", "pkg/b.PY", ".venv/lib/x.py", "node_modules/y.py", "README.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    assert sorted(read_project_files(tmp_path, {".py"})) == ["pkg/a.py", "pkg/b.PY"]
