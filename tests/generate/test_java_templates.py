"""Java template families: each family on a small method, and the generator end to end."""

from __future__ import annotations

import textwrap

import pytest

from apr.generate import TemplateGenerator, apply_edits, rank
from apr.generate.base import Context
from apr.generate.brace_site import JavaSite
from apr.generate.brace_templates import PRIORS as JAVA_PRIORS
from apr.generate.brace_templates import families_of
from apr.generate.site import Rewrite
from apr.generate.syntax import JAVA
from apr.lang import get_language
from apr.model import Edit, Hunk

JAVA_FAMILIES = families_of(JAVA)

SOURCE = textwrap.dedent("""\
    package demo;

    import java.util.List;

    public class Orders {
        private int limit = 10;
        private int floor = 0;
        private String label = "orders";

        public int total(List<Integer> prices, int[] weights, String name) {
            int sum = 0;
            int count = 0;
            for (int i = 0; i < weights.length; i++) {
                sum += weights[i] * 2;
                count++;
            }
            if (sum > limit && count != 0) {
                return limit;
            }
            long big = (long) sum;
            Object o = prices;
            List<Integer> copy = (List<Integer>) o;
            int first = prices.get(0);
            String upper = name.toUpperCase();
            int m = Math.max(sum, first);
            log(name, sum);
            boolean empty = prices.isEmpty();
            return sum - 1;
        }

        private void log(String what, int value) {
            System.out.println(what + value);
        }

        private void log(String what) {
            System.out.println(what);
        }

        public boolean small(int x) {
            return x < floor;
        }
    }
    """)
FILE = "src/Orders.java"


def line_of(text: str) -> int:
    for number, line in enumerate(SOURCE.splitlines(), 1):
        if line.strip() == text:
            return number
    raise AssertionError(text)


def site(statement: str) -> JavaSite:
    java = get_language("java")
    source = SOURCE.encode()
    span = java.statement_at(source, line_of(statement))
    assert span is not None
    return JavaSite(source, java, span.start, span.end)


def rewritten(family: str, statement: str) -> list[str]:
    """The statement's line(s) after each rewrite of ``family``."""
    where = site(statement)
    out = []
    for rewrite in JAVA_FAMILIES[family](where):
        text = SOURCE[:rewrite.start] + rewrite.text + SOURCE[rewrite.end:]
        delta = len(rewrite.text) - (rewrite.end - rewrite.start)
        first = where.line_start(min(rewrite.start, where.start))
        last = max(rewrite.start + len(rewrite.text),
                   where.end + delta if where.end >= rewrite.end else where.end)
        end = text.find("\n", last)
        out.append(" ".join(text[first:end].split()))
    return out


def test_priors_cover_the_families() -> None:
    assert set(JAVA_PRIORS) == set(JAVA_FAMILIES)


def test_operators() -> None:
    found = rewritten("mutate_operator", "if (sum > limit && count != 0) {")
    assert "if (sum >= limit && count != 0) {" in found
    assert "if (sum > limit || count != 0) {" in found
    assert "if (sum > limit && count == 0) {" in found
    assert "count--;" in rewritten("mutate_operator", "count++;")
    assert "sum -= weights[i] * 2;" in rewritten("mutate_operator", "sum += weights[i] * 2;")


def test_string_concatenation_is_not_turned_into_arithmetic() -> None:
    assert rewritten("mutate_operator", "System.out.println(what + value);") == []


def test_literals_and_dropped_terms() -> None:
    found = rewritten("mutate_literal", "return sum - 1;")
    assert "return sum - 2;" in found
    assert "return sum;" in found  # `- 1` dropped, not `- 0`
    assert "return sum - 0;" not in found
    assert "int sum = 1;" in rewritten("mutate_literal", "int sum = 0;")


def test_a_term_of_one_on_the_left_is_dropped_too() -> None:
    java = get_language("java")
    for op, expected, absent in (("+", b"return f(n - 1);", b"return 0 + f(n - 1);"),
                                 ("-", b"return 0 - f(n - 1);", b"return f(n - 1);")):
        source = f"class T {{ int f(int n) {{ return 1 {op} f(n - 1); }} }}".encode()
        start = source.index(b"return")
        found = [source[:r.start] + r.text.encode() + source[r.end:] for r in
                 JAVA_FAMILIES["mutate_literal"](JavaSite(source, java, start,
                                                          source.index(b" }")))]
        statements = {f[f.index(b"return"):f.index(b";") + 1] for f in found}
        assert expected in statements and absent not in statements


def test_an_integer_division_of_literals_becomes_floating() -> None:
    java = get_language("java")
    source = b"class T { double f(double c) { return 9 / 5 * c + 32; } }"
    start = source.index(b"return")
    found = [source[:r.start] + r.text.encode() + source[r.end:] for r in
             JAVA_FAMILIES["mutate_literal"](JavaSite(source, java, start, source.index(b" }")))]
    assert source.replace(b"9 / 5", b"9.0 / 5") in found
    assert source.replace(b"c + 32", b"c + 32.0") not in found  # not a division


def test_conditions() -> None:
    found = rewritten("mutate_condition", "if (sum > limit && count != 0) {")
    assert "if (!(sum > limit && count != 0)) {" in found
    assert "if (sum > limit) {" in found and "if (count != 0) {" in found
    assert "if (sum > limit && count != 0 && i < weights.length) {" in found
    assert "return x >= floor;" in rewritten("mutate_condition", "return x < floor;")


def test_null_checks() -> None:
    found = rewritten("insert_null_check", "String upper = name.toUpperCase();")
    assert found[0].startswith("if (name == null) { return limit; }")
    assert any("return 0;" in f for f in found)
    wrapped = rewritten("insert_null_check", "log(name, sum);")
    assert "if (name != null) { log(name, sum); }" in wrapped


def test_null_clause_in_condition() -> None:
    found = rewritten("mutate_condition", "boolean empty = prices.isEmpty();")
    assert "boolean empty = prices != null && prices.isEmpty();" in found


def test_ranges() -> None:
    found = rewritten("mutate_range", "int first = prices.get(0);")
    assert found == []  # a literal index is mutate_literal's
    shifted = rewritten("mutate_range", "sum += weights[i] * 2;")
    assert "sum += weights[i + 1] * 2;" in shifted and "sum += weights[i - 1] * 2;" in shifted
    checks = rewritten("insert_range_check", "sum += weights[i] * 2;")
    assert "if (i < weights.length) { sum += weights[i] * 2; }" in checks


def test_variables_keep_their_type_and_scope() -> None:
    found = rewritten("mutate_variable", "int m = Math.max(sum, first);")
    assert "int m = Math.max(count, first);" in found
    assert not any("upper" in f or "name" in f for f in found)  # a String is not an int
    assert not any("(m," in f for f in found)  # not in its own initializer


def test_method_names_and_unwrapping() -> None:
    found = rewritten("mutate_call", "int m = Math.max(sum, first);")
    assert found[0] == "int m = Math.min(sum, first);"
    assert "String upper = name.toLowerCase();" in rewritten("mutate_call",
                                                            "String upper = name.toUpperCase();")


def test_arguments() -> None:
    found = rewritten("mutate_arguments", "log(name, sum);")
    assert "log(name);" in found  # log/1 exists
    assert not any(f.startswith("log(sum, name)") for f in found)  # String and int differ


def test_returns() -> None:
    found = rewritten("mutate_return", "return sum - 1;")
    assert "return limit;" in found and "return count;" in found and "return 0;" in found


def test_data_types_and_casts() -> None:
    found = rewritten("mutate_data_type", "long big = (long) sum;")
    assert "int big = (long) sum;" in found and "long big = (int) sum;" in found
    cast = rewritten("insert_cast_check", "List<Integer> copy = (List<Integer>) o;")
    assert cast and cast[0].startswith("if (!(o instanceof List)) {")


def test_delete_and_move() -> None:
    assert rewritten("delete_statement", "log(name, sum);") != []
    assert rewritten("delete_statement", "int sum = 0;") == []  # declarations stay
    moved = rewritten("move_statement", "count++;")
    assert moved and "count++;" in moved[0]


@pytest.mark.parametrize("statement", [
    "if (sum > limit && count != 0) {", "sum += weights[i] * 2;", "int first = prices.get(0);",
    "String upper = name.toUpperCase();", "return sum - 1;", "log(name, sum);",
])
def test_generator_candidates_parse_and_rank(statement: str) -> None:
    java = get_language("java")
    source = SOURCE.encode()
    span = java.statement_at(source, line_of(statement))
    assert span is not None
    hunk = Hunk(FILE, span.first_line, span.last_line, span.start, span.end, 1.0)
    candidates = list(TemplateGenerator().generate(hunk, Context(source, java, FILE)))
    ranked = rank(candidates, {FILE: source}, java)
    assert ranked, statement
    assert all(c.generator == "template" for c in ranked)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    for candidate in ranked:
        assert not java.has_errors(apply_edits(source, candidate.edits))


def test_family_selection_spans_languages() -> None:
    java = get_language("java")
    source = SOURCE.encode()
    span = java.statement_at(source, line_of("return sum - 1;"))
    assert span is not None
    hunk = Hunk(FILE, span.first_line, span.last_line, span.start, span.end, 1.0)
    only = TemplateGenerator(families=["mutate_literal", "insert_guard"])
    found = list(only.generate(hunk, Context(source, java, FILE)))
    assert found and {c.template for c in found} == {"mutate_literal"}


def test_running_extremes() -> None:
    found = rewritten("mutate_call", "sum += weights[i] * 2;")
    assert not any("Math" in f for f in found)  # `+=` is not a plain assignment
    source = SOURCE.replace("int m = Math.max(sum, first);", "count = sum + first;")
    java = get_language("java")
    start = source.index("count = sum + first;")
    where = JavaSite(source.encode(), java, start, start + len("count = sum + first;"))
    texts = [r.text for r in JAVA_FAMILIES["mutate_call"](where)]
    assert texts == ["Math.max(count, sum + first)", "Math.min(count, sum + first)",
                     "Math.max(0, sum + first)"]


STREAM = textwrap.dedent("""\
    package demo;

    public class Stream {
        private boolean closed;

        public void close() {
            if (!closed) {
                release();
                closed = true;
            }
        }

        public void finish() {
            flushAll();
        }

        void flushAll() {
        }

        private int count() {
            return 0;
        }

        private void write(int b) {
        }

        void release() {
        }
    }
    """)


def test_insert_call_adds_a_forgotten_void_step_of_the_class() -> None:
    java = get_language("java")
    source = STREAM.encode()
    line = next(i for i, t in enumerate(STREAM.splitlines(), 1) if t.strip() == "release();")
    span = java.statement_at(source, line)
    assert span is not None
    where = JavaSite(source, java, span.start, span.end)
    texts = [r.text.strip() for r in JAVA_FAMILIES["insert_call"](where)]
    assert texts[:2] == ["finish();", "flushAll();"]  # before, in class order; then after
    assert "close();" not in texts  # not the method holding the hunk
    assert "release();" not in texts  # nor the one the statement calls
    assert not any("count" in t or "write" in t for t in texts)  # a value, a parameter
    first = next(iter(JAVA_FAMILIES["insert_call"](where)))
    patched = apply_edits(source, [Edit(FILE, first.start, first.end, first.text)])
    assert b"            finish();\n            release();" in patched
    assert not java.has_errors(patched)


COMPARE = textwrap.dedent("""\
    package demo;

    class Depths {
        int compare(Node a, Node b, int depth) {
            if (a == b) {
                return 0;
            }
            if (depth == 1) {
                throw new IllegalStateException(
                        "not in the same tree: " + a + " and " + b);
            }
            int r = compare(a.parent, b.parent, depth - 1);
            return r != 0 ? r : -1;
        }

        void each(java.util.List<Node> nodes) {
            for (Node n : nodes) {
                if (n == null) {
                    throw new IllegalArgumentException("null node");
                }
                n.visit();
            }
        }
    }
    """)


def _rewrites(family: str, text: str, line_text: str) -> tuple[JavaSite, list[Rewrite]]:
    """The family's rewrites of the statement on the line ``line_text`` of ``text``; each
    leaves a file that parses."""
    java = get_language("java")
    source = text.encode()
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip() == line_text)
    span = java.statement_at(source, line)
    assert span is not None
    where = JavaSite(source, java, span.start, span.end)
    rewrites = list(JAVA_FAMILIES[family](where))
    for r in rewrites:
        assert not java.has_errors(apply_edits(source, [Edit(FILE, r.start, r.end, r.text)]))
    return where, rewrites


def _throw_rewrites(line_text: str) -> list[str]:
    return [r.text for r in _rewrites("return_for_throw", COMPARE, line_text)[1]]


def test_return_for_throw_answers_the_refused_case() -> None:
    # the method's other return values (not the one reading r, declared after), its type's
    # default, a variable of its type
    assert _throw_rewrites("throw new IllegalStateException(") == ["return 0;", "return depth;"]
    # in a loop: skipping the element is an answer too; a void method returns nothing
    assert _throw_rewrites('throw new IllegalArgumentException("null node");') == [
        "return;", "continue;"]
    assert _throw_rewrites("n.visit();") == []  # not a throw


SAFE = textwrap.dedent("""\
    public class Safe {
        public static int negate(int value) {
            if (value == Integer.MIN_VALUE) {
                throw new ArithmeticException("cannot negate " + value);
            }
            return -value;
        }

        public static long times(long a, int b) {
            switch (b) {
                case -1:
                    return -a;
                case 0:
                    return 0L;
            }
            long total = a * b;
            if (total / b != a) {
                throw new ArithmeticException("overflow: " + a + " * " + b);
            }
            return total;
        }

        public static long scale(long a, long b) {
            if ((a ^ b) < 0) {
                return 1;
            }
            if (a == Long.MIN_VALUE && b == -1 || a > b) {
                return 0;
            }
            return a * b;
        }
    }
    """)


def _throw_guards(line_text: str) -> list[str]:
    where, rewrites = _rewrites("insert_throw_guard", SAFE, line_text)
    for r in rewrites:  # inserted before the statement's line
        assert r.start == r.end == where.line_start(where.start)
    return [" ".join(r.text.split()) for r in rewrites]


def test_insert_throw_guard_copies_a_throw_under_a_comparison_of_the_file() -> None:
    # the method's throw, under the comparisons that read `a`, those comparing `a` itself
    # before `(a ^ b) < 0`, which comes first in the file; `total / b != a` reads `total`,
    # declared only after the case; `value` is negate's, not visible here; `b == -1` does not
    # read what the statement reads; `&&`/`||` clauses are taken apart
    overflow = 'throw new ArithmeticException("overflow: " + a + " * " + b);'
    assert _throw_guards("return -a;") == [
        f"if (a == Long.MIN_VALUE) {{ {overflow} }}",
        f"if (a > b) {{ {overflow} }}",
        f"if ((a ^ b) < 0) {{ {overflow} }}",
    ]


def test_insert_throw_guard_needs_a_throw_that_fits_and_a_statement_to_guard() -> None:
    assert _throw_guards("return -value;") == [
        'if (value == Integer.MIN_VALUE) { throw new ArithmeticException("cannot negate " + '
        'value); }']
    # negate's throw names `value`, a parameter there, not in scale; the other throw reads
    # `a` and `b`, which scale has too
    assert all("cannot negate" not in g for g in _throw_guards("return a * b;"))
    assert _throw_guards('throw new ArithmeticException("cannot negate " + value);') == []
