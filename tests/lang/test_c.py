"""C support: statements, headers, functions, normalization, detection."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apr.lang import LanguageSupport, detect_language, get_language, language_for_path

SOURCE = textwrap.dedent("""\
    #include <string.h>

    /* a counter */
    static int count = 0;

    struct point {
        int x;
    };

    int area(int w,
             int h)
    {
        int a = w * h; // the area
        if (a > 100) {
            return 100;
        } else if (a < 0) {
            a = -a;
        } else {
            count++;
        }
        for (int i = 0; i < w; i++) {
            a += i;
        }
        while (a > 0) a /= 2;
        switch (a) {
        case 1:
            return 1;
        default:
            break;
        }
        do {
            a--;
        } while (a > 10);
        if (a) a++; else a--;
        const char *t = "a   b";
        return a + strlen(t) + 'x';
    }
    """).encode()


@pytest.fixture(scope="module")
def c() -> LanguageSupport:
    return get_language("c")


def text_at(c: LanguageSupport, line: int) -> str | None:
    span = c.statement_at(SOURCE, line)
    return None if span is None else SOURCE[span.start:span.end].decode()


@pytest.mark.parametrize(("line", "expected"), [
    (1, None),  # preprocessor
    (3, None),  # a comment
    (4, "static int count = 0;"),
    (6, "struct point"),
    (7, "int x;"),
    (10, "int area(int w,\n         int h)"),
    (13, "int a = w * h;"),
    (14, "if (a > 100)"),
    (15, "return 100;"),
    (16, "if (a < 0)"),  # `} else if` is the inner if's header
    (17, "a = -a;"),
    (18, None),  # `} else {`
    (19, "count++;"),
    (21, "for (int i = 0; i < w; i++)"),
    (24, "while (a > 0)"),  # the header of a braceless loop
    (25, "switch (a)"),
    (27, "return 1;"),
    (29, "break;"),
    (31, "do"),
    (33, None),  # `} while (...)`: the do statement's tail
    (34, "if (a)"),
    (35, 'const char *t = "a   b";'),
    (36, "return a + strlen(t) + 'x';"),
])
def test_statement_at(c: LanguageSupport, line: int, expected: str | None) -> None:
    assert text_at(c, line) == expected


def test_enclosing_function_is_the_definition(c: LanguageSupport) -> None:
    span = c.enclosing_function(SOURCE, 19)
    assert span is not None and (span.first_line, span.last_line) == (10, 37)
    assert c.enclosing_function(SOURCE, 4) is None


def test_normalize_drops_comments_and_keeps_strings(c: LanguageSupport) -> None:
    assert c.normalize('int a = 1 ; // x\n  char *s = "p  q";') == 'int a = 1 ; char * s = "p  q" ;'
    assert c.normalize("a  /* c */ +b") == c.normalize("a + b")
    assert c.normalize("c == ' '") == "c == ' '"


def test_parse_errors_are_seen(c: LanguageSupport) -> None:
    assert not c.has_errors(SOURCE)
    assert c.has_errors(b"int f(void) { int x = ; }")


def test_language_for_path() -> None:
    for path in ("src/list.c", "include/list.h", "X.C"):
        found = language_for_path(path)
        assert found is not None and found.name == "c"


def test_detect_language_picks_c_for_a_make_project(tmp_path: Path) -> None:
    for name in ("Makefile", "src/list.c", "src/list.h", "tests/test_list.c", "tools/gen.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert detect_language(tmp_path) == "c"
