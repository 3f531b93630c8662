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


@pytest.mark.parametrize("language,written,mirrored", [
    ("python", b"if perm[j] > perm[i]:\n    x = 1\n", b"if perm[i] < perm[j]:\n    x = 1\n"),
    ("python", b"ok = a.size >= limit\n", b"ok = limit <= a.size\n"),
    ("java", b"class A { boolean f(int a, int b) { return a > b; } }",
     b"class A { boolean f(int a, int b) { return b < a; } }"),
    ("c", b"int f(int n) { return n >= 10; }", b"int f(int n) { return 10 <= n; }"),
    ("java", b"class A { boolean f(Node h) { return h == null || h.next() == null; } }",
     b"class A { boolean f(Node h) { return null==h || h.next() == null; } }"),
    ("python", b"if hare is None or x != y:\n    pass\n",
     b"if None is hare or y != x:\n    pass\n"),
    ("python", b"ok = a is not b\n", b"ok = b is not a\n"),
    ("javascript", b"const same = a.b === 0;", b"const same = 0 === a.b;"),
    ("c", b"int f(int *p) { return p != NULL; }", b"int f(int *p) { return NULL != p; }"),
])
def test_a_mirrored_comparison_is_the_same_program(language: str, written: bytes,
                                                   mirrored: bytes) -> None:
    lang = get_language(language)
    assert normalized_tree(written, lang) == normalized_tree(mirrored, lang)
    assert compare({"f": written}, {"f": mirrored}, lang) == (False, True)


@pytest.mark.parametrize("language,one,other", [
    ("python", b"ok = a > b\n", b"ok = a < b\n"),  # not mirrored: the other test
    ("python", b"ok = f() > g()\n", b"ok = g() < f()\n"),  # calls: evaluation order differs
    ("python", b"ok = a > b > c\n", b"ok = c < b < a\n"),  # chains stay as written
    ("java", b"class A { boolean f() { return next() > x; } }",
     b"class A { boolean f() { return x < next(); } }"),
    ("javascript", b"const ok = (i++) > n;", b"const ok = n < (i++);"),
    ("javascript", b"async function f() { return (await a) > b; }",
     b"async function f() { return b < (await a); }"),
    ("java", b"class A { int f(int a, int b) { return a - b; } }",
     b"class A { int f(int a, int b) { return b - a; } }"),
    ("java", b"class A { boolean f() { return next() == x; } }",
     b"class A { boolean f() { return x == next(); } }"),
    ("python", b"ok = a == b\n", b"ok = a != b\n"),
    ("python", b"ok = a == b == c\n", b"ok = c == b == a\n"),
])
def test_comparisons_that_are_not_mirrors_stay_apart(language: str, one: bytes,
                                                      other: bytes) -> None:
    lang = get_language(language)
    assert normalized_tree(one, lang) != normalized_tree(other, lang)


def test_a_java_method_called_on_this_is_the_bare_call() -> None:
    java = get_language("java")

    def tree(body: bytes) -> str:
        return normalized_tree(b"class A { void f() { " + body + b" } }", java)

    assert tree(b"this.finish(); super.close();") == tree(b"finish(); super.close();")
    assert tree(b"this.finish();") != tree(b"other.finish();")
    assert tree(b"this.done = true;") != tree(b"done = true;")  # a local may shadow a field
    js = get_language("javascript")
    assert normalized_tree(b"this.finish();", js) != normalized_tree(b"finish();", js)


@pytest.mark.parametrize("language,one,other,different", [
    ("java", b"class A { long m = x & 0xFFL; }", b"class A { long m = x & 0xffl; }",
     b"class A { long m = x & 0xff; }"),
    ("java", b"class A { int n = 1_000; }", b"class A { int n = 1000; }",
     b"class A { int n = 100; }"),
    ("python", b"n = 0XFF\n", b"n = 0xff\n", b"n = 0xfe\n"),
    ("c", b"int n = 0xFFu;", b"int n = 0xffU;", b"int n = 0xff;"),
    ("javascript", b"const n = 1E3;", b"const n = 1e3;", b"const n = 1e4;"),
])
def test_number_literals_are_compared_by_value_not_case(language: str, one: bytes,
                                                        other: bytes, different: bytes) -> None:
    lang = get_language(language)
    assert normalized_tree(one, lang) == normalized_tree(other, lang)
    assert normalized_tree(one, lang) != normalized_tree(different, lang)
