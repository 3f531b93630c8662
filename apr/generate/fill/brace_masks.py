"""GAMMA's mask patterns for the brace languages (Java, JavaScript, C), over the node kinds and
words of each language's :class:`~apr.generate.syntax.Syntax`.

The same patterns as for Python (:mod:`apr.generate.fill.masks`), in the brace languages'
syntax, plus GAMMA's ``mutate data type`` (a declared or cast type becomes the blank; Java and C)
and ``if (<mask>) { stmt }`` around the statement:

===================  ===================  =====================================================
pattern              family (prior)       the blank
===================  ===================  =====================================================
``operator``         mutate_operator      each binary or compound-assignment operator
``literal``          mutate_literal       each literal
``variable``         mutate_variable      each variable; ``this.<mask>`` / ``o.<mask>`` fields
``method``           mutate_call          each invoked method's (or function's) name
``argument``         mutate_arguments     each argument of an invocation or ``new``
``insert_argument``  mutate_arguments     a new last argument
``return``           mutate_return        ``return <mask>;``
``add_clause``       mutate_condition     ``cond && <mask>`` / ``cond || <mask>``
``wrap``             insert_null_check    ``if (<mask>) { stmt }``
``guard``            insert_null_check    ``if (<mask>) { return r; }`` before the statement
``null_check``       insert_null_check    ``if (v == null) { return <mask>; }`` (typed returns)
``type``             mutate_data_type     a declared or cast type (Java, C)
===================  ===================  =====================================================

Java's blanks are the same, in the same order, as when this module was Java's alone
(``benchmarks/scripts/template_dump.py --masks``).
"""

from __future__ import annotations

from collections.abc import Iterator

from apr.generate.brace_site import BraceSite, call_arguments
from apr.generate.brace_templates import exits
from apr.generate.fill.base import (
    ARGUMENT,
    ATTRIBUTE,
    CALLEE,
    CONDITION,
    EXPRESSION,
    LITERAL,
    NAME,
    OPERATOR,
    TYPE,
    MaskedCode,
)
from apr.generate.fill.masks import PATTERN_FAMILIES, blank, clause, inserted, new_argument
from apr.generate.site import Node, Site, field_of, is_variable, returned, unique

#: Each pattern's template family: Python's (:data:`PATTERN_FAMILIES`) but for the guards,
#: which belong to the null-check family here, and the exception and slice patterns.
BRACE_PATTERN_FAMILIES: dict[str, str] = {
    **{p: f for p, f in PATTERN_FAMILIES.items()
       if f != "insert_guard" and p not in ("exception", "slice")},
    "wrap": "insert_null_check",
    "guard": "insert_null_check",
    "null_check": "insert_null_check",
    "type": "mutate_data_type",
}
COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!=", "===", "!=="})
LOGICAL = frozenset({"&&", "||"})
BOOLEAN = LOGICAL | {"??"}  # JavaScript's nullish coalescing picks between values, as || does
#: Statements whose ``condition`` field is a parenthesized condition (``for`` has it bare).
CONDITION_OWNERS = frozenset({"if_statement", "while_statement", "do_statement"})
#: Calls besides each language's own call kind: Java's ``this(...)``/``super(...)``.
OTHER_CALLS = frozenset({"explicit_constructor_invocation"})
#: Declarations and casts whose ``type`` becomes a blank (Java's three; C's declarations).
TYPED = frozenset({"local_variable_declaration", "cast_expression", "field_declaration",
                   "declaration"})
EXITS = 2
GUARDED = 2


def brace_masks(site: Site) -> Iterator[MaskedCode]:
    """Every blank of every pattern for the hunk of a :class:`BraceSite` (see the module doc)."""
    if not isinstance(site, BraceSite):
        return
    for pattern in (_operators, _literals, _variables, _methods, _arguments, _new_arguments,
                    _returns, _clauses, _wraps, _guards, _null_checks, _types):
        yield from pattern(site)


def _operators(site: BraceSite) -> Iterator[MaskedCode]:
    assignments = site.syntax.assignments
    for node in site.nodes:
        if node.type != "binary_expression" and node.type not in assignments:
            continue
        operator = node.child_by_field_name("operator")
        if operator is None:
            continue
        text = site.text(operator)
        if node.type in assignments:
            if text != "=":
                yield blank(site, "operator", OPERATOR, operator, "augmented")
            continue
        kind = ("comparison" if text in COMPARISONS else "boolean" if text in BOOLEAN
                else "arithmetic")
        yield blank(site, "operator", OPERATOR, operator, kind)


def _literals(site: BraceSite) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if node.type in site.syntax.literals and "\n" not in site.text(node):
            yield blank(site, "literal", LITERAL, node)


def _variables(site: BraceSite) -> Iterator[MaskedCode]:
    syntax = site.syntax
    for node in site.nodes:
        if is_variable(node, syntax):
            yield blank(site, "variable", NAME, node)
        elif node.type == syntax.member and not _called(site, node):
            owner = node.child_by_field_name(syntax.member_object)
            name = node.child_by_field_name(syntax.member_name)
            if owner is not None and name is not None:
                yield blank(site, "attribute", ATTRIBUTE, name, site.text(owner))


def _called(site: BraceSite, member: Node) -> bool:
    """Whether ``member`` is what a call calls (``o.f`` of ``o.f()``: the method's blank)."""
    parent = member.parent
    return parent is not None and parent.type == site.syntax.call \
        and field_of(member) == site.syntax.call_name


def _methods(site: BraceSite) -> Iterator[MaskedCode]:
    for call in site.of_type(site.syntax.call):
        name, owner = site.callee(call)
        if name is not None and site.in_hunk(name):
            yield blank(site, "method", CALLEE, name, "method" if owner else "function")


def _calls(site: BraceSite) -> list[Node]:
    return site.of_type(site.syntax.call, *site.syntax.new, *OTHER_CALLS)


def _callee(site: BraceSite, call: Node) -> str:
    if call.type == site.syntax.call:
        name = site.callee(call)[0]
    elif call.type in site.syntax.new:  # Java's ``new T(...)``, JavaScript's ``new C(...)``
        name = call.child_by_field_name("type") or call.child_by_field_name("constructor")
    else:
        name = None
    return site.text(name) if name is not None else ""


def _args(call: Node) -> tuple[Node | None, list[Node]]:
    return call.child_by_field_name("arguments"), call_arguments(call)


def _arguments(site: BraceSite) -> Iterator[MaskedCode]:
    for call in _calls(site):
        for arg in _args(call)[1]:
            yield blank(site, "argument", ARGUMENT, arg, _callee(site, call))


def _new_arguments(site: BraceSite) -> Iterator[MaskedCode]:
    for call in _calls(site):
        arguments, args = _args(call)
        if arguments is not None and site.in_hunk(call):
            yield new_argument(site, call, arguments, args, _callee(site, call))


def _returns(site: BraceSite) -> Iterator[MaskedCode]:
    for node in site.of_type("return_statement"):
        value = returned(node)
        if value is not None:
            yield blank(site, "return", EXPRESSION, value)


def _conditions(site: BraceSite) -> list[Node]:
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


def _clauses(site: BraceSite) -> Iterator[MaskedCode]:
    for condition in _conditions(site):
        for operator in ("&&", "||"):
            yield clause(site, condition, operator)


def _statement(site: BraceSite) -> Node | None:
    """The hunk's statement, if it sits alone on its lines directly in a block."""
    anchor = site.anchor
    if anchor is None or anchor.parent is None or anchor.parent.type not in site.syntax.blocks:
        return None
    return anchor if site.alone_on_lines(anchor) else None


def _wraps(site: BraceSite) -> Iterator[MaskedCode]:
    anchor = _statement(site)
    if anchor is None or anchor.type in site.syntax.not_wrapped:
        return
    indent, unit, newline = site.indent(anchor) or "", site.indent_unit(anchor), site.newline
    start, end = site.line_start(anchor.start_byte), site.line_end(anchor.end_byte)
    lines = site.slice(start, end).split(newline)
    body = newline.join(unit + line if line.strip() else line for line in lines)
    yield MaskedCode("wrap", CONDITION, start, end, None, site, anchor,
                     prefix=f"{indent}if (", suffix=f") {{{newline}{body}{newline}{indent}}}")


def _guards(site: BraceSite) -> Iterator[MaskedCode]:
    anchor = _statement(site)
    if anchor is None:
        return
    indent, inner, newline = _layout(site, anchor)
    for statement in exits(site, anchor)[:EXITS]:
        suffix = f") {{{newline}{inner}{statement}{newline}{indent}}}{newline}"
        yield inserted(site, anchor, "guard", CONDITION, f"{indent}if (", suffix)


def _null_checks(site: BraceSite) -> Iterator[MaskedCode]:
    anchor = _statement(site)
    if anchor is None or site.function is None or site.return_type in (None, "void"):
        return
    indent, inner, newline = _layout(site, anchor)
    for variable in _dereferenced(site)[:GUARDED]:
        prefix = f"{indent}if ({variable} == {site.syntax.null}) {{{newline}{inner}return "
        yield inserted(site, anchor, "null_check", EXPRESSION, prefix,
                        f";{newline}{indent}}}{newline}")


def _dereferenced(site: BraceSite) -> list[str]:
    """Variables that may be null which the hunk dereferences (``v.m()``, ``v.f``)."""
    syntax = site.syntax
    found = []
    for node in site.nodes:
        owner = None
        if node.type == syntax.call:
            owner = site.callee(node)[1]
        elif node.type == syntax.member:
            owner = node.child_by_field_name(syntax.member_object)
        if owner is not None and owner.type == "identifier":
            variable = site.variable(owner)
            if variable is not None and site.nullable(variable.type):
                found.append(site.text(owner))
    return unique(found)


def _layout(site: BraceSite, anchor: Node) -> tuple[str, str, str]:
    """The statement's indentation, one level deeper, and the file's newline."""
    indent = site.indent(anchor) or ""
    return indent, indent + site.indent_unit(anchor), site.newline


def _types(site: BraceSite) -> Iterator[MaskedCode]:
    if "mutate_data_type" not in site.syntax.families:
        return
    for node in site.nodes:
        if node.type in TYPED:
            kind = node.child_by_field_name("type")
            if kind is not None and site.in_hunk(kind):
                yield blank(site, "type", TYPE, kind)
