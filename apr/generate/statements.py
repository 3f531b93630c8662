"""Statement-level TBar families for Python: conditions and guards (returns, deletion and moves
are the core's: :mod:`apr.generate.core`, as are the parts of a condition rewrite).

Each family is a function ``(Site) -> Iterator[Rewrite]``. Families that add or move lines keep
the file's indentation and newline style; a statement that shares its line with other code
(``a = 1; b = 2``, ``if x: return y``) is not deleted, moved or guarded.
"""

from __future__ import annotations

from collections.abc import Iterator

from apr.generate.core import (
    chains,
    dropped_operands,
    guard,
    logical_of,
    negated_operand,
    negation,
    operands,
    throw_guards,
    with_clause,
)
from apr.generate.site import (
    Node,
    Rewrite,
    Site,
    contains,
    field_of,
    interleave,
    is_variable,
    returned,
    short,
    target_names,
    unique,
    walk,
)

BOOLEAN_EXPRESSIONS = ("comparison_operator", "boolean_operator", "not_operator")
CONDITION_OWNERS = frozenset({"if_statement", "elif_clause", "while_statement"})
BOOLEAN_VALUE_OWNERS = frozenset({"return_statement", "assert_statement"})
DEFAULT_RETURNS = ("None", "0", "[]", '""', "False")
"""Guard return values when the function has no other return to borrow from."""
CLAUSE_DONORS = 3
GUARDED_VARIABLES = 3


# --- 6. conditions -----------------------------------------------------------------------------


def mutate_condition(site: Site) -> Iterator[Rewrite]:
    """Negate a condition (``if``/``elif``/``while`` headers, boolean returns, assignments and
    asserts), drop an operand of an ``and``/``or``, or append ``and``/``or`` a donor condition
    taken from the function, then the file."""
    return interleave(_condition_site(site, c) for c in _conditions(site))


def _conditions(site: Site) -> list[Node]:
    found = []
    for node in site.nodes:
        parent = node.parent
        if parent is None or node.type == "comment":
            continue
        if parent.type in CONDITION_OWNERS and field_of(node) == "condition":
            found.append(node)
        elif node.type in BOOLEAN_EXPRESSIONS and _holds_boolean_value(parent, node):
            found.append(node)
    return found


def _holds_boolean_value(parent: Node, node: Node) -> bool:
    if parent.type in BOOLEAN_VALUE_OWNERS:
        return True
    return parent.type == "assignment" and field_of(node) == "right"


def _condition_site(site: Site, condition: Node) -> Iterator[Rewrite]:
    if condition.type in ("true", "false"):
        yield from _literal_condition(site, condition)
        return
    yield negation(site, condition)
    yield from _null_checks(site, condition)
    yield from _negated_operands(site, condition)
    yield from dropped_operands(site, condition)
    for inner in site.of_type(site.syntax.negation):
        if inner != condition and contains(condition, inner) \
                and negated_operand(site, inner) is not None:
            yield negation(site, inner)  # the `not` dropped
    donors = [*_condition_donors(site, condition), *_flag_donors(site, condition)]
    for text, primary in donors:
        yield with_clause(site, condition, "and", text, primary)
        yield with_clause(site, condition, "or", text, primary)
    for text, primary in donors:
        yield with_clause(site, condition, "and", text, primary, negate=True)
        yield with_clause(site, condition, "or", text, primary, negate=True)


def _literal_condition(site: Site, condition: Node) -> Iterator[Rewrite]:
    """``while True:`` -> ``while queue:`` (a loop that should stop when a collection empties)."""
    for name in site.local_names[:CLAUSE_DONORS + 2]:
        yield Rewrite(condition.start_byte, condition.end_byte, name,
                      f"`{site.text(condition)}` -> `{name}`")


def _null_checks(site: Site, condition: Node) -> Iterator[Rewrite]:
    """GAMMA's "insert null check" on a condition: ``a.b is None`` -> ``a is None or a.b is
    None``, and ``a is not None and ...``, for the objects the condition dereferences."""
    if condition.type in site.syntax.loose:
        return
    owners = unique(site.text(o) for n in walk(condition) if n.type == "attribute"
                    and (o := n.child_by_field_name("object")) is not None
                    and o.type == "identifier")
    at = condition.start_byte
    text = site.text(condition)
    for owner in owners:
        for prefix in (f"{owner} is None or ", f"{owner} is not None and "):
            wrapped = f"{prefix}{text}" if condition.type != "boolean_operator" \
                else f"{prefix}({text})"
            yield Rewrite(at, condition.end_byte, wrapped, f"add null check `{prefix.strip()}`")


def _negated_operands(site: Site, condition: Node) -> Iterator[Rewrite]:
    """Negate one operand of an ``and``/``or`` chain (``a and f(x)`` -> ``a and not f(x)``)."""
    for chain in chains(site, condition):
        parts = operands(site, chain, logical_of(site, chain))
        for operand in parts if len(parts) > 1 else ():
            rewrite = negation(site, operand)
            yield Rewrite(rewrite.start, rewrite.end, rewrite.text,
                          f"{rewrite.description} in `{short(site.text(chain))}`")


def _condition_donors(site: Site, condition: Node) -> list[tuple[str, bool]]:
    """Boolean expressions and ``if``/``while`` conditions of the function, then the file, as
    (text, can stand as an operand of any boolean operator without parentheses)."""
    text = site.text(condition)
    donors: dict[str, bool] = {}
    for node in site.donors(*BOOLEAN_EXPRESSIONS, *CONDITION_OWNERS):
        if node.type in CONDITION_OWNERS:
            node = node.child_by_field_name("condition") or condition
        donor = site.text(node)
        if "\n" not in donor and donor not in text and text not in donor:
            bare = node.type not in site.syntax.loose and node.type != "boolean_operator"
            donors.setdefault(donor, bare)
    return list(donors.items())[:CLAUSE_DONORS]


def _flag_donors(site: Site, condition: Node) -> list[tuple[str, bool]]:
    """``obj.flag`` for the objects the condition reads and the file's boolean fields: names
    declared ``flag: bool`` or assigned ``True``/``False`` (``x.flag = True``). A forgotten flag
    check (``and not item.archived``) is a common missing clause that no boolean expression of
    the file spells out."""
    owners = unique(site.text(o) for n in walk(condition) if n.type == "attribute"
                    and (o := n.child_by_field_name("object")) is not None
                    and o.type == "identifier")
    text = site.text(condition)
    found = [f"{owner}.{flag}" for flag in site.index.boolean_fields for owner in owners]
    flags = [f for f in unique(found) if f not in text][:CLAUSE_DONORS]
    names = [n for n in site.params if n not in text][:CLAUSE_DONORS]  # `or not coins`
    return [(f, True) for f in [*flags, *names]]


# --- 7. guards ---------------------------------------------------------------------------------


def insert_guard(site: Site) -> Iterator[Rewrite]:
    """Insert ``if v is None: return r`` / ``if not v: return r`` before the statement, for the
    function's variables it uses (dereferenced ones first), with ``r`` the function's other return
    values (defaults only when it has none); inside a loop also ``if v is None: continue``."""
    anchor = guardable(site)
    if anchor is None:
        return iter(())
    values = guard_values(site, anchor)
    loop = site.in_loop(anchor)
    variables = _guard_variables(site, anchor)[:GUARDED_VARIABLES]
    return interleave(_guards(site, anchor, v, values, loop) for v in variables)


def _guard_variables(site: Site, anchor: Node) -> list[str]:
    names = set(site.local_names if site.function is not None else site.module_names)
    # a target is not read, but ``value = value.decode()`` reads ``value`` on its right
    targets = {(n.start_byte, n.end_byte) for n in _assigned(anchor)}
    used = [n for n in site.nodes if is_variable(n) and site.text(n) in names]
    used = [n for n in used if (n.start_byte, n.end_byte) not in targets]
    dereferenced = [n for n in used if _dereferenced(n)]
    return unique(site.text(n) for n in [*dereferenced, *used])


def _assigned(anchor: Node) -> list[Node]:
    """Variables the statement binds (not reads): assignment and ``for`` targets."""
    if anchor.type == "for_statement":
        return target_names(anchor.child_by_field_name("left"))
    expression = anchor.named_children[0] if anchor.named_child_count else None
    if anchor.type == "expression_statement" and expression and expression.type == "assignment":
        return target_names(expression.child_by_field_name("left"))
    return []


def _dereferenced(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type in ("attribute", "subscript"):
        return field_of(node) in ("object", "value")
    return parent.type == "argument_list"


def guardable(site: Site) -> Node | None:
    """The hunk's statement, when a line can be inserted before it."""
    anchor = site.anchor
    if anchor is None or anchor.parent is None or site.indent(anchor) is None:
        return None
    return anchor if anchor.parent.type in ("block", "module") else None


def guard_values(site: Site, anchor: Node) -> list[str]:
    """Return values to borrow: the function's other returns, else defaults; none outside.

    Multi-line values are left out: re-indented elsewhere they may not parse.
    """
    if site.function is None:
        return []
    others = [r for r in site.returns if not contains(anchor, r)]
    if not others:
        return list(DEFAULT_RETURNS)
    values = unique(site.text(v) if (v := returned(r)) is not None else "" for r in others)
    return [v for v in values if "\n" not in v]


def _guards(
    site: Site, anchor: Node, variable: str, values: list[str], loop: bool
) -> Iterator[Rewrite]:
    for index, value in enumerate(values):
        statement = f"return {value}".rstrip()
        yield guard(site, anchor, f"{variable} is None", statement)
        yield guard(site, anchor, f"not {variable}", statement)
        if index == 0 and loop:
            yield guard(site, anchor, f"{variable} is None", "continue")
    if not values and loop:
        yield guard(site, anchor, f"{variable} is None", "continue")


# --- raise guards ------------------------------------------------------------------------------


def insert_raise_guard(site: Site) -> Iterator[Rewrite]:
    """``if c: raise ...`` before the statement, both parts copied from the file: Python's
    ``insert_throw_guard`` (:func:`~apr.generate.core.throw_guards`)."""
    return throw_guards(site, guardable(site))
