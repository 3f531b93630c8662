"""The brace-language template core on JavaScript and C: the same families, each language's
words (``===``, ``NULL``, its library's pairs), scopes and types."""

from __future__ import annotations

import textwrap

import pytest

from apr.generate import TemplateGenerator, apply_edits
from apr.generate.base import Context
from apr.generate.brace_scopes import CSite, JsSite
from apr.generate.brace_site import BraceSite
from apr.generate.brace_templates import FAMILIES, PRIORS, families_of
from apr.generate.syntax import ALL_FAMILIES, JAVA, JAVASCRIPT, C
from apr.generate.templates import TABLES
from apr.lang import get_language
from apr.model import Hunk

JS = textwrap.dedent("""\
    const LIMIT = 10;

    function total(items, discount) {
      let sum = 0;
      for (let i = 0; i < items.length - 1; i++) {
        sum += items[i].price;
      }
      if (discount === LIMIT) {
        return sum.toFixed(2);
      }
      const names = items.map((item) => {
        return item.name.toLowerCase();
      });
      return sum - discount;
    }

    module.exports = { total };
    """)

C_SOURCE = textwrap.dedent("""\
    #include <string.h>

    static int limit = 10;

    struct node { int value; struct node *next; };

    int count(const struct node *head, const char *name, int n) {
        int total = 0;
        for (int i = 0; i < n - 1; i++) {
            total += head->value;
        }
        if (strcmp(name, "all") == 0) {
            return total / 2;
        }
        return total;
    }
    """)


def site_at(source: str, language: str, statement: str) -> BraceSite:
    lang = get_language(language)
    data = source.encode()
    line = next(n for n, text in enumerate(source.splitlines(), 1) if text.strip() == statement)
    span = lang.statement_at(data, line)
    assert span is not None
    site = TABLES[language][0](data, lang, span.start, span.end)
    assert isinstance(site, BraceSite)
    return site


def texts(family: str, source: str, language: str, statement: str) -> list[str]:
    """The statement's new text after each rewrite of ``family`` (one line, spaces collapsed)."""
    where = site_at(source, language, statement)
    out = []
    for rewrite in FAMILIES[family](where):
        old = source.encode()
        new = old[:rewrite.start] + rewrite.text.encode() + old[rewrite.end:]
        first = where.line_start(min(rewrite.start, where.start))
        end = new.find(b"\n", max(rewrite.start + len(rewrite.text.encode()),
                                  where.end + len(new) - len(old)))
        out.append(" ".join(new[first:end].decode().split()))
    return out


def test_every_language_lists_known_families_with_priors() -> None:
    assert set(PRIORS) == set(FAMILIES) == set(ALL_FAMILIES)
    for syntax in (JAVA, JAVASCRIPT, C):
        assert set(families_of(syntax)) <= set(FAMILIES)
    assert "insert_cast_check" not in JAVASCRIPT.families + C.families
    assert "mutate_data_type" in C.families and "mutate_data_type" not in JAVASCRIPT.families


def test_js_operators_use_strict_equality() -> None:
    found = texts("mutate_operator", JS, "javascript", "if (discount === LIMIT) {")
    assert "if (discount !== LIMIT) {" in found
    assert not any("discount != LIMIT" in t for t in found)
    loop = texts("mutate_operator", JS, "javascript",
                 "for (let i = 0; i < items.length - 1; i++) {")
    assert loop[0] == "for (let i = 0; i <= items.length - 1; i++) {"


def test_js_literal_drops_the_off_by_one_term() -> None:
    found = texts("mutate_literal", JS, "javascript",
                  "for (let i = 0; i < items.length - 1; i++) {")
    assert "for (let i = 0; i < items.length; i++) {" in found


def test_js_scopes_are_untyped_and_closures_see_outer_names() -> None:
    where = site_at(JS, "javascript", "return item.name.toLowerCase();")
    assert isinstance(where, JsSite)
    names = [v.name for v in where.variables_at(where.anchor)]  # type: ignore[arg-type]
    assert names[:1] == ["item"]
    assert {"names", "sum", "items", "discount", "LIMIT"} - {"names"} <= set(names)
    assert "i" not in names  # the loop's variable is out of scope after the loop
    calls = texts("mutate_call", JS, "javascript", "return item.name.toLowerCase();")
    assert "return item.name.toUpperCase();" in calls


def test_js_null_check_uses_null_and_bare_or_valued_returns() -> None:
    found = texts("insert_null_check", JS, "javascript", "sum += items[i].price;")
    assert any(t.startswith("if (items != null) {") for t in found)
    assert any("if (items == null) { return null; }" in t for t in found)
    assert any("if (items == null) { continue; }" in t for t in found)


def test_c_null_checks_only_pointers_with_NULL() -> None:
    found = texts("insert_null_check", C_SOURCE, "c", "total += head->value;")
    assert any(t.startswith("if (head != NULL) {") for t in found)
    assert any("if (head == NULL) { return total; }" in t for t in found)
    assert not any("total != NULL" in t or "n != NULL" in t for t in found)


def test_c_scopes_have_declared_types() -> None:
    where = site_at(C_SOURCE, "c", "total += head->value;")
    assert isinstance(where, CSite)
    types = {v.name: v.type for v in where.variables_at(where.anchor)}  # type: ignore[arg-type]
    assert types == {"i": "int", "total": "int", "head": "structnode*", "name": "char*",
                     "n": "int", "limit": "int"}
    assert where.return_type == "int"
    swaps = texts("mutate_variable", C_SOURCE, "c", "total += head->value;")
    assert "total += head->value;" not in swaps
    assert not any(t.startswith("name +=") for t in swaps)  # a char* is no int


def test_c_library_pairs_and_integer_division() -> None:
    calls = texts("mutate_call", C_SOURCE, "c", 'if (strcmp(name, "all") == 0) {')
    assert calls[0] == 'if (strcasecmp(name, "all") == 0) {'
    assert 'if (strncmp(name, "all", n) == 0) {' in calls  # the length goes last
    assert 'if (strncmp(name, "all", strlen("all")) == 0) {' in calls
    assert not any(c.startswith("if (strncmp(name, \"all\") ") for c in calls)  # no 2-arg one
    back = C_SOURCE.replace('strcmp(name, "all")', 'strncmp(name, "all", 3)')
    assert 'if (strcmp(name, "all") == 0) {' in texts(
        "mutate_call", back, "c", 'if (strncmp(name, "all", 3) == 0) {')
    literals = texts("mutate_literal", C_SOURCE, "c", "return total / 2;")
    assert "return total / 3;" in literals
    assert "return total / 2.0;" not in literals  # one side is no literal


def test_c_types_widen() -> None:
    found = texts("mutate_data_type", C_SOURCE, "c", "int total = 0;")
    assert found == ["long total = 0;", "double total = 0;"]


@pytest.mark.parametrize("language,source,buggy,fixed", [
    ("javascript", "function last(xs) {\n  return xs[xs.length];\n}\n",
     "xs[xs.length]", "xs[xs.length - 1]"),
    ("c", "int max(int a, int b) {\n    return a < b ? a : b;\n}\n", "a < b", "a > b"),
])
def test_generator_proposes_the_fix(language: str, source: str, buggy: str, fixed: str) -> None:
    lang = get_language(language)
    data = source.encode()
    line = next(n for n, text in enumerate(source.splitlines(), 1) if buggy in text)
    span = lang.statement_at(data, line)
    assert span is not None
    hunk = Hunk("f", span.first_line, span.last_line, span.start, span.end, 1.0)
    context = Context(data, lang, "f")
    patched = [apply_edits(data, c.edits).decode()
               for c in TemplateGenerator().generate(hunk, context)]
    assert source.replace(buggy, fixed) in patched


def test_js_property_reads_swap_for_other_properties_but_not_methods() -> None:
    found = texts("mutate_variable", JS, "javascript", "sum += items[i].price;")
    assert "sum += items[i].length;" in found and "sum += items[i].name;" in found
    assert not any(t.endswith(".toLowerCase;") or t.endswith(".toFixed;") for t in found)
    java = site_at("class A { int f(P p) {\n    return p.x;\n} int g(P p) { return p.y; } }",
                   "java", "return p.x;")
    assert not [r for r in FAMILIES["mutate_variable"](java) if r.text == "y"]


SERIALIZE = textwrap.dedent("""\
    function serialize(name, val, opt) {
      var value = enc(val);
      if (!fieldContent.test(value)) {
        throw new TypeError('argument val is invalid');
      }
      var pairs = [name + '=' + value];
      pairs.push(opt.domain);
      return pairs.join('; ');
    }
    """)


def test_js_conditions_test_values_by_themselves() -> None:
    """cookie's fix, `value && !re.test(value)`: an empty string is false, not null."""
    found = texts("mutate_condition", SERIALIZE, "javascript", "if (!fieldContent.test(value)) {")
    assert "if (value != null && !fieldContent.test(value)) {" in found
    assert "if (value && !fieldContent.test(value)) {" in found
    assert "if (!value || !fieldContent.test(value)) {" in found
    assert JAVASCRIPT.truthy and not JAVA.truthy and not C.truthy


def test_guards_leave_out_exits_that_cannot_run() -> None:
    """No exit reads a local declared after the guard (undefined, or a compile error), and no
    null guard's exit dereferences the variable it found null."""
    early = texts("insert_null_check", SERIALIZE, "javascript", "var value = enc(val);")
    assert early and not any("pairs" in t.split("var value")[0] for t in early)
    late = texts("insert_null_check", SERIALIZE, "javascript", "pairs.push(opt.domain);")
    assert "if (opt == null) { return pairs.join('; '); } pairs.push(opt.domain);" in late
    assert not any(t.startswith("if (pairs == null) { return pairs.join") for t in late)
    assert any(t.startswith("if (pairs == null) { return") for t in late)  # other exits stay


def test_insert_throw_guard_in_javascript() -> None:
    source = textwrap.dedent("""\
        function at(items, i) {
          if (i >= items.length) {
            throw new RangeError('no item ' + i);
          }
          return items[i];
        }

        function nameAt(items, i, fallback) {
          return items[i].name;
        }

        function pick(list, n) {
          return list[n];
        }
        """)
    # another function's throw and comparison: their names are nameAt's parameters too
    found = texts("insert_throw_guard", source, "javascript", "return items[i].name;")
    assert found == ["if (i >= items.length) { throw new RangeError('no item ' + i); } "
                     "return items[i].name;"]
    # pick binds neither `items` nor `i`: nothing of at's fits there
    assert texts("insert_throw_guard", source, "javascript", "return list[n];") == []
    assert texts("insert_throw_guard", C_SOURCE, "c", "total += head->value;") == []
