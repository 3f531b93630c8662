from __future__ import annotations

import textwrap

import pytest

from apr.errors import UsageError
from apr.lang import LANGUAGES, LanguageSupport, Span, get_language, language_for_path

SOURCE = textwrap.dedent('''\
    import os

    LIMIT = 3  # the limit


    def outer(items, key=None):
        """Docstring."""
        total = compute(
            items,
            key,
        )
        if total > 1:
            return total
        elif (key is not None and
              total < LIMIT):  # a comment
            pass
        else:
            total += 1
        # a comment line
        for item in items:
            while True: break

        def inner(x):
            return x + 1
        try:
            del total
        except ValueError as error:
            raise
        with open(key) as handle:
            assert handle, "closed"
        return inner(total)


    @decorator
    class Box:
        size = 2
    ''').encode()


@pytest.fixture
def python() -> LanguageSupport:
    return get_language("python")


def text_of(span: Span | None) -> str | None:
    return None if span is None else SOURCE[span.start : span.end].decode()


def line_of(fragment: str) -> int:
    lines = SOURCE.decode().splitlines()
    return next(i for i, line in enumerate(lines, 1) if fragment in line)


@pytest.mark.parametrize("fragment", [
    "import os", "LIMIT = 3", '"""Docstring."""', "return total", "pass", "total += 1",
    "del total", "raise", 'assert handle, "closed"', "return inner(total)", "size = 2",
    "@decorator",
])
def test_statement_at_returns_simple_statements_whole(
    python: LanguageSupport, fragment: str
) -> None:
    span = python.statement_at(SOURCE, line_of(fragment))
    assert text_of(span) == fragment.strip()
    assert span is not None and span.first_line == span.last_line == line_of(fragment)


def test_statement_at_covers_every_line_of_a_multiline_statement(python: LanguageSupport) -> None:
    first = line_of("total = compute(")
    spans = {python.statement_at(SOURCE, line) for line in range(first, first + 4)}
    assert len(spans) == 1
    span = spans.pop()
    assert text_of(span) == "total = compute(\n        items,\n        key,\n    )"
    assert span is not None and (span.first_line, span.last_line) == (first, first + 3)


@pytest.mark.parametrize(("fragment", "header"), [
    ("if total > 1:", "if total > 1:"),
    ("else:", "else:"),
    ("for item in items:", "for item in items:"),
    ("while True: break", "while True:"),
    ("def inner(x):", "def inner(x):"),
    ("try:", "try:"),
    ("except ValueError", "except ValueError as error:"),
    ("with open(key)", "with open(key) as handle:"),
    ("def outer(", "def outer(items, key=None):"),
    ("class Box:", "class Box:"),
])
def test_statement_at_returns_only_the_header_of_compound_statements(
    python: LanguageSupport, fragment: str, header: str
) -> None:
    assert text_of(python.statement_at(SOURCE, line_of(fragment))) == header


def test_statement_at_returns_a_multiline_header_from_either_line(python: LanguageSupport) -> None:
    first = line_of("elif (key")
    expected = "elif (key is not None and\n          total < LIMIT):"
    assert text_of(python.statement_at(SOURCE, first)) == expected
    span = python.statement_at(SOURCE, first + 1)
    assert text_of(span) == expected
    assert span is not None and (span.first_line, span.last_line) == (first, first + 1)


@pytest.mark.parametrize("line", [2, 4, line_of("# a comment line"), 10_000, 0])
def test_statement_at_is_none_for_blank_comment_and_missing_lines(
    python: LanguageSupport, line: int
) -> None:
    assert python.statement_at(SOURCE, line) is None


def test_enclosing_function_picks_the_innermost_definition(python: LanguageSupport) -> None:
    inner = python.enclosing_function(SOURCE, line_of("return x + 1"))
    assert text_of(inner) == "def inner(x):\n        return x + 1"
    outer = python.enclosing_function(SOURCE, line_of("total += 1"))
    assert (text_of(outer) or "").startswith("def outer(")
    assert outer is not None and outer.last_line == line_of("return inner(total)")
    assert python.enclosing_function(SOURCE, line_of("def outer(")) == outer


def test_enclosing_function_is_none_outside_functions(python: LanguageSupport) -> None:
    assert python.enclosing_function(SOURCE, line_of("LIMIT = 3")) is None
    assert python.enclosing_function(SOURCE, line_of("size = 2")) is None


def test_normalize_ignores_layout_and_comments_but_not_strings(python: LanguageSupport) -> None:
    assert python.normalize("x  =  f( a,b )  # note") == "x = f ( a , b )"
    assert python.normalize("x = f(a, b)") == python.normalize("x=f(a,\n      b)")
    assert python.normalize("s = 'a  b'") != python.normalize("s = 'a b'")
    assert python.normalize("if x > 1:") == "if x > 1 :"


def test_has_errors(python: LanguageSupport) -> None:
    assert not python.has_errors(SOURCE)
    assert python.has_errors(b"def f(:\n    pass\n")
    assert python.has_errors(b"x = (1, 2\n")


def test_parse_reuses_the_tree_of_equal_content(python: LanguageSupport) -> None:
    assert python.parse(SOURCE) is python.parse(bytes(SOURCE))


@pytest.mark.parametrize(("start", "end", "text"), [
    (0, 0, "x = (\n"), (0, 9, "import os, sys"), (40, 41, ""), (60, 60, "    y = 1\n"),
])
def test_reparse_agrees_with_a_fresh_parse(
    python: LanguageSupport, start: int, end: int, text: str
) -> None:
    patched = SOURCE[:start] + text.encode() + SOURCE[end:]
    incremental = python.reparse(SOURCE, start, end, patched)
    fresh = LANGUAGES["python"]().parse(patched)
    assert str(incremental.root_node) == str(fresh.root_node)


def test_get_language_returns_one_shared_instance() -> None:
    assert get_language("python") is get_language("python")
    assert get_language("python").name == "python"


def test_get_language_rejects_unknown_names_listing_known_ones() -> None:
    with pytest.raises(UsageError, match="python"):
        get_language("cobol")


def test_language_for_path_uses_the_extension() -> None:
    assert language_for_path("pkg/mod.py") is get_language("python")
    assert language_for_path("pkg/MOD.PY") is get_language("python")
    assert language_for_path("README.md") is None
    assert language_for_path("Makefile") is None
