"""JavaScript support: statements, headers, nested functions, normalization, detection."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apr.lang import LanguageSupport, detect_language, get_language, language_for_path

SOURCE = textwrap.dedent("""\
    'use strict';
    const { clamp } = require('./util');

    /** Docs. */
    function total(items, limit) {
      let sum = 0; // running
      for (let i = 0; i < items.length; i++) {
        sum += items[i].price;
      }
      if (sum > limit) {
        return limit;
      } else if (sum < 0) {
        throw new RangeError(`negative: ${sum}`);
      } else {
        sum = clamp(sum);
      }
      for (const item of items) sum--;
      while (sum > 100) sum /= 2;
      switch (sum) {
        case 1:
          return 1;
        default:
          break;
      }
      try {
        sum = Number.parseInt("7  x", 10);
      } catch (err) {
        sum = -1;
      }
      return sum;
    }

    const double = (xs) => {
      return xs.map((x) => {
        return x * 2;
      });
    };

    class Cart {
      count = 0;
      add(item) {
        this.count++;
      }
    }

    module.exports = {
      total,
      half(x) {
        return x / 2;
      },
    };
    """).encode()


@pytest.fixture(scope="module")
def js() -> LanguageSupport:
    return get_language("javascript")


def text_at(js: LanguageSupport, line: int) -> str | None:
    span = js.statement_at(SOURCE, line)
    return None if span is None else SOURCE[span.start:span.end].decode()


@pytest.mark.parametrize(("line", "expected"), [
    (1, "'use strict';"),
    (2, "const { clamp } = require('./util');"),
    (4, None),  # a comment
    (5, "function total(items, limit)"),
    (6, "let sum = 0;"),
    (7, "for (let i = 0; i < items.length; i++)"),
    (8, "sum += items[i].price;"),
    (10, "if (sum > limit)"),
    (11, "return limit;"),
    (12, "if (sum < 0)"),  # `} else if` is the inner if's header
    (13, "throw new RangeError(`negative: ${sum}`);"),
    (14, None),  # `} else {`
    (17, "for (const item of items)"),  # a braceless loop's header
    (18, "while (sum > 100)"),
    (19, "switch (sum)"),
    (20, "case 1:"),
    (21, "return 1;"),
    (23, "break;"),
    (26, 'sum = Number.parseInt("7  x", 10);'),
    (27, "catch (err)"),
    (33, "const double = (xs) =>"),  # the head of a declaration holding a function
    (34, "return xs.map((x) =>"),
    (35, "return x * 2;"),  # inside a callback inside a return inside an arrow function
    (36, None),  # `});`
    (37, None),  # `};`
    (39, "class Cart"),
    (40, "count = 0"),
    (41, "add(item)"),
    (42, "this.count++;"),
    (48, "half(x)"),
    (49, "return x / 2;"),  # a method of an object literal
])
def test_statement_at(js: LanguageSupport, line: int, expected: str | None) -> None:
    assert text_at(js, line) == expected


def test_enclosing_function_covers_arrows_and_methods(js: LanguageSupport) -> None:
    outer = js.enclosing_function(SOURCE, 8)
    assert outer is not None and (outer.first_line, outer.last_line) == (5, 31)
    inner = js.enclosing_function(SOURCE, 35)
    assert inner is not None and (inner.first_line, inner.last_line) == (34, 36)
    method = js.enclosing_function(SOURCE, 49)
    assert method is not None and (method.first_line, method.last_line) == (48, 50)
    assert js.enclosing_function(SOURCE, 2) is None


def test_normalize_drops_comments_and_keeps_strings(js: LanguageSupport) -> None:
    assert js.normalize("let a = 1 ; // x\n  const s = 'p  q';") == "let a = 1 ; const s = 'p  q' ;"
    assert js.normalize("a  /* c */ +b") == js.normalize("a + b")
    assert js.normalize("const t = `x  ${ y }`;") == "const t = `x  ${ y }` ;"
    assert js.normalize("const r = /a  b/g;") == "const r = /a  b/g ;"


def test_parse_errors_are_seen(js: LanguageSupport) -> None:
    assert not js.has_errors(SOURCE)
    assert js.has_errors(b"function f() { const x = ; }")


def test_esm_and_jsx_parse(js: LanguageSupport) -> None:
    esm = b"import { a } from './a.js';\nexport function f(x) {\n  return a(x);\n}\n"
    assert not js.has_errors(esm)
    span = js.statement_at(esm, 3)
    assert span is not None and esm[span.start:span.end] == b"return a(x);"
    assert not js.has_errors(b"const el = <div className='x'>{y}</div>;\n")


@pytest.mark.parametrize("name", ["src/a.js", "lib/b.mjs", "c.cjs", "ui/App.jsx"])
def test_language_for_path(name: str) -> None:
    found = language_for_path(name)
    assert found is not None and found.name == "javascript"


def test_detect_language_skips_node_modules_and_tests(tmp_path: Path) -> None:
    files = ["package.json", "src/cart.js", "src/util.mjs", "test/a.test.js", "test/b.test.js",
             "__tests__/c.test.js", "tools/gen.py"]
    files += [f"node_modules/dep/lib/m{i}.py" for i in range(5)]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert detect_language(tmp_path) == "javascript"
