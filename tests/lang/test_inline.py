"""The judge's inlining of a Java local that only names a value (:mod:`apr.lang.inline`)."""

from __future__ import annotations

import pytest

from apr.bench.correctness import compare
from apr.lang import get_language
from apr.lang.inline import inline_locals
from apr.lang.normal import normalized_tree

JAVA = get_language("java")


def method(body: str, params: str = "final byte[] buffer, int i, long[] sums") -> bytes:
    return f"class T {{ int f({params}) {{ StringBuilder out = new StringBuilder(); " \
           f"{body} return 0; }} }}".encode()


def same(one: str, other: str) -> bool:
    return normalized_tree(inline_locals(method(one), JAVA), JAVA) == \
        normalized_tree(inline_locals(method(other), JAVA), JAVA)


def test_a_local_naming_an_element_is_the_element() -> None:
    # Defects4J Compress-7's fix, against the same fix written without the local
    named = "byte b = buffer[i]; if (b == 0) { return 1; } out.append((char) (b & 0xFF));"
    inline = "if (buffer[i] == 0) { return 1; } out.append((char) (buffer[i] & 0xff));"
    assert same(named, inline)
    assert compare({"T.java": method(inline)}, {"T.java": method(named)}, JAVA) == (False, True)
    assert not same(named, "if (buffer[i] == 0) { return 1; } out.append((char) buffer[i]);")


@pytest.mark.parametrize("named,inline", [
    # a wider type: long arithmetic where the element's is int
    ("long n = i; out.append(n * i);", "out.append(i * i);"),
    # a call between the declaration and a use could write the array
    ("byte b = buffer[i]; out.append(b); out.append(b);",
     "out.append(buffer[i]); out.append(buffer[i]);"),
    # the first use is in a branch: an index out of bounds would no longer throw
    ("byte b = buffer[i]; if (i > 2) { out.append(b); }",
     "if (i > 2) { out.append(buffer[i]); }"),
    ("byte b = buffer[i]; if (i > 2 && b > 0) { return 1; }",
     "if (i > 2 && buffer[i] > 0) { return 1; }"),
    # the use is in a loop that writes the array after it
    ("long s = sums[i]; while (i < 3) { out.append(s); sums[i] = 0; }",
     "while (i < 3) { out.append(sums[i]); sums[i] = 0; }"),
    # the local is assigned again
    ("byte b = buffer[i]; b = 0; out.append(b);", "out.append(0);"),
    # the value is a call
    ("int n = out.length(); out.append(n);", "out.append(out.length());"),
    # the value's type is not known (a field, not a parameter or local)
    ("int n = count; if (n > 0) { return n; }", "if (count > 0) { return count; }"),
])
def test_a_local_that_is_not_only_a_name_stays(named: str, inline: str) -> None:
    assert not same(named, inline)
    assert inline_locals(method(named), JAVA) == method(named)


def test_reads_in_the_last_statement_before_its_call_are_in_place() -> None:
    assert same("byte b = buffer[i]; out.append(b + b);", "out.append(buffer[i] + buffer[i]);")
    # a use that initializes another local is a read, not a declaration of b
    assert same("byte b = buffer[i]; int w = b & 0xff; return w;",
                "int w = buffer[i] & 0xff; return w;")
    # the first append runs before the second b is read
    assert not same("byte b = buffer[i]; out.append(b).append(b);",
                    "out.append(buffer[i]).append(buffer[i]);")


def test_other_languages_are_left_as_they_are() -> None:
    js = get_language("javascript")
    source = b"function f(a, i) { const b = a[i]; return b; }"
    assert inline_locals(source, js) == source
