"""GAMMA's mask patterns for Python: TBar's families with the donor code left blank.

GAMMA (Zhang et al. 2023, Table 1) turns each fix-pattern family into masked variants of the
buggy statement. For Python:

===================  ===================  =====================================================
pattern              family (prior)       the blank
===================  ===================  =====================================================
``operator``         mutate_operator      each binary, comparison, boolean, augmented operator
``literal``          mutate_literal       each literal (numbers, strings, ``True``, ``None``)
``variable``         mutate_variable      each variable read or written
``attribute``        mutate_variable      each attribute name (``x.<mask>``), callees excepted
``method``           mutate_call          each called function's or method's name
``argument``         mutate_arguments     each argument of a call (a keyword argument's value)
``insert_argument``  mutate_arguments     a new last argument: ``f(a, <mask>)``
``return``           mutate_return        the returned expression: ``return <mask>``
``add_clause``       mutate_condition     ``cond and <mask>`` / ``cond or <mask>``
``guard``            insert_guard         ``if <mask>: return r`` (``continue`` in a loop)
                                          inserted before the statement
``null_check``       insert_guard         ``if v is None: return <mask>`` for a variable the
                                          statement dereferences
``exception``        mutate_variable      each exception class an ``except`` clause names
``slice``            mutate_range         each slice: ``a[<mask>]`` for ``a[1:]``
===================  ===================  =====================================================

Each pattern yields :class:`~apr.generate.fill.base.MaskedCode` values, in document order
within the hunk; families without donor code (casts, range checks, moves) have no blank.
"""

from __future__ import annotations

from collections.abc import Iterator

from apr.generate.core import binds_under
from apr.generate.expressions import LITERALS, int_value
from apr.generate.fill.base import (
    ARGUMENT,
    ATTRIBUTE,
    CALLEE,
    CONDITION,
    EXCEPTION,
    EXPRESSION,
    LITERAL,
    NAME,
    NEW_ARGUMENT,
    OPERATOR,
    SLICE,
    MaskedCode,
)
from apr.generate.fill.vocab import caught
from apr.generate.site import (
    SPECIAL_NAMES,
    Node,
    Site,
    field_of,
    is_variable,
    returned,
    unique,
)
from apr.generate.statements import CONDITION_OWNERS, guard_values, guardable

#: Each mask pattern's template family (its prior comes from the family's).
PATTERN_FAMILIES: dict[str, str] = {
    "operator": "mutate_operator",
    "literal": "mutate_literal",
    "variable": "mutate_variable",
    "attribute": "mutate_variable",
    "method": "mutate_call",
    "argument": "mutate_arguments",
    "insert_argument": "mutate_arguments",
    "return": "mutate_return",
    "add_clause": "mutate_condition",
    "guard": "insert_guard",
    "null_check": "insert_guard",
    "exception": "mutate_variable",
    "slice": "mutate_range",
}
OPERATOR_FIELDS: dict[str, tuple[str, str]] = {
    "binary_operator": ("operator", "arithmetic"),
    "boolean_operator": ("operator", "boolean"),
    "augmented_assignment": ("operator", "augmented"),
    "comparison_operator": ("operators", "comparison"),
}
BOOLEAN_EXPRESSIONS = frozenset({"comparison_operator", "boolean_operator", "not_operator"})
VALUE_OWNERS = frozenset({"return_statement", "assert_statement", "assignment"})
SPLATS = frozenset({"list_splat", "dictionary_splat", "parenthesized_list_splat"})
GUARD_BODIES = 2
"""Return values tried in a ``guard``'s body (the function's other returns, else defaults)."""
GUARDED = 2
"""Variables given a ``null_check``."""


def python_masks(site: Site) -> Iterator[MaskedCode]:
    """Every blank of every pattern for the hunk of ``site`` (see the module doc)."""
    for pattern in (_operators, _literals, _variables, _methods, _arguments, _new_arguments,
                    _returns, _clauses, _guards, _null_checks, _exceptions, _slices):
        yield from pattern(site)


def blank(site: Site, pattern: str, kind: str, node: Node, hint: str = "") -> MaskedCode:
    """``node`` replaced by a blank."""
    return MaskedCode(pattern, kind, node.start_byte, node.end_byte, site.text(node), site,
                      node, hint=hint)


def _operators(site: Site) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if node.type in OPERATOR_FIELDS:
            name, kind = OPERATOR_FIELDS[node.type]
            for token in node.children_by_field_name(name):
                yield blank(site, "operator", OPERATOR, token, kind)


def _literals(site: Site) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if is_literal(site, node):
            yield blank(site, "literal", LITERAL, node)


def is_literal(site: Site, node: Node) -> bool:
    """A literal worth a blank: a number (``-1`` whole), a one-line string that is not a
    docstring or f-string, ``True``/``False``/``None``."""
    parent = node.parent
    if node.type == "unary_operator":
        return int_value(site, node) is not None
    if node.type not in LITERALS or parent is None:
        return False
    if node.type == "integer":
        return parent.type != "unary_operator"
    if node.type == "string":
        plain = not any(c.type == "interpolation" for c in node.children)
        return plain and parent.type != "expression_statement" and "\n" not in site.text(node)
    return True


def _variables(site: Site) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if is_variable(node) and site.text(node) not in SPECIAL_NAMES:
            yield blank(site, "variable", NAME, node)
        elif node.type == "attribute" and field_of(node) != "function":
            owner, name = node.child_by_field_name("object"), node.child_by_field_name("attribute")
            if owner is not None and name is not None:
                yield blank(site, "attribute", ATTRIBUTE, name, site.text(owner))


def _callee(site: Site, call: Node) -> tuple[Node, str] | None:
    """The name node of a call's callee, and whether it is a function or a method."""
    callee = call.child_by_field_name("function")
    if callee is not None and callee.type == "identifier":
        return callee, "function"
    if callee is not None and callee.type == "attribute":
        name = callee.child_by_field_name("attribute")
        return (name, "method") if name is not None else None
    return None


def callee_name(site: Site, call: Node) -> str:
    """The called name (``f`` in ``f(x)``, ``m`` in ``o.m(x)``), or ``""``."""
    found = _callee(site, call)
    return site.text(found[0]) if found is not None else ""


def _methods(site: Site) -> Iterator[MaskedCode]:
    for call in site.of_type("call"):
        found = _callee(site, call)
        if found is not None and site.in_hunk(found[0]):
            yield blank(site, "method", CALLEE, found[0], found[1])


def _call_arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list":
        return []
    return [a for a in arguments.named_children if a.type != "comment"]


def _arguments(site: Site) -> Iterator[MaskedCode]:
    for call in site.of_type("call"):
        name = callee_name(site, call)
        for arg in _call_arguments(call):
            if arg.type in SPLATS:
                continue
            value = arg.child_by_field_name("value") if arg.type == "keyword_argument" else arg
            if value is not None:
                yield blank(site, "argument", ARGUMENT, value, name)


def _new_arguments(site: Site) -> Iterator[MaskedCode]:
    for call in site.of_type("call"):
        arguments = call.child_by_field_name("arguments")
        if arguments is None or arguments.type != "argument_list" or not site.in_hunk(call):
            continue
        yield new_argument(site, call, arguments, _call_arguments(call), callee_name(site, call))


def new_argument(site: Site, call: Node, arguments: Node, args: list[Node],
                 hint: str) -> MaskedCode:
    """A new last argument of ``call``: ``f(a, <mask>)``, ``f(<mask>)``."""
    at = args[-1].end_byte if args else arguments.start_byte + 1
    return MaskedCode("insert_argument", NEW_ARGUMENT, at, at, None, site, call,
                      prefix=", " if args else "", hint=hint)


def _returns(site: Site) -> Iterator[MaskedCode]:
    for node in site.of_type("return_statement"):
        value = returned(node)
        if value is not None:
            yield blank(site, "return", EXPRESSION, value)
        else:
            keyword = node.children[0]
            yield MaskedCode("return", EXPRESSION, keyword.end_byte, keyword.end_byte, None,
                             site, node, prefix=" ")


def conditions(site: Site) -> list[Node]:
    """The hunk's conditions: ``if``/``elif``/``while`` headers', and boolean expressions that
    are returned, asserted or assigned."""
    found = []
    for node in site.nodes:
        parent = node.parent
        if parent is None or node.type == "comment":
            continue
        if parent.type in CONDITION_OWNERS and field_of(node) == "condition":
            found.append(node)
        elif node.type in BOOLEAN_EXPRESSIONS and parent.type in VALUE_OWNERS:
            found.append(node)
    return found


def _clauses(site: Site) -> Iterator[MaskedCode]:
    for condition in conditions(site):
        text = site.text(condition)
        if "\n" in text:
            continue
        for operator in ("and", "or"):
            yield clause(site, condition, operator)


def clause(site: Site, condition: Node, operator: str) -> MaskedCode:
    """``condition <operator> <mask>``, ``condition`` parenthesized unless it binds tighter
    (another logical operator always counts as looser: the blank reads unambiguously)."""
    text = site.text(condition)
    if not binds_under(site, condition, operator, mixed=False):
        return MaskedCode("add_clause", CONDITION, condition.start_byte, condition.end_byte,
                          None, site, condition, prefix=f"({text}) {operator} ")
    return MaskedCode("add_clause", CONDITION, condition.end_byte, condition.end_byte, None,
                      site, condition, prefix=f" {operator} ")


def _exceptions(site: Site) -> Iterator[MaskedCode]:
    for node in site.nodes:
        clause = node.parent
        while clause is not None and clause.type in ("as_pattern", "tuple",
                                                      "parenthesized_expression"):
            clause = clause.parent
        if clause is not None and clause.type == "except_clause" and any(
                (c.start_byte, c.end_byte) == (node.start_byte, node.end_byte)
                for c in caught(clause)):
            yield blank(site, "exception", EXCEPTION, node)


def _slices(site: Site) -> Iterator[MaskedCode]:
    for node in site.nodes:
        if node.type == "slice" and node.parent is not None and node.parent.type == "subscript":
            yield blank(site, "slice", SLICE, node)


def _guards(site: Site) -> Iterator[MaskedCode]:
    anchor = guardable(site)
    if anchor is None:
        return
    bodies = [f"return {v}".rstrip() for v in guard_values(site, anchor)[:GUARD_BODIES]]
    if site.in_loop(anchor):
        bodies.append("continue")
    for body in bodies:
        yield _inserted(site, anchor, "guard", CONDITION, "if ", ":{nl}{inner}" + body + "{nl}")


def _null_checks(site: Site) -> Iterator[MaskedCode]:
    anchor = guardable(site)
    if anchor is None or site.function is None:
        return
    names = set(site.local_names)
    variables = unique(site.text(n) for n in site.nodes
                       if is_variable(n) and dereferenced(n) and site.text(n) in names)
    for variable in variables[:GUARDED]:
        yield _inserted(site, anchor, "null_check", EXPRESSION,
                        f"if {variable} is None:" + "{nl}{inner}return ", "{nl}")


def dereferenced(node: Node) -> bool:
    """Whether a variable is the object of an attribute, subscript or the callee."""
    parent = node.parent
    if parent is None:
        return False
    return parent.type in ("attribute", "subscript") and field_of(node) in ("object", "value")


def _inserted(site: Site, anchor: Node, pattern: str, kind: str, prefix: str,
              suffix: str) -> MaskedCode:
    """A line inserted before ``anchor``; ``{nl}`` and ``{inner}`` in the texts become the file's
    newline and the indentation of a nested block."""
    indent, newline = site.indent(anchor) or "", site.newline
    inner = indent + site.indent_unit(anchor)

    def expand(text: str) -> str:  # not str.format: the texts hold code, e.g. f"{hours}"
        return text.replace("{nl}", newline).replace("{inner}", inner)

    return inserted(site, anchor, pattern, kind, indent + expand(prefix), expand(suffix))


def inserted(site: Site, anchor: Node, pattern: str, kind: str, prefix: str,
             suffix: str) -> MaskedCode:
    """Code inserted at the start of ``anchor``'s line, the blank between prefix and suffix."""
    at = site.line_start(anchor.start_byte)
    return MaskedCode(pattern, kind, at, at, None, site, anchor, prefix=prefix, suffix=suffix)

