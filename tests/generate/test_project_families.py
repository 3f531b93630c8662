"""The families that read the project's declarations: ``sibling_call`` (a call renamed to a
method the project's classes declare beside it) and ``mask_byte`` (a byte's sign extension)."""

from __future__ import annotations

import re
from pathlib import Path

from apr.generate import TemplateGenerator, apply_edits
from apr.generate.base import Context
from apr.generate.declarations import Declarations, Project, project_declarations
from apr.generate.syntax import JAVA, JAVASCRIPT
from apr.lang import get_language
from apr.lang.diff import diff_size
from apr.model import Hunk

EXPRESSION = """\
package calc;

public abstract class Expression {
    public abstract Object compute(Context context);
    public abstract Object computeValue(Context context);
    public abstract String describe();
}
"""
CONSTANT = """\
package calc;

public class Constant extends Expression {
    private final Object value;

    public Constant(Object value) { this.value = value; }

    public Object compute(Context context) { return value; }
    public Object computeValue(Context context) { return value; }
    public String describe() { return String.valueOf(value); }

    static class Cached extends Constant {
        Cached(Object value) { super(value); }
        public Object computeValue(Context context) { return null; }
        public Object remember(Context context) { return null; }
    }
}
"""
EQUAL = """\
package calc;

public class Equal extends Expression {
    private final Expression[] args;

    public Equal(Expression[] args) { this.args = args; }

    public Object compute(Context context) { return computeValue(context); }

    public Object computeValue(Context context) {
        return same(args[0].computeValue(context), args[1].computeValue(context));
    }

    public String describe() { return "="; }

    private static Boolean same(Object left, Object right) {
        return left == null ? right == null : left.equals(right);
    }
}
"""
BUGGY = "        return same(args[0].computeValue(context), args[1].computeValue(context));"


def project(tmp_path: Path) -> Path:
    for name, text in {"Expression": EXPRESSION, "Constant": CONSTANT, "Equal": EQUAL}.items():
        path = tmp_path / "src" / "calc" / f"{name}.java"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_siblings_are_the_methods_most_classes_declare_beside_the_call() -> None:
    table = Declarations([frozenset({("get", 0), ("set", 1), ("size", 0), ("always", 0)}),
                         frozenset({("get", 0), ("size", 0), ("clear", 0)}),
                         frozenset({("put", 2), ("size", 0), ("always", 0)}),
                         frozenset({("always", 0)})])
    # size beside get twice; clear and always once, clear the rarer (always sits beside anything)
    assert table.siblings("get", 0) == ["size", "clear", "always"]
    assert table.siblings("set", 1) == []
    assert table.siblings("missing", 0) == []


def test_the_table_reads_every_class_of_the_project_nested_ones_apart(tmp_path: Path) -> None:
    root = project(tmp_path)
    source = (root / "src/calc/Equal.java").read_bytes()
    table = project_declarations(Project(root, "src/calc/Equal.java"), source,
                                 get_language("java"), JAVA.classes, JAVA.function_declarations)
    # three classes declare computeValue/1 beside compute/1, one (the nested) beside remember/1
    assert table.siblings("computeValue", 1) == ["compute", "remember"]
    assert table.siblings("describe", 0) == []  # constructors are not methods
    assert table.field_type("args") == "Expression[]"
    assert table.field_type("value") == "Object"
    assert table.field_type("missing") is None
    (root / "lib").mkdir()
    (root / "lib" / "shapes.js").write_text(
        "export class Square {\n  area(unit) { return 1; }\n  perimeter(unit) { return 4; }\n}\n"
        "class Circle {\n  area(unit) { return 3; }\n  radius() { return 1; }\n}\n")
    js = project_declarations(Project(root, "lib/shapes.js"), (root / "lib/shapes.js").read_bytes(),
                              get_language("javascript"), JAVASCRIPT.classes,
                              JAVASCRIPT.function_declarations)
    assert js.siblings("area", 1) == ["perimeter"]  # the Java files are not read
    assert js.siblings("computeValue", 1) == []


def patched(root: Path | None) -> list[tuple[str, str]]:
    """(description, the buggy line after the edit) of each ``sibling_call`` candidate."""
    lang = get_language("java")
    data = EQUAL.encode()
    line = next(n for n, text in enumerate(EQUAL.splitlines(), 1) if text == BUGGY)
    span = lang.statement_at(data, line)
    assert span is not None
    hunk = Hunk("src/calc/Equal.java", span.first_line, span.last_line, span.start, span.end, 1.0)
    context = Context(data, lang, "src/calc/Equal.java", root)
    out = []
    for candidate in TemplateGenerator(["sibling_call"]).generate(hunk, context):
        text = apply_edits(data, candidate.edits).decode().splitlines()[line - 1]
        out.append((candidate.description, text.strip()))
    return out


def test_every_call_of_the_method_in_the_hunk_is_renamed_at_once_first(tmp_path: Path) -> None:
    found = patched(project(tmp_path))
    assert found[:3] == [
        ("`computeValue` -> `compute` (2 calls)",
         "return same(args[0].compute(context), args[1].compute(context));"),
        ("`computeValue` -> `compute`",
         "return same(args[0].compute(context), args[1].computeValue(context));"),
        ("`computeValue` -> `compute`",
         "return same(args[0].computeValue(context), args[1].compute(context));"),
    ]
    assert ("`computeValue` -> `remember` (2 calls)",
            "return same(args[0].remember(context), args[1].remember(context));") in found


def test_without_the_project_there_is_no_sibling() -> None:
    assert patched(None) == []


def test_a_change_made_the_same_way_twice_counts_once() -> None:
    def toks(text: str) -> list[str]:
        return re.findall(r"\w+|[^\w\s]", text)

    old = toks("f(a.m(x), b.m(x))")
    assert diff_size(old, toks("f(a.s(x), b.s(x))")) == 2
    assert diff_size(old, toks("f(a.s(x), b.m(x))")) == 2
    assert diff_size(old, toks("f(a.s(x), b.t(x))")) > 2  # two different changes


HEADER = """\
package calc;

class Header {
    byte[] raw = new byte[8];
    byte flags;
}
"""
READER = """\
package calc;

class Reader {
    private final java.util.Map<String, String> raw = new java.util.HashMap<>();

    long size(Header header) {
        long size = header.raw[0];
        for (int i = 1; i < 4; i++) {
            size |= (header.raw[i] << (8 * i));
        }
        int first = header.raw[0] + 1;
        byte copy = header.raw[1];
        int mode = header.flags | 0x10;
        int bit = 1 << header.flags;
        char c = (char) header.raw[2];
        long wide = (long) (header.flags);
        byte same = (byte) header.flags;
        return size;
    }
}
"""


def masked(root: Path, statement: str) -> list[str]:
    lang = get_language("java")
    data = READER.encode()
    line = next(n for n, text in enumerate(READER.splitlines(), 1) if text.strip() == statement)
    span = lang.statement_at(data, line)
    assert span is not None
    hunk = Hunk("src/calc/Reader.java", span.first_line, span.last_line, span.start, span.end,
                1.0)
    context = Context(data, lang, "src/calc/Reader.java", root)
    return [" ".join(apply_edits(data, c.edits).decode().splitlines()[line - 1].split())
            for c in TemplateGenerator(["mask_byte"]).generate(hunk, context)]


def test_a_shifted_or_widened_byte_is_masked(tmp_path: Path) -> None:
    (tmp_path / "src/calc").mkdir(parents=True)
    (tmp_path / "src/calc/Header.java").write_text(HEADER)
    (tmp_path / "src/calc/Reader.java").write_text(READER)
    # a long context: 0xffL only ((b & 0xff) << 24 is a negative int from 0x80 up)
    assert masked(tmp_path, "size |= (header.raw[i] << (8 * i));") == [
        "size |= ((header.raw[i] & 0xffL) << (8 * i));"]
    assert masked(tmp_path, "long size = header.raw[0];") == [
        "long size = (header.raw[0] & 0xffL);"]
    assert masked(tmp_path, "int mode = header.flags | 0x10;") == [
        "int mode = (header.flags & 0xff) | 0x10;"]
    assert masked(tmp_path, "byte copy = header.raw[1];") == []  # not widened
    assert masked(tmp_path, "int first = header.raw[0] + 1;") == []  # a sum, not bits
    assert masked(tmp_path, "int bit = 1 << header.flags;") == []  # a distance, not a value
    # a cast to a wider type sign-extends: (char) of the byte 0xff is U+FFFF
    assert masked(tmp_path, "char c = (char) header.raw[2];") == [
        "char c = (char) (header.raw[2] & 0xff);"]
    assert masked(tmp_path, "long wide = (long) (header.flags);") == [
        "long wide = (long) (header.flags & 0xffL);"]
    assert masked(tmp_path, "byte same = (byte) header.flags;") == []
    # Reader's own raw is a Map: Header's field is the one header.raw names
    (tmp_path / "src/calc/Header.java").unlink()
    assert masked(tmp_path, "long size = header.raw[0];") == []


def test_javascript_calls_get_their_siblings_too(tmp_path: Path) -> None:
    shapes = ("export class Square {\n  area(unit) { return 1; }\n"
              "  perimeter(unit) { return 4; }\n}\n")
    user = "export function measure(shape, unit) {\n  return shape.area(unit);\n}\n"
    (tmp_path / "shapes.js").write_text(shapes)
    (tmp_path / "measure.js").write_text(user)
    lang = get_language("javascript")
    data = user.encode()
    span = lang.statement_at(data, 2)
    assert span is not None
    hunk = Hunk("measure.js", span.first_line, span.last_line, span.start, span.end, 1.0)
    context = Context(data, lang, "measure.js", tmp_path)
    found = [apply_edits(data, c.edits).decode().splitlines()[1].strip()
             for c in TemplateGenerator(["sibling_call"]).generate(hunk, context)]
    assert found == ["return shape.perimeter(unit);"]
