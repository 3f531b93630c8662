"""More Python families: expression rewrites and inserted statements.

These complete the TBar set with the mutation operators of PraPR/ssFix-style tools that real
one-line bugs keep needing (seen on our own suite and on QuixBugs under perfect localization):

``mutate_expression``
    a binary operation -> one of its operands (``1 + f(x)`` -> ``f(x)``); the operands of a
    non-commutative operation swapped (``r + a[i]`` -> ``a[i] + r``); an argument, a
    parenthesized arithmetic expression or one component of a tuple subscript +/- 1
    (``f(mid)`` -> ``f(mid + 1)``, ``dp[i - 1, j]`` -> ``dp[i - 1, j - 1]``); a sum or difference
    assigned or returned +/- 1 (``col = i - start`` -> ``col = i - start + 1``); the components of a
    tuple subscript swapped (``d[j, k]`` -> ``d[k, j]``); a one-argument call unwrapped
    (``yield flatten(x)`` -> ``yield x``); an empty list literal -> ``[[]]`` or ``[v]``; a
    variable given the subscript a sibling in the same statement has (``f(a[1:], b)`` ->
    ``f(a[1:], b[1:])``); an assignment in a loop made a running ``max``/``min``
    (``best = x`` -> ``best = max(best, x)``).
``insert_statement``
    a call that adds to a local collection (``seen.add(node)``, ``out.append(x)``) or an
    assignment of a variable the statement reads (``prev = node``), inserted before or after the
    statement; the collections are the locals bound to ``[]``, ``set()``, ``{}``, ``list()``,
    ``dict()`` or ``deque(...)``.
"""

from __future__ import annotations

from collections.abc import Iterator

from apr.generate.expressions import int_value, shifted
from apr.generate.site import (
    Node,
    Rewrite,
    Site,
    field_of,
    interleave,
    is_variable,
    unique,
    walk,
)

NON_COMMUTATIVE = frozenset({"-", "/", "//", "%", "**", "+"})
ARITHMETIC_TYPES = frozenset({"binary_operator", "identifier", "call", "subscript", "attribute"})
COLLECTION_METHODS = {"set": ("add",), "list": ("append",), "deque": ("append", "appendleft")}
RUNNING = ("max", "min")
LOCAL_DONORS = 4
UNWRAP_WEIGHT = 0.9
LOCAL_ARITH_WEIGHT = 0.8
RUNNING_WEIGHT = 0.7


def replace(site: Site, node: Node, text: str, weight: float = 1.0) -> Rewrite:
    return Rewrite(node.start_byte, node.end_byte, text, f"`{site.text(node)}` -> `{text}`",
                   weight)


# --- mutate_expression -----------------------------------------------------------------------


def mutate_expression(site: Site) -> Iterator[Rewrite]:
    """See the module docstring; every site of the hunk, round-robin."""
    streams: list[Iterator[Rewrite]] = []
    for node in site.nodes:
        kind = node.type
        if kind == "binary_operator":
            streams.append(_binary_site(site, node))
        elif kind == "comparison_operator":
            streams.append(_comparison_site(site, node))
        elif kind == "call":
            streams.append(_call_site(site, node))
        elif kind == "subscript":
            streams.append(_subscript_site(site, node))
        elif kind == "parenthesized_expression" and _one_operand(node.named_children):
            streams.append(_off_by_one(site, node.named_children[0]))
        elif kind == "list" and node.named_child_count == 0:
            streams.append(_empty_list_site(site, node))
        elif kind == "identifier" and is_variable(node) and node.parent is not None \
                and node.parent.type == "argument_list":
            streams.append(_sibling_subscript(site, node))
    streams.append(_running_extreme(site))
    streams.append(_iterable_slices(site))
    return interleave(streams)


def recent_locals(site: Site) -> list[str]:
    """The function's locals, most recently mentioned before the hunk first (the values a
    statement most likely needs are the ones just computed)."""
    if site.function is None:
        return []
    locals_ = set(site.local_names)
    before = [n for n in walk(site.function) if n.type == "identifier"
              and n.end_byte <= site.start and site.text(n) in locals_]
    return unique([*(site.text(n) for n in reversed(before)), *site.local_names])


def _iterable_slices(site: Site) -> Iterator[Rewrite]:
    """``for x in arr:`` -> ``for x in arr[k:]`` / ``arr[:k]`` for the function's other locals."""
    anchor = site.anchor
    right = anchor.child_by_field_name("right") if anchor is not None else None
    if anchor is None or anchor.type != "for_statement" or right is None \
            or right.type != "identifier":
        return
    for other in unique(site.local_names, [site.text(right)])[:LOCAL_DONORS]:
        for text in (f"{site.text(right)}[{other}:]", f"{site.text(right)}[:{other}]"):
            yield replace(site, right, text, LOCAL_ARITH_WEIGHT)


def _one_operand(children: list[Node]) -> bool:
    return len(children) == 1 and children[0].type in ARITHMETIC_TYPES


def _comparison_site(site: Site, node: Node) -> Iterator[Rewrite]:
    """``x == 0`` -> ``x <= 1`` and kin: the operator and an integer bound changed together
    (an operator slip and an off-by-one are often one mistake)."""
    operators = node.children_by_field_name("operators")
    operands = [c for c in node.named_children if c not in operators]
    if len(operators) != 1 or len(operands) != 2:
        return
    value = int_value(site, operands[1])
    if value is None:
        return
    old = site.text(operators[0])
    for op in ("<=", "<", ">=", ">", "==", "!="):
        for bound in (value + 1, value - 1):
            if op != old:
                text = f"{site.text(operands[0])} {op} {bound}"
                yield replace(site, node, text, LOCAL_ARITH_WEIGHT)


def _binary_site(site: Site, node: Node) -> Iterator[Rewrite]:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    if left is None or right is None or operator is None:
        return
    for operand in (right, left):
        yield replace(site, node, site.text(operand))
    op = site.text(operator)
    if op in NON_COMMUTATIVE and int_value(site, left) is None and int_value(site, right) is None:
        yield replace(site, node, f"{site.text(right)} {op} {site.text(left)}")
    if op in ("+", "-") and _assigned_or_returned(node):
        yield from _off_by_one(site, node)


def _assigned_or_returned(node: Node) -> bool:
    """Whether ``node`` is the whole value of an assignment or a ``return``."""
    parent = node.parent
    if parent is None:
        return False
    return (parent.type == "return_statement"
            or (parent.type == "assignment" and field_of(node) == "right"))


def _call_site(site: Site, call: Node) -> Iterator[Rewrite]:
    arguments = call.child_by_field_name("arguments")
    args = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
    if len(args) == 1 and args[0].type not in ("keyword_argument", "list_splat",
                                                "dictionary_splat", "generator_expression"):
        yield replace(site, call, site.text(args[0]), UNWRAP_WEIGHT)
    for arg in args:
        if arg.type in ARITHMETIC_TYPES and int_value(site, arg) is None:
            yield from _off_by_one(site, arg)
        if arg.type == "identifier" and is_variable(arg):
            yield from _with_local(site, arg)


def _with_local(site: Site, node: Node) -> Iterator[Rewrite]:
    """``k`` -> ``k - m`` / ``k + m`` for another local ``m`` (an argument adjusted by a
    quantity the function computed)."""
    for other in unique(recent_locals(site), [site.text(node)])[:LOCAL_DONORS]:
        for op in ("-", "+"):
            yield replace(site, node, f"{site.text(node)} {op} {other}", LOCAL_ARITH_WEIGHT)


def _off_by_one(site: Site, node: Node) -> Iterator[Rewrite]:
    yield replace(site, node, shifted(site, node, 1))
    yield replace(site, node, shifted(site, node, -1))


def _subscript_site(site: Site, node: Node) -> Iterator[Rewrite]:
    indices = node.children_by_field_name("subscript")
    if len(indices) < 2:
        return
    for index in indices:
        if index.type != "slice":
            yield from _off_by_one(site, index)
    first, second = indices[0], indices[1]
    if len(indices) == 2 and site.text(first) != site.text(second):
        text = f"{site.text(second)}, {site.text(first)}"
        yield Rewrite(first.start_byte, second.end_byte, text,
                      f"swap `{site.text(first)}` and `{site.text(second)}`")


def _empty_list_site(site: Site, node: Node) -> Iterator[Rewrite]:
    yield replace(site, node, "[[]]")
    for name in site.params[:LOCAL_DONORS]:
        yield replace(site, node, f"[{name}]")


def _sibling_subscript(site: Site, node: Node) -> Iterator[Rewrite]:
    """``v`` -> ``v<suffix>`` where a sibling argument is ``w<suffix>`` (a subscript of a
    variable): ``f(a[1:], b)`` -> ``f(a[1:], b[1:])``."""
    arguments = node.parent
    if arguments is None:
        return
    suffixes = []
    for sibling in arguments.named_children:
        value = sibling.child_by_field_name("value") if sibling.type == "subscript" else None
        if value is not None and value.type == "identifier":
            suffixes.append(site.slice(value.end_byte, sibling.end_byte))
    for suffix in unique(suffixes):
        yield replace(site, node, f"{site.text(node)}{suffix}")


def _running_extreme(site: Site) -> Iterator[Rewrite]:
    """In a loop, ``t = e`` -> ``t = max(t, e)`` / ``min(t, e)``, and ``max(0, e)``."""
    anchor = site.anchor
    if anchor is None or not site.in_loop(anchor) or not anchor.named_child_count:
        return
    assignment = anchor.named_children[0]
    left = assignment.child_by_field_name("left")
    right = assignment.child_by_field_name("right")
    if assignment.type != "assignment" or left is None or right is None \
            or left.type != "identifier":
        return
    target, value = site.text(left), site.text(right)
    for fn in RUNNING:
        yield replace(site, right, f"{fn}({target}, {value})", RUNNING_WEIGHT)
    yield replace(site, right, f"max(0, {value})", RUNNING_WEIGHT)


# --- insert_statement ------------------------------------------------------------------------


def insert_statement(site: Site) -> Iterator[Rewrite]:
    """See the module docstring: before, then after, the hunk's statement."""
    anchor = site.anchor
    if anchor is None or anchor.parent is None or site.indent(anchor) is None:
        return iter(())
    if anchor.parent.type not in ("block", "module") or site.function is None:
        return iter(())
    statements = [*_collection_adds(site, anchor), *_assignments(site, anchor)]
    return interleave([_placed(site, anchor, statements, before=False),
                       _placed(site, anchor, statements, before=True)])


def _read_names(site: Site, anchor: Node) -> list[str]:
    """The locals the statement reads, then the function's other locals (parameters first)."""
    locals_ = set(site.local_names)
    read = [site.text(n) for n in site.nodes if is_variable(n)
            and site.text(n) in locals_ and field_of(n) != "left"]
    return unique([*read, *site.local_names])


def _collections(site: Site) -> list[tuple[str, str]]:
    """(name, kind) of the locals bound to an empty collection in the function or the
    functions around it (closures: ``seen = set()`` outside a nested ``visit``)."""
    found: list[tuple[str, str]] = []
    outer = _outermost_function(site.function)
    body = outer.child_by_field_name("body") if outer is not None else None
    if body is None:
        return found
    for node in site.index.of_type("assignment"):
        if not (body.start_byte <= node.start_byte < body.end_byte):
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier":
            continue
        kind = _collection_kind(site, right)
        if kind:
            found.append((site.text(left), kind))
    return found


def _outermost_function(node: Node | None) -> Node | None:
    found, current = node, node
    while current is not None:
        if current.type == "function_definition":
            found = current
        current = current.parent
    return found


def _collection_kind(site: Site, node: Node) -> str:
    if node.type == "list":
        return "list"
    if node.type == "call":
        callee = node.child_by_field_name("function")
        name = site.text(callee).rsplit(".", 1)[-1] if callee is not None else ""
        return name if name in COLLECTION_METHODS else ""
    return ""


def _collection_adds(site: Site, anchor: Node) -> list[str]:
    reads = _read_names(site, anchor)[:LOCAL_DONORS]
    out = []
    for name, kind in _collections(site):
        for method in COLLECTION_METHODS[kind]:
            out += [f"{name}.{method}({v})" for v in reads if v != name]
    return unique(out)


def _assignments(site: Site, anchor: Node) -> list[str]:
    reads = _read_names(site, anchor)[:LOCAL_DONORS]
    targets = list(site.local_names[: LOCAL_DONORS * 2])
    return [f"{t} = {v}" for v in reads for t in targets if t != v]


def _placed(site: Site, anchor: Node, statements: list[str], before: bool) -> Iterator[Rewrite]:
    indent, newline = site.indent(anchor) or "", site.newline
    if before:
        at = site.line_start(anchor.start_byte)
    else:
        at = site.line_end(anchor.end_byte) + len(newline)
        if at > len(site.source):
            return
    where = "before" if before else "after"
    for statement in statements:
        yield Rewrite(at, at, f"{indent}{statement}{newline}", f"insert `{statement}` {where}")
