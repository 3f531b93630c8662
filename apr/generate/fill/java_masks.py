"""GAMMA's mask patterns for Java (node types are tree-sitter-java's).

The same patterns as for Python (:mod:`apr.generate.fill.masks`), in Java's syntax, plus GAMMA's
``mutate data type`` (a declared or cast type becomes the blank) and ``if (<mask>) { stmt }``
around the statement:

===================  ===================  =====================================================
pattern              family (prior)       the blank
===================  ===================  =====================================================
``operator``         mutate_operator      each binary or compound-assignment operator
``literal``          mutate_literal       each literal
``variable``         mutate_variable      each variable; ``this.<mask>`` / ``o.<mask>`` fields
``method``           mutate_call          each invoked method's name
``argument``         mutate_arguments     each argument of an invocation or ``new``
``insert_argument``  mutate_arguments     a new last argument
``return``           mutate_return        ``return <mask>;``
``add_clause``       mutate_condition     ``cond && <mask>`` / ``cond || <mask>``
``wrap``             insert_null_check    ``if (<mask>) { stmt }``
``guard``            insert_null_check    ``if (<mask>) { return r; }`` before the statement
``null_check``       insert_null_check    ``if (v == null) { return <mask>; }``
``type``             mutate_data_type     a declared or cast type
===================  ===================  =====================================================
"""

from __future__ import annotations

from collections.abc import Iterator

from apr.generate.brace_site import JavaSite, is_reference, is_variable
from apr.generate.brace_templates import exits
from apr.generate.fill.base import (
    ARGUMENT,
    ATTRIBUTE,
    CALLEE,
    CONDITION,
    EXPRESSION,
    LITERAL,
    NAME,
    NEW_ARGUMENT,
    OPERATOR,
    TYPE,
    MaskedCode,
)
from apr.generate.fill.masks import blank
from apr.generate.site import Node, Site, field_of, unique
from apr.generate.syntax import JAVA

JAVA_PATTERN_FAMILIES: dict[str, str] = {
    "operator": "mutate_operator",
    "literal": "mutate_literal",
    "variable": "mutate_variable",
    "attribute": "mutate_variable",
    "method": "mutate_call",
    "argument": "mutate_arguments",
    "insert_argument": "mutate_arguments",
    "return": "mutate_return",
    "add_clause": "mutate_condition",
    "wrap": "insert_null_check",
    "guard": "insert_null_check",
    "null_check": "insert_null_check",
    "type": "mutate_data_type",
}
COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
LOGICAL = frozenset({"&&", "||"})
CONDITION_OWNERS = frozenset({"if_statement", "while_statement", "do_statement"})
LOOSE = frozenset({"ternary_expression", "assignment_expression", "lambda_expression"})
NOT_WRAPPED = frozenset({"local_variable_declaration", "return_statement", "throw_statement",
                         "switch_label", "field_declaration"})
CALLS = frozenset({"method_invocation", "object_creation_expression",
                   "explicit_constructor_invocation"})
EXITS = 2
GUARDED = 2


def java_masks(site: Site) -> Iterator[MaskedCode]:
    """Every blank of every pattern for the hunk of a :class:`JavaSite` (see the module doc)."""
    if not isinstance(site, JavaSite):
        return
    for pattern in (_operators, _literals, _variables, _methods, _arguments, _new_arguments,
                    _returns, _clauses, _wraps, _guards, _null_checks, _types):
        yield from pattern(site)


def _operators(site: JavaSite) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if node.type not in ("binary_expression", "assignment_expression"):
            continue
        operator = node.child_by_field_name("operator")
        if operator is None:
            continue
        text = site.text(operator)
        if node.type == "assignment_expression":
            if text != "=":
                yield blank(site, "operator", OPERATOR, operator, "augmented")
            continue
        kind = ("comparison" if text in COMPARISONS else "boolean" if text in LOGICAL
                else "arithmetic")
        yield blank(site, "operator", OPERATOR, operator, kind)


def _literals(site: JavaSite) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if node.type in JAVA.literals and "\n" not in site.text(node):
            yield blank(site, "literal", LITERAL, node)


def _variables(site: JavaSite) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if is_variable(node):
            yield blank(site, "variable", NAME, node)
        elif node.type == "field_access":
            owner, name = node.child_by_field_name("object"), node.child_by_field_name("field")
            if owner is not None and name is not None:
                yield blank(site, "attribute", ATTRIBUTE, name, site.text(owner))


def _methods(site: JavaSite) -> Iterator[MaskedCode]:
    for call in site.of_type("method_invocation"):
        name = call.child_by_field_name("name")
        if name is not None and site.in_hunk(name):
            owner = call.child_by_field_name("object")
            yield blank(site, "method", CALLEE, name, "method" if owner else "function")


def _callee(site: JavaSite, call: Node) -> str:
    name = call.child_by_field_name("name") or call.child_by_field_name("type")
    return site.text(name) if name is not None else ""


def _args(call: Node) -> tuple[Node | None, list[Node]]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None, []
    return arguments, [a for a in arguments.named_children if "comment" not in a.type]


def _arguments(site: JavaSite) -> Iterator[MaskedCode]:
    for call in site.of_type(*CALLS):
        for arg in _args(call)[1]:
            yield blank(site, "argument", ARGUMENT, arg, _callee(site, call))


def _new_arguments(site: JavaSite) -> Iterator[MaskedCode]:
    for call in site.of_type(*CALLS):
        arguments, args = _args(call)
        if arguments is None or not site.in_hunk(call):
            continue
        at = args[-1].end_byte if args else arguments.start_byte + 1
        yield MaskedCode("insert_argument", NEW_ARGUMENT, at, at, None, site, call,
                         prefix=", " if args else "", hint=_callee(site, call))


def _returns(site: JavaSite) -> Iterator[MaskedCode]:
    for node in site.of_type("return_statement"):
        value = next((c for c in node.named_children if "comment" not in c.type), None)
        if value is not None:
            yield blank(site, "return", EXPRESSION, value)


def _conditions(site: JavaSite) -> list[Node]:
    """The conditions of the hunk's ``if``/``while``/``do``/``for`` headers (one line each)."""
    found = []
    for node in site.nodes:
        parent = node.parent
        if parent is None or field_of(node) != "condition":
            continue
        if parent.type in CONDITION_OWNERS and node.named_child_count == 1:
            found.append(node.named_children[0])
        elif parent.type == "for_statement":
            found.append(node)
    return [c for c in found if "\n" not in site.text(c)]


def _clauses(site: JavaSite) -> Iterator[MaskedCode]:
    for condition in _conditions(site):
        text = site.text(condition)
        operator_node = condition.child_by_field_name("operator")
        own = site.text(operator_node) if condition.type == "binary_expression" \
            and operator_node is not None else ""
        for operator in ("&&", "||"):
            loose = condition.type in LOOSE or (own in LOGICAL and own != operator)
            if loose:
                yield MaskedCode("add_clause", CONDITION, condition.start_byte,
                                 condition.end_byte, None, site, condition,
                                 prefix=f"({text}) {operator} ")
            else:
                yield MaskedCode("add_clause", CONDITION, condition.end_byte, condition.end_byte,
                                 None, site, condition, prefix=f" {operator} ")


def _statement(site: JavaSite) -> Node | None:
    """The hunk's statement, if it sits alone on its lines directly in a block."""
    anchor = site.anchor
    if anchor is None or anchor.parent is None or anchor.parent.type not in JAVA.blocks:
        return None
    return anchor if site.alone_on_lines(anchor) else None


def _wraps(site: JavaSite) -> Iterator[MaskedCode]:
    anchor = _statement(site)
    if anchor is None or anchor.type in NOT_WRAPPED:
        return
    indent, unit, newline = site.indent(anchor) or "", site.indent_unit(anchor), site.newline
    start, end = site.line_start(anchor.start_byte), site.line_end(anchor.end_byte)
    lines = site.slice(start, end).split(newline)
    body = newline.join(unit + line if line.strip() else line for line in lines)
    yield MaskedCode("wrap", CONDITION, start, end, None, site, anchor,
                     prefix=f"{indent}if (", suffix=f") {{{newline}{body}{newline}{indent}}}")


def _guards(site: JavaSite) -> Iterator[MaskedCode]:
    anchor = _statement(site)
    if anchor is None:
        return
    indent, inner, newline = _layout(site, anchor)
    for statement in exits(site, anchor)[:EXITS]:
        suffix = f") {{{newline}{inner}{statement}{newline}{indent}}}{newline}"
        yield _inserted(site, anchor, "guard", CONDITION, f"{indent}if (", suffix)


def _null_checks(site: JavaSite) -> Iterator[MaskedCode]:
    anchor = _statement(site)
    if anchor is None or site.function is None or site.return_type in (None, "void"):
        return
    indent, inner, newline = _layout(site, anchor)
    for variable in _dereferenced(site)[:GUARDED]:
        prefix = f"{indent}if ({variable} == null) {{{newline}{inner}return "
        yield _inserted(site, anchor, "null_check", EXPRESSION, prefix,
                        f";{newline}{indent}}}{newline}")


def _dereferenced(site: JavaSite) -> list[str]:
    """Variables of reference type the hunk dereferences (``v.m()``, ``v.f``)."""
    found = []
    for node in site.nodes:
        owner = node.child_by_field_name("object") if node.type in (
            "method_invocation", "field_access") else None
        if owner is not None and owner.type == "identifier":
            variable = site.variable(owner)
            if variable is not None and is_reference(variable.type):
                found.append(site.text(owner))
    return unique(found)


def _layout(site: JavaSite, anchor: Node) -> tuple[str, str, str]:
    """The statement's indentation, one level deeper, and the file's newline."""
    indent = site.indent(anchor) or ""
    return indent, indent + site.indent_unit(anchor), site.newline


def _inserted(site: JavaSite, anchor: Node, pattern: str, kind: str, prefix: str,
              suffix: str) -> MaskedCode:
    """A statement inserted at the start of ``anchor``'s line."""
    at = site.line_start(anchor.start_byte)
    return MaskedCode(pattern, kind, at, at, None, site, anchor, prefix=prefix, suffix=suffix)


def _types(site: JavaSite) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if node.type in ("local_variable_declaration", "cast_expression", "field_declaration"):
            kind = node.child_by_field_name("type")
            if kind is not None and site.in_hunk(kind):
                yield blank(site, "type", TYPE, kind)
