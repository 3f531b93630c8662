"""Java support: statements, headers, functions, normalization, detection."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apr.lang import LanguageSupport, detect_language, get_language, language_for_path

SOURCE = textwrap.dedent("""\
    package demo;

    import java.util.List;

    /** Docs. */
    public class Shapes {
        private int count = 0;

        @Override
        public int area(int w,
                        int h) {
            int a = w * h; // the area
            if (a > 100) {
                return 100;
            } else if (a < 0) {
                throw new IllegalStateException("negative");
            } else {
                count++;
            }
            for (int i = 0; i < w; i++) {
                a += i;
            }
            for (String s : List.of("x")) a--;
            while (a > 0) a /= 2;
            switch (a) {
                case 1:
                    return 1;
                default:
                    break;
            }
            try {
                a = Integer.parseInt("7");
            } catch (NumberFormatException e) {
                a = -1;
            }
            /* a block
               comment */
            String t = "a   b";
            return a;
        }

        Shapes() {
            super();
        }
    }
    """).encode()


@pytest.fixture(scope="module")
def java() -> LanguageSupport:
    return get_language("java")


def text_at(java: LanguageSupport, line: int) -> str | None:
    span = java.statement_at(SOURCE, line)
    return None if span is None else SOURCE[span.start:span.end].decode()


@pytest.mark.parametrize(("line", "expected"), [
    (7, "private int count = 0;"),
    (9, "@Override\n    public int area(int w,\n                    int h)"),
    (12, "int a = w * h;"),
    (13, "if (a > 100)"),
    (14, "return 100;"),
    (15, "if (a < 0)"),  # `} else if` is the inner if's header, not the block's end
    (16, 'throw new IllegalStateException("negative");'),
    (17, None),  # `} else {`
    (18, "count++;"),
    (20, "for (int i = 0; i < w; i++)"),
    (23, 'for (String s : List.of("x"))'),  # the header of a braceless loop
    (24, "while (a > 0)"),
    (26, "case 1"),
    (27, "return 1;"),
    (29, "break;"),
    (32, "a = Integer.parseInt(\"7\");"),
    (33, "catch (NumberFormatException e)"),
    (36, None),  # a comment
    (38, 'String t = "a   b";'),
    (42, "Shapes()"),
    (43, "super();"),
    (2, None),
])
def test_statement_at(java: LanguageSupport, line: int, expected: str | None) -> None:
    assert text_at(java, line) == expected


def test_enclosing_function_is_the_method_or_constructor(java: LanguageSupport) -> None:
    span = java.enclosing_function(SOURCE, 18)
    assert span is not None and SOURCE[span.start:span.end].decode().startswith("@Override")
    assert span.last_line == 40
    ctor = java.enclosing_function(SOURCE, 43)
    assert ctor is not None and ctor.first_line == 42
    assert java.enclosing_function(SOURCE, 7) is None


def test_normalize_drops_comments_and_keeps_strings(java: LanguageSupport) -> None:
    assert java.normalize('int a = 1 ; // x\n  String s = "p  q";') == \
        'int a = 1 ; String s = "p  q" ;'
    assert java.normalize("a  /* c */ +b") == java.normalize("a + b")


def test_parse_errors_are_seen(java: LanguageSupport) -> None:
    assert not java.has_errors(SOURCE)
    assert java.has_errors(b"class A { void f() { int x = ; } }")


def test_language_for_path_and_registry() -> None:
    found = language_for_path("src/main/java/A.java")
    assert found is not None and found.name == "java"


def test_detect_language_counts_non_test_sources(tmp_path: Path) -> None:
    for name in ("src/main/java/A.java", "src/main/java/B.java", "tools/gen.py",
                 "test/t1.py", "test/t2.py", "test/t3.py", "build/x.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert detect_language(tmp_path) == "java"
    assert detect_language(tmp_path / "tools") == "python"
    assert detect_language(tmp_path / "nothing", default="python") == "python"
