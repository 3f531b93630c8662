"""Statement-level TBar families for Python: conditions, guards, returns, deletion and moves.

Each family is a function ``(Site) -> Iterator[Rewrite]``. Families that add or move lines keep
the file's indentation and newline style; a statement that shares its line with other code
(``a = 1; b = 2``, ``if x: return y``) is not deleted, moved or guarded.
"""

from __future__ import annotations

from collections.abc import Iterator

from apr.generate.site import (
    CLAUSES,
    Node,
    Rewrite,
    Site,
    contains,
    field_of,
    interleave,
    is_variable,
    returned,
    short,
    swap_lines,
    target_names,
    unique,
    walk,
)

BOOLEAN_EXPRESSIONS = ("comparison_operator", "boolean_operator", "not_operator")
CONDITION_OWNERS = frozenset({"if_statement", "elif_clause", "while_statement"})
BOOLEAN_VALUE_OWNERS = frozenset({"return_statement", "assert_statement"})
NEGATED: dict[str, str] = {
    "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==",
    "is": "is not", "is not": "is", "in": "not in", "not in": "in",
}
PRIMARY = frozenset(
    {"identifier", "call", "attribute", "subscript", "parenthesized_expression", "true", "false",
     "none", "integer", "string", "list", "tuple", "dictionary", "set"}
)
LOOSE = frozenset({"conditional_expression", "lambda", "named_expression"})
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
    yield _negation(site, condition)
    yield from _null_checks(site, condition)
    yield from _negated_operands(site, condition)
    yield from _dropped_operands(site, condition)
    for inner in site.of_type("not_operator"):
        argument = inner.child_by_field_name("argument")
        if inner != condition and contains(condition, inner) and argument is not None:
            yield Rewrite(inner.start_byte, inner.end_byte, site.text(argument),
                          f"drop `not` in `{short(site.text(inner))}`")
    donors = [*_condition_donors(site, condition), *_flag_donors(site, condition)]
    for text, primary in donors:
        yield _with_clause(site, condition, "and", text, primary)
        yield _with_clause(site, condition, "or", text, primary)
    for text, primary in donors:
        yield _with_clause(site, condition, "and", text, primary, negate=True)
        yield _with_clause(site, condition, "or", text, primary, negate=True)


def _literal_condition(site: Site, condition: Node) -> Iterator[Rewrite]:
    """``while True:`` -> ``while queue:`` (a loop that should stop when a collection empties)."""
    for name in site.local_names[:CLAUSE_DONORS + 2]:
        yield Rewrite(condition.start_byte, condition.end_byte, name,
                      f"`{site.text(condition)}` -> `{name}`")


def _null_checks(site: Site, condition: Node) -> Iterator[Rewrite]:
    """GAMMA's "insert null check" on a condition: ``a.b is None`` -> ``a is None or a.b is
    None``, and ``a is not None and ...``, for the objects the condition dereferences."""
    if condition.type in LOOSE:
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
    for chain in _chains(site, condition):
        operands = _operands(site, chain, _op(site, chain) or "and")
        for operand in operands if len(operands) > 1 else ():
            rewrite = _negation(site, operand)
            yield Rewrite(rewrite.start, rewrite.end, rewrite.text,
                          f"{rewrite.description} in `{short(site.text(chain))}`")


def _negation(site: Site, condition: Node) -> Rewrite:
    argument = condition.child_by_field_name("argument")
    if condition.type == "not_operator" and argument is not None:
        return Rewrite(condition.start_byte, condition.end_byte, site.text(argument),
                       f"drop `not` in `{short(site.text(condition))}`")
    operators = condition.children_by_field_name("operators")
    if condition.type == "comparison_operator" and len(operators) == 1:
        old = site.text(operators[0])
        if old in NEGATED:
            new = NEGATED[old]
            return Rewrite(operators[0].start_byte, operators[0].end_byte, f" {new} ".strip(),
                           f"negate: `{old}` -> `{new}`")
    text = site.text(condition)
    negated = f"not {text}" if condition.type in PRIMARY else f"not ({text})"
    return Rewrite(condition.start_byte, condition.end_byte, negated, f"negate `{short(text)}`")


def _operands(site: Site, node: Node, operator: str) -> list[Node]:
    """The operands of a chain of one boolean operator (``a and b and c``)."""
    op = node.child_by_field_name("operator")
    if node.type != "boolean_operator" or op is None or site.text(op) != operator:
        return [node]
    return [o for side in ("left", "right") if (child := node.child_by_field_name(side))
            for o in _operands(site, child, operator)]


def _dropped_operands(site: Site, condition: Node) -> Iterator[Rewrite]:
    for chain in _chains(site, condition):
        op = chain.child_by_field_name("operator")
        operator = site.text(op) if op is not None else "and"
        operands = _operands(site, chain, operator)
        for index, dropped in enumerate(operands):
            rest = [site.text(o) for i, o in enumerate(operands) if i != index]
            yield Rewrite(chain.start_byte, chain.end_byte, f" {operator} ".join(rest),
                          f"drop `{short(site.text(dropped))}`")


def _chains(site: Site, condition: Node) -> list[Node]:
    """The maximal ``and``/``or`` chains inside ``condition`` (outermost first)."""
    chains = []
    for node in site.nodes:
        if node.type != "boolean_operator" or not contains(condition, node):
            continue
        parent = node.parent
        same = parent is not None and parent.type == "boolean_operator"
        same = same and parent is not None and _op(site, parent) == _op(site, node)
        if not same or node == condition:
            chains.append(node)
    return chains


def _op(site: Site, node: Node) -> str:
    op = node.child_by_field_name("operator")
    return site.text(op) if op is not None else ""


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
            donors.setdefault(donor, node.type not in LOOSE and node.type != "boolean_operator")
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


def _with_clause(site: Site, condition: Node, operator: str, added: str, primary: bool,
                 negate: bool = False) -> Rewrite:
    """``condition <operator> [not] added``, parenthesizing either side where precedence
    demands (``primary``: ``added`` needs no parentheses as an operand)."""
    text = site.text(condition)
    if negate:
        added = f"not {added}" if primary else f"not ({added})"
    description = f"add `{operator} {short(added)}`"
    if not negate and not primary:
        added = f"({added})"
    if _binds_under(site, condition, operator):
        return Rewrite(condition.end_byte, condition.end_byte, f" {operator} {added}", description)
    return Rewrite(condition.start_byte, condition.end_byte, f"({text}) {operator} {added}",
                   description)


def _binds_under(site: Site, node: Node, operator: str) -> bool:
    """Whether ``node`` can be an operand of ``operator`` without parentheses."""
    if node.type in LOOSE:
        return False
    return node.type != "boolean_operator" or _op(site, node) == operator


# --- 7. guards ---------------------------------------------------------------------------------


def insert_guard(site: Site) -> Iterator[Rewrite]:
    """Insert ``if v is None: return r`` / ``if not v: return r`` before the statement, for the
    function's variables it uses (dereferenced ones first), with ``r`` the function's other return
    values (defaults only when it has none); inside a loop also ``if v is None: continue``."""
    anchor = site.anchor
    if anchor is None or anchor.parent is None or site.indent(anchor) is None:
        return iter(())
    if anchor.parent.type not in ("block", "module"):
        return iter(())
    values = _guard_values(site, anchor)
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


def _guard_values(site: Site, anchor: Node) -> list[str]:
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
        yield _guard(site, anchor, f"{variable} is None", statement)
        yield _guard(site, anchor, f"not {variable}", statement)
        if index == 0 and loop:
            yield _guard(site, anchor, f"{variable} is None", "continue")
    if not values and loop:
        yield _guard(site, anchor, f"{variable} is None", "continue")


def _guard(site: Site, anchor: Node, condition: str, statement: str) -> Rewrite:
    indent, unit, newline = site.indent(anchor) or "", site.indent_unit(anchor), site.newline
    text = f"{indent}if {condition}:{newline}{indent}{unit}{statement}{newline}"
    at = site.line_start(anchor.start_byte)
    return Rewrite(at, at, text, f"insert `if {condition}: {statement}`")


# --- 8. return values --------------------------------------------------------------------------


def mutate_return(site: Site) -> Iterator[Rewrite]:
    """A returned expression -> another one the function returns, or a variable in scope."""
    return interleave(_return_site(site, r) for r in site.of_type("return_statement"))


def _return_site(site: Site, node: Node) -> Iterator[Rewrite]:
    value = returned(node)
    if value is None:
        return
    old = site.text(value)
    others = [site.text(v) for r in site.returns if r != node and (v := returned(r)) is not None]
    others = [text for text in others if "\n" not in text]
    donors = unique(others, [old])[:4] + unique(site.names_at(value), [old, *others])[:3]
    for donor in donors:
        yield Rewrite(value.start_byte, value.end_byte, donor, f"return `{short(donor)}`")


# --- 9. deletion -------------------------------------------------------------------------------


def delete_statement(site: Site) -> Iterator[Rewrite]:
    """Delete the statement's lines, or replace it with ``pass`` if its block needs one."""
    anchor = site.anchor
    if anchor is None or not _movable(site, anchor) or anchor.type == "pass_statement":
        return
    description = f"delete `{short(site.text(anchor))}`"
    in_block = anchor.parent is not None and anchor.parent.type == "block"
    if in_block and len(_statements(anchor)) == 1:
        yield Rewrite(anchor.start_byte, anchor.end_byte, "pass", description)
    elif site.alone_on_lines(anchor):
        start, end = site.line_start(anchor.start_byte), site.line_end(anchor.end_byte)
        newline = site.source.find(b"\n", end)
        yield Rewrite(start, len(site.source) if newline < 0 else newline + 1, "", description)


def _movable(site: Site, anchor: Node) -> bool:
    """A simple statement directly in a block (or the module)."""
    parent = anchor.parent
    simple = site.language.grammar.simple_statements - {"decorator"}
    return anchor.type in simple and parent is not None and parent.type in ("block", "module")


def _statements(node: Node) -> list[Node]:
    """``node`` and its sibling statements, comments excluded."""
    parent = node.parent
    return [c for c in parent.named_children if c.type != "comment"] if parent else [node]


# --- 10. moves ---------------------------------------------------------------------------------


def move_statement(site: Site) -> Iterator[Rewrite]:
    """Swap the statement's lines with those of the previous, then the next, sibling statement."""
    anchor = site.anchor
    if anchor is None or not _movable(site, anchor) or not site.alone_on_lines(anchor):
        return
    siblings = _statements(anchor)
    index = siblings.index(anchor)
    for at in (index - 1, index + 1):
        neighbour = siblings[at] if 0 <= at < len(siblings) else None
        if neighbour is None or neighbour.type in CLAUSES:
            continue
        if site.alone_on_lines(neighbour):
            yield swap_lines(site, *sorted((anchor, neighbour), key=lambda n: n.start_byte))
