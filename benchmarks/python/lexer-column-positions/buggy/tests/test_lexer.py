import pytest

from minilex.lexer import LexError, format_error, tokenize


def kinds(source):
    return [(t.kind, t.text) for t in tokenize(source)]


def positions(source):
    return [(t.text, t.line, t.column) for t in tokenize(source) if t.kind not in ("NEWLINE", "EOF")]


def test_token_kinds():
    assert kinds("let x = 3.5 * (y + 2)") == [
        ("KEYWORD", "let"), ("NAME", "x"), ("OP", "="), ("NUMBER", "3.5"), ("OP", "*"),
        ("OP", "("), ("NAME", "y"), ("OP", "+"), ("NUMBER", "2"), ("OP", ")"), ("EOF", ""),
    ]


def test_literal_values():
    tokens = list(tokenize(r'print 42, 0.25, "a\"b\n"'))
    assert [t.value for t in tokens if t.kind in ("NUMBER", "STRING")] == [42, 0.25, 'a"b\n']


def test_comments_and_blank_lines_are_skipped():
    source = "# setup\n\nlet a = 1  # one\n"
    assert [t.kind for t in tokenize(source)] == [
        "NEWLINE", "NEWLINE", "KEYWORD", "NAME", "OP", "NUMBER", "NEWLINE", "EOF"]


def test_columns_are_one_based():
    assert positions("let total = a >= 10") == [
        ("let", 1, 1), ("total", 1, 5), ("=", 1, 11), ("a", 1, 13), (">=", 1, 15), ("10", 1, 18)]


def test_positions_on_later_lines():
    source = "let a = 1\nif a {\n    print a\n}"
    assert positions(source)[4:] == [
        ("if", 2, 1), ("a", 2, 4), ("{", 2, 6), ("print", 3, 5), ("a", 3, 11), ("}", 4, 1)]


def test_newline_token_position():
    newline = next(t for t in tokenize("x = 1\ny = 2") if t.kind == "NEWLINE")
    assert (newline.line, newline.column) == (1, 6)


def test_unexpected_character_on_first_line():
    with pytest.raises(LexError) as info:
        list(tokenize("x = 1 $ 2"))
    assert (info.value.line, info.value.column) == (1, 7)


def test_error_position_on_later_line():
    with pytest.raises(LexError) as info:
        list(tokenize("x = 1\ny = 'oops\n"))
    assert "unterminated string" in str(info.value)
    assert (info.value.line, info.value.column) == (2, 5)


def test_format_error_points_at_character():
    source = "let a = 1\nlet b = a @ 2\n"
    with pytest.raises(LexError) as info:
        list(tokenize(source))
    caret_line = format_error(source, info.value).splitlines()[-1]
    assert caret_line == "    " + " " * 10 + "^"


def test_eof_token_position():
    eof = list(tokenize("a + b\n"))[-1]
    assert (eof.kind, eof.line, eof.column) == ("EOF", 2, 1)
