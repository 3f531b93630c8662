"""The template core (apr.generate.core): one function per shared family, the same rewrite in
every language, written in that language's words."""

from __future__ import annotations

import pytest

from apr.generate import core
from apr.generate.site import Rewrite, Site
from apr.generate.syntax import JAVA, PYTHON, Syntax, Words
from apr.generate.templates import TABLES
from apr.lang import get_language

# The same function in the four languages: a guarded call, an increment, a return.
SOURCES = {
    "python": """\
def pick(lo, hi, ok):
    total = lo
    if lo < hi and ok:
        total = add(lo, hi)
    total = total + 1
    return total


def add(a, b):
    return a - b
""",
    "java": """\
class P {
    int pick(int lo, int hi, boolean ok) {
        int total = lo;
        if (lo < hi && ok) {
            total = add(lo, hi);
        }
        total = total + 1;
        return total;
    }

    int add(int a, int b) {
        return a - b;
    }
}
""",
    "javascript": """\
function pick(lo, hi, ok) {
  let total = lo;
  if (lo < hi && ok) {
    total = add(lo, hi);
  }
  total = total + 1;
  return total;
}

function add(a, b) {
  return a - b;
}
""",
    "c": """\
int add(int a, int b);

int pick(int lo, int hi, int ok) {
    int total = lo;
    if (lo < hi && ok) {
        total = add(lo, hi);
    }
    total = total + 1;
    return total;
}

int add(int a, int b) {
    return a - b;
}
""",
}
LANGUAGES = tuple(SOURCES)
SHARED = ("mutate_operator", "mutate_arguments", "mutate_return", "delete_statement",
          "move_statement")


def site_at(language: str, starts_with: str) -> Site:
    """The site of the first statement whose line starts with ``starts_with``."""
    source = SOURCES[language]
    lang = get_language(language)
    line = next(n for n, text in enumerate(source.splitlines(), 1)
                if text.strip().startswith(starts_with))
    span = lang.statement_at(source.encode(), line)
    assert span is not None
    site_type: type[Site] = TABLES[language][0]
    return site_type(source.encode(), lang, span.start, span.end)


def lines(site: Site, rewrites: list[Rewrite]) -> list[str]:
    """The source's changed lines after each rewrite, stripped and joined by ``|``."""
    out = []
    for rewrite in rewrites:
        old = site.source.decode()
        new = old[:rewrite.start] + rewrite.text + old[rewrite.end:]
        changed = [n.strip() for n in new.splitlines() if n.strip()
                   and n not in old.splitlines()]
        out.append(" | ".join(changed) if changed else "(deleted)")
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_runs_the_shared_families_of_the_core(language: str) -> None:
    families = TABLES[language][1]
    for name in SHARED:
        assert families[name] is getattr(core, name), (language, name)
    site_type = TABLES[language][0]
    assert isinstance(site_type.syntax, Words)
    assert (site_type.syntax is PYTHON) == (language == "python")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_operator_swap_is_the_same_rewrite_everywhere(language: str) -> None:
    site = site_at(language, "total = total + 1")
    found = lines(site, list(core.mutate_operator(site)))
    assert found[0].startswith("total = total - 1")


@pytest.mark.parametrize("language", LANGUAGES)
def test_conditions_are_negated_and_cut_in_the_languages_words(language: str) -> None:
    site = site_at(language, "if")
    words = site.syntax
    condition = site.of_type(words.logical)[0]
    assert core.logical_of(site, condition) == words.and_
    negated = core.negation(site, condition)
    assert negated.text == f"{words.not_}(lo < hi {words.and_} ok)"
    assert [r.text for r in core.dropped_operands(site, condition)] == ["ok", "lo < hi"]
    comparison = core.operands(site, condition, words.and_)[0]
    assert core.negation(site, comparison).text == ">="
    clause = core.with_clause(site, condition, words.or_, "done", bare=True)
    expected = f" {words.or_} done" if words.and_under_or else f"(lo < hi {words.and_} ok)"
    assert expected in clause.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_arguments_are_swapped_and_removed_only_where_the_arity_allows(language: str) -> None:
    site = site_at(language, "total = add(")
    found = lines(site, list(core.mutate_arguments(site)))
    assert found[0].startswith("total = add(hi, lo)")
    removed = [f for f in found if f.startswith(("total = add(lo)", "total = add(hi)"))]
    # `add` is declared with two parameters: the brace languages' sites know; Python's does not
    # (defaults, keyword arguments), so it proposes the removals too
    assert bool(removed) == (language == "python")


@pytest.mark.parametrize("language", LANGUAGES)
def test_returns_deletions_and_moves(language: str) -> None:
    site = site_at(language, "return total")
    returned = lines(site, list(core.mutate_return(site)))
    # a variable in scope (of the return type where types are declared); JavaScript's sites
    # know no return type, so its returns borrow only the function's other return values
    assert any(f.startswith("return lo") for f in returned) == (language != "javascript")
    increment = site_at(language, "total = total + 1")
    assert lines(increment, list(core.delete_statement(increment))) == ["(deleted)"]
    moved = list(core.move_statement(increment))
    assert len(moved) == 2  # with the `if` before it and the `return` after it
    text = increment.source.decode()
    first = text[:moved[1].start] + moved[1].text + text[moved[1].end:]
    assert first.index("return total") < first.index("total = total + 1")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_guard_is_written_as_the_language_writes_an_if(language: str) -> None:
    site = site_at(language, "total = total + 1")
    anchor = site.anchor
    assert anchor is not None
    null = site.syntax.null if isinstance(site.syntax, Syntax) else "None"
    rewrite = core.guard(site, anchor, f"lo == {null}", "return 0")
    written = [line.strip() for line in rewrite.text.splitlines()]
    if language == "python":
        assert written == ["if lo == None:", "return 0"]
    else:
        assert written == [f"if (lo == {null}) {{", "return 0", "}"]
    indent = site.indent(anchor)
    assert rewrite.text.startswith(f"{indent}if")


INTERVALS = {
    "python": "def inside(a, x, b):\n    if a <= x and x <= b:\n        return 1\n    return 0\n",
    "java": "class I {\n    int inside(int a, int x, int b) {\n"
            "        if (a <= x && x <= b) {\n            return 1;\n        }\n"
            "        return 0;\n    }\n}\n",
}


@pytest.mark.parametrize("language", sorted(INTERVALS))
def test_interval_bounds_flip_together_where_the_table_says(language: str) -> None:
    source = INTERVALS[language]
    lang = get_language(language)
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "if" in text)
    span = lang.statement_at(source.encode(), line)
    assert span is not None
    site = TABLES[language][0](source.encode(), lang, span.start, span.end)
    words = site.syntax
    flipped = f"a < x {words.and_} x < b"
    chain = site.of_type(words.logical)[0]
    assert [r.text for r in core.strictness_flipped(site, chain)] == [flipped]
    proposed = [r.text for r in core.mutate_operator(site)]
    assert (flipped in proposed) == words.strictness_flip == (language == "python")
    assert JAVA.operators["binary_expression"] == ("operator", JAVA.binary)
