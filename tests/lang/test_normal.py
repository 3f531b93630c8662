"""Normal forms: what two programs share when they differ only in layout."""

from __future__ import annotations

import pytest

from apr.bench.correctness import compare
from apr.lang import get_language
from apr.lang.normal import normalized_tree


@pytest.mark.parametrize("language,braced,bare", [
    ("c", b"int f(int *v) {\n    if (v == NULL) {\n        return 1;\n    }\n    return 0;\n}\n",
     b"int f(int *v) {\n    if (v == NULL)\n        return 1;\n    return 0;\n}\n"),
    ("java", b"class A { void f() { for (;;) { g(); } } }",
     b"class A { void f() { for (;;) g(); } }"),
    ("javascript", b"function f() { if (a) { b(); } else { c(); } }",
     b"function f() { if (a) b(); else c(); }"),
])
def test_braces_around_one_statement_do_not_count(language: str, braced: bytes,
                                                   bare: bytes) -> None:
    lang = get_language(language)
    assert normalized_tree(braced, lang) == normalized_tree(bare, lang)
    assert compare({"f": braced}, {"f": bare}, lang) == (False, True)  # tokens differ


@pytest.mark.parametrize("language,one,other", [
    ("c", b"int f() { if (a) { b(); c(); } }", b"int f() { if (a) b(); c(); }"),
    ("javascript", b"function f() { { let x = 1; } }", b"function f() { let x = 1; }"),
    ("python", b"if x:\n    a\nb\n", b"if x:\n    a\n    b\n"),
])
def test_different_programs_stay_different(language: str, one: bytes, other: bytes) -> None:
    lang = get_language(language)
    assert normalized_tree(one, lang) != normalized_tree(other, lang)
