"""TBar's fix-pattern families for the brace languages (Java, JavaScript, C), over a
:class:`BraceSite` and its language's :class:`~apr.generate.syntax.Syntax`.

``mutate_operator``, ``mutate_arguments``, ``mutate_return``, ``delete_statement`` and
``move_statement`` are the shared core's (:mod:`apr.generate.core`, also Python's); the others
are here. Each family is a function ``(BraceSite) -> Iterator[Rewrite]``; sites inside the
hunk are visited round-robin (:func:`~apr.generate.site.interleave`), so that under a cap every
site gets its most likely rewrites first. :data:`FAMILIES` lists them all in decreasing prior
(:data:`PRIORS`), each language's :attr:`~apr.generate.syntax.Syntax.families` those that apply:

======================  =====  ===========================================================
family                  prior  rewrites
======================  =====  ===========================================================
mutate_operator         0.9    ``<`` -> ``<=``, ``+`` -> ``-``, ``&&`` -> ``||``, ``+=`` -> ``-=``,
                               ``++`` <-> ``--``; a unary ``!``/``-`` dropped
mutate_literal          0.8    integers +/- 1 (``a - 1`` -> ``a``, not ``a - 0``; ``1 + a``
                               -> ``a``), ``true`` <-> ``false``, donor literals of the same kind
mutate_condition        0.8    negate; drop an ``&&``/``||`` operand; add ``&& donor`` /
                               ``|| donor`` (conditions of the method, class, file) or a null
                               check of a variable the condition dereferences
insert_null_check       0.7    ``if (v != null) { stmt }``; ``if (v == null) { return r; }``
                               (``continue;`` in loops) before the statement
mutate_range            0.6    an array index or ``get``/``charAt``/``substring`` argument +/- 1;
                               an ``int`` argument of another call +/- 1 (weight 0.8)
mutate_variable         0.6    a variable -> another of the same declared type in scope
mutate_call             0.6    a method name -> its counterpart (``min``/``max``...) or another
                               method of the file with the same number of arguments; ``f(x)``
                               -> ``x``; ``v = e`` -> ``v = Math.max(v, e)`` (min, max(0, e))
sibling_call            0.5    ``a.m(x)`` -> ``a.s(x)``: a method the project's classes that
                               declare ``m`` declare beside it (all of ``m``'s calls in the
                               hunk at once first); Java and JavaScript, the project known
mutate_return           0.5    the returned expression -> another return value, a variable of
                               the return type, or the type's default
insert_range_check      0.5    ``if (i < a.length) { stmt }`` / ``i < list.size()``, or an early
                               ``return`` when the index is out of range
mutate_data_type        0.4    ``int`` <-> ``long``, ``float`` <-> ``double``, ``int`` ->
                               ``double`` in declarations and casts
mask_byte               0.4    a ``byte`` shifted, or-ed, cast or widened -> ``(b & 0xff)``
                               (``0xffL`` where the result is a ``long``; Java)
insert_cast_check       0.4    ``if (e instanceof T) { stmt }`` around a cast ``(T) e``
mutate_arguments        0.4    swap two arguments; remove or add one when the file calls or
                               declares the method with that many arguments
insert_call             0.3    ``this.m();`` / ``m();`` before or after the statement, for the
                               class's ``void`` methods without parameters
return_for_throw        0.3    ``throw e;`` -> ``return`` a value of the method (its other return
                               values, its type's default) or ``continue;`` in a loop
insert_throw_guard      0.3    ``if (c) { throw ...; }`` before the statement: a ``throw`` of the
                               method (class, file) under a comparison of the file that reads a
                               variable the statement reads (Java, JavaScript)
delete_statement        0.3    delete an expression, ``break``/``continue`` or ``throw`` statement
move_statement          0.2    swap the statement with its previous / next sibling
======================  =====  ===========================================================

Inserted code follows the file's indentation and newline style; a statement that shares its
lines with other code is not wrapped, deleted or moved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from apr.generate.brace_site import BraceSite, base_type, call_arguments, int_literal
from apr.generate.core import (
    binds_under,
    delete_statement,
    dropped_operands,
    guard,
    move_statement,
    mutate_arguments,
    mutate_operator,
    mutate_return,
    negation,
    throw_guards,
    with_clause,
)
from apr.generate.site import (
    Node,
    Rewrite,
    contains,
    field_of,
    interleave,
    replace,
    returned,
    short,
    unique,
)
from apr.generate.syntax import Syntax

DONORS_PER_SITE = 4
INSERTED_CALLS = 4  # methods whose call insert_call inserts, per side
EXITS = 4
"""Early exits tried per guard: other returns, the type's default, variables of the type."""
CLAUSE_DONORS = 4
GUARDED_VARIABLES = 3
DONOR_WEIGHT = 0.8
UNWRAP_WEIGHT = 0.7
WRAP_WEIGHT = 0.7
ARGUMENT_SHIFT_WEIGHT = 0.8
_WORD = re.compile(r"[A-Za-z_$][\w$]*")


def operator_of(site: BraceSite, node: Node) -> Node | None:
    """The operator token of a binary/assignment/unary expression."""
    return node.child_by_field_name("operator")


# --- 2. literals -------------------------------------------------------------------------------


def mutate_literal(site: BraceSite) -> Iterator[Rewrite]:
    """Integers +/- 1, booleans flipped, then donor literals of the same kind (method, class,
    file): strings for strings, numbers for numbers."""
    return interleave(_literal_site(site, n) for n in site.nodes if _is_literal(site, n))


def _is_literal(site: BraceSite, node: Node) -> bool:
    if node.type not in site.syntax.literals - {site.syntax.null_literal}:
        return False
    parent = node.parent
    if parent is not None and parent.type in site.syntax.literal_barriers:
        return False
    return len(site.text(node)) <= 80


def _literal_site(site: BraceSite, node: Node) -> Iterator[Rewrite]:
    value = int_literal(site, node)
    tried = {site.text(node)}
    if value is not None:
        number, suffix = value
        before = site.source[node.start_byte - 1 : node.start_byte]
        for shifted in (number + 1, number - 1):
            text = f"{shifted}{suffix}"
            tried.add(text)
            dropped = _dropped_term(site, node) if shifted == 0 else None
            if dropped is not None:
                yield dropped
            else:
                yield replace(site, node, f"({text})" if shifted < 0 and before in b"+-" else text)
        if not suffix and site.syntax.integer_division and _divided(site, node):
            floating = f"{number}.0"
            tried.add(floating)
            yield replace(site, node, floating, f"`{number}` -> `{floating}` (floating-point "
                          "division)")
    elif node.type in ("true", "false"):
        yield replace(site, node, "false" if node.type == "true" else "true")
    kind = _literal_kind(site, node)
    donors = [site.text(n) for n in site.donors(*site.syntax.literals)
              if _literal_kind(site, n) == kind and "\n" not in site.text(n)]
    for donor in unique(donors, tried)[:DONORS_PER_SITE - 1]:
        yield replace(site, node, donor, weight=DONOR_WEIGHT)


def _divided(site: BraceSite, node: Node) -> bool:
    """Whether ``node`` is an operand of ``/`` with an integer literal on both sides, where
    integer division truncates (``9 / 5`` is 1)."""
    parent = node.parent
    if parent is None or parent.type != "binary_expression":
        return False
    token = operator_of(site, parent)
    sides = (parent.child_by_field_name("left"), parent.child_by_field_name("right"))
    return (token is not None and site.text(token) == "/"
            and all(s is not None and int_literal(site, s) is not None for s in sides))


def _dropped_term(site: BraceSite, node: Node) -> Rewrite | None:
    """``a + 1`` / ``a - 1`` / ``1 + a`` -> ``a`` (rather than ``a - 0`` or ``0 + a``) when
    ``node`` is that ``1`` (``1 - a`` keeps its sign: ``0 - a``)."""
    parent = node.parent
    side = field_of(node)
    if parent is None or parent.type != "binary_expression" or side not in ("left", "right"):
        return None
    token = operator_of(site, parent)
    other = parent.child_by_field_name("right" if side == "left" else "left")
    allowed = ("+", "-") if side == "right" else ("+",)
    if token is None or other is None or site.text(token) not in allowed:
        return None
    if site.syntax.string_type and site.type_of(parent) == site.syntax.string_type:
        return None
    dropped = f"{site.text(token)} {site.text(node)}" if side == "right" else \
        f"{site.text(node)} {site.text(token)}"
    return replace(site, parent, site.text(other), f"drop `{dropped}`")


def _literal_kind(site: BraceSite, node: Node) -> str:
    if node.type in site.syntax.string_literals:
        return "string"
    if node.type in ("true", "false"):
        return "boolean"
    if node.type == site.syntax.char_literal:
        return "char"
    return "number"


# --- 3. conditions -----------------------------------------------------------------------------

BOOLEAN_OPERATORS = frozenset({"<", "<=", ">", ">=", "==", "!=", "&&", "||"})


def mutate_condition(site: BraceSite) -> Iterator[Rewrite]:
    """Negate a condition (``if``/``while``/``for``/``do``, ternaries, boolean returns and
    assignments), drop an operand of ``&&``/``||``, add a donor clause, or a null check."""
    return interleave(_condition_site(site, c) for c in _conditions(site))


def condition_of(owner: Node) -> Node | None:
    """The condition expression of a statement (inside its parentheses)."""
    condition = owner.child_by_field_name("condition")
    while condition is not None and condition.type == "parenthesized_expression":
        inner = [c for c in condition.named_children if "comment" not in c.type]
        if len(inner) != 1:
            break
        condition = inner[0]
    return condition


def _conditions(site: BraceSite) -> list[Node]:
    found: list[Node] = []
    for node in site.nodes:
        parent = node.parent
        if parent is not None and parent.type in site.syntax.condition_owners \
                and field_of(node) == "condition":
            condition = condition_of(parent)
            if condition is not None:
                found.append(condition)
        elif _boolean_value(site, node) or _declared_boolean(site, node):
            found.append(node)
    return unique_nodes(found)


def unique_nodes(nodes: Iterable[Node]) -> list[Node]:
    seen: set[tuple[int, int]] = set()
    out = []
    for node in nodes:
        key = (node.start_byte, node.end_byte)
        if key not in seen:
            seen.add(key)
            out.append(node)
    return out


def _boolean_value(site: BraceSite, node: Node) -> bool:
    """A boolean expression returned, assigned or declared (not a part of a larger one)."""
    boolean = site.syntax.boolean_type
    if not boolean or site.type_of(node) != boolean \
            or node.type in ("true", "false", "identifier"):
        return False
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "return_statement":
        return True
    where = (parent.type, field_of(node))
    return where == (site.syntax.declarator, "value") or (
        parent.type in site.syntax.assignments and where[1] == "right")


def _declared_boolean(site: BraceSite, node: Node) -> bool:
    """A call or name assigned to (or declaring) a ``boolean`` variable: ``ok = s.isEmpty()``."""
    parent = node.parent
    syntax = site.syntax
    if parent is None or not syntax.boolean_type \
            or node.type not in (syntax.call, "identifier", syntax.member):
        return False
    if parent.type == syntax.declarator and field_of(node) == "value":
        declaration = parent.parent
        kind = declaration.child_by_field_name("type") if declaration is not None else None
        return kind is not None and site.text(kind) == syntax.boolean_type
    if parent.type in syntax.assignments and field_of(node) == "right":
        left = parent.child_by_field_name("left")
        return left is not None and site.type_of(left) == syntax.boolean_type
    return False


def _condition_site(site: BraceSite, condition: Node) -> Iterator[Rewrite]:
    yield negation(site, condition)
    yield from dropped_operands(site, condition)
    yield from _null_clauses(site, condition)
    for donor in _condition_donors(site, condition):
        for operator in ("&&", "||"):
            yield with_clause(site, condition, operator, site.text(donor),
                              binds_under(site, donor, operator))


def _condition_donors(site: BraceSite, condition: Node) -> list[Node]:
    text = site.text(condition)
    donors: dict[str, Node] = {}
    for node in site.donor_nodes:
        if site.in_hunk(node) or not _is_condition(site, node):
            continue
        donor = site.text(node)
        if "\n" not in donor and donor not in text and text not in donor and len(donor) <= 80:
            donors.setdefault(donor, node)
    return list(donors.values())[:CLAUSE_DONORS]


def _is_condition(site: BraceSite, node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is not None and parent.type in site.syntax.condition_owners \
            and node == condition_of(parent):
        return True
    token = operator_of(site, node) if node.type == "binary_expression" else None
    return token is not None and site.text(token) in BOOLEAN_OPERATORS


def _null_clauses(site: BraceSite, condition: Node) -> Iterator[Rewrite]:
    """``v != null && cond`` / ``v == null || cond`` for variables ``cond`` dereferences (or
    passes); where values test by themselves, ``v && cond`` / ``!v || cond`` too."""
    null = site.syntax.null
    for variable in _dereferenced(site, [condition])[:2]:
        yield _prefix_clause(site, condition, f"{variable} != {null}", "&&")
        yield _prefix_clause(site, condition, f"{variable} == {null}", "||")
        if site.syntax.truthy:
            yield _prefix_clause(site, condition, variable, "&&")
            yield _prefix_clause(site, condition, f"!{variable}", "||")


def _prefix_clause(site: BraceSite, condition: Node, clause: str, operator: str) -> Rewrite:
    text = site.text(condition)
    body = text if binds_under(site, condition, operator) else f"({text})"
    return replace(site, condition, f"{clause} {operator} {body}",
                   f"add `{clause} {operator}` before `{short(text)}`")


# --- 4. null checks ----------------------------------------------------------------------------


def _dereferenced(site: BraceSite, roots: list[Node]) -> list[str]:
    """Variables (or ``this.f``) of reference type that ``roots`` dereference: ``v.m()``,
    ``v.f``, ``v[i]``; then those passed as arguments."""
    derefs: list[str] = []
    passed: list[str] = []
    for root in roots:
        for node in _walk_in(site, root):
            target = _deref_target(site, node)
            if target is not None and _nullable(site, target):
                derefs.append(site.text(target))
            elif node.type == site.syntax.arguments:
                passed += [site.text(a) for a in node.named_children if _nullable(site, a)]
    return unique([*derefs, *passed])


def _walk_in(site: BraceSite, root: Node) -> Iterator[Node]:
    return (n for n in site.nodes if contains(root, n))


def _deref_target(site: BraceSite, node: Node) -> Node | None:
    """What ``node`` dereferences: ``v`` of ``v.m()``, ``v.f``, ``v[i]`` (C: ``*v``)."""
    syntax = site.syntax
    if node.type == syntax.call:
        return site.callee(node)[1]
    if node.type == syntax.member:
        return node.child_by_field_name(syntax.member_object)
    if node.type == syntax.subscript:
        return node.child_by_field_name(syntax.subscript_object)
    if node.type == "pointer_expression" and node.children and node.children[0].type == "*":
        return node.child_by_field_name("argument")
    return None


def _nullable(site: BraceSite, node: Node) -> bool:
    if node.type not in ("identifier", site.syntax.member):
        return False
    var = site.variable(node)
    return var is not None and site.nullable(var.type)


def insert_null_check(site: BraceSite) -> Iterator[Rewrite]:
    """``if (v != null) { stmt }`` around the statement, or ``if (v == null) { return r; }``
    (``continue;`` inside a loop) before it, for the variables it dereferences."""
    anchor = site.block_statement()
    if anchor is None:
        return iter(())
    variables = _dereferenced(site, [anchor])[:GUARDED_VARIABLES]
    return interleave(_null_guards(site, anchor, v) for v in variables)


def _null_guards(site: BraceSite, anchor: Node, variable: str) -> Iterator[Rewrite]:
    """``if (v != null) { stmt }``, and ``if (v == null) { exit }`` for each exit that does not
    dereference ``v`` itself (it would fail exactly when taken)."""
    null = site.syntax.null
    if _wrappable(site, anchor):
        yield wrap(site, anchor, f"{variable} != {null}")
    dereferences = re.compile(rf"(?<![\w$.]){re.escape(variable)}\s*[.\[]")
    for exit_statement in exits(site, anchor):
        if not dereferences.search(exit_statement):
            yield guard(site, anchor, f"{variable} == {null}", exit_statement)


def _wrappable(site: BraceSite, anchor: Node) -> bool:
    """Statements that may move into an ``if`` block: not declarations, returns or throws."""
    return anchor.type not in site.syntax.not_wrapped


def exits(site: BraceSite, anchor: Node) -> list[str]:
    """Statements that leave early: ``return`` with the method's other return values (or its
    type's default), ``continue;`` in a loop."""
    hidden = {v.name for v in site.locals} - {v.name for v in site.variables_at(anchor)}
    values = [site.text(v) for r in site.returns if not contains(anchor, r)
              and (v := returned(r)) is not None
              and not hidden.intersection(_WORD.findall(site.text(v)))]
    kind = site.return_type
    defaults = site.exit_defaults(kind)
    typed = [v.name for v in site.variables_at(anchor) if v.type == kind and kind != "void"]
    candidates = [*values[:2], *defaults, *typed[:2]]
    out = [f"return {v};" if v else "return;" for v in unique(candidates)]
    if site.in_loop(anchor):
        out.insert(1 if out else 0, "continue;")
    return out[:EXITS]


def wrap(site: BraceSite, anchor: Node, condition: str) -> Rewrite:
    """``if (condition) {`` around the statement's lines, re-indented one level."""
    indent, unit, newline = site.indent(anchor) or "", site.indent_unit(anchor), site.newline
    start, end = site.line_start(anchor.start_byte), site.line_end(anchor.end_byte)
    lines = site.slice(start, end).split(newline)
    body = newline.join(unit + line if line.strip() else line for line in lines)
    text = f"{indent}if ({condition}) {{{newline}{body}{newline}{indent}}}"
    return Rewrite(start, end, text, f"wrap in `if ({short(condition)})`")


# --- 5. range checks and index offsets ---------------------------------------------------------


def _indexings(site: BraceSite) -> list[tuple[Node, Node, Node]]:
    """(access, container, index) for ``a[i]`` and ``c.get(i)``-like calls in the hunk."""
    found = []
    syntax = site.syntax
    for node in site.nodes:
        if node.type == syntax.subscript:
            array = node.child_by_field_name(syntax.subscript_object)
            index = node.child_by_field_name("index")
            if array is not None and index is not None:
                found.append((node, array, index))
        elif node.type == syntax.call:
            name, owner = site.callee(node)
            args = call_arguments(node)
            if name is not None and owner is not None and args \
                    and site.text(name) in syntax.index_methods:
                found.append((node, owner, args[0]))
    return found


def mutate_range(site: BraceSite) -> Iterator[Rewrite]:
    """An index (``a[i]``, ``s.charAt(i)``, ``l.get(i)``, ``substring`` bounds) +/- 1."""
    syntax = site.syntax
    streams = []
    for node in site.nodes:
        if node.type == syntax.subscript:
            index = node.child_by_field_name("index")
            streams.append(_shifts(site, index) if index is not None else iter(()))
        elif node.type == syntax.call:
            name = site.callee(node)[0]
            if name is not None and site.text(name) in syntax.index_methods:
                args = [a for a in call_arguments(node)
                        if site.type_of(a) in (None, syntax.int_type)
                        and a.type not in syntax.string_literals]
                streams.extend(_shifts(site, a) for a in args[:2])
            else:
                args = [a for a in call_arguments(node) if site.type_of(a) == syntax.int_type
                        and a.type in ("identifier", "binary_expression", syntax.member)]
                streams.extend(_shifts(site, a, ARGUMENT_SHIFT_WEIGHT) for a in args[:3])
    return interleave(streams)


def _shifts(site: BraceSite, node: Node, weight: float = 1.0) -> Iterator[Rewrite]:
    if node.type in site.syntax.integer_literals:
        return  # mutate_literal does these
    text = site.text(node)
    syntax = site.syntax
    simple = node.type in ("identifier", syntax.call, syntax.member, syntax.subscript,
                           "parenthesized_expression", "binary_expression")
    operand = text if simple else f"({text})"
    yield replace(site, node, f"{operand} + 1", weight=weight)
    yield replace(site, node, f"{operand} - 1", weight=weight)


def insert_range_check(site: BraceSite) -> Iterator[Rewrite]:
    """``if (i < a.length) { stmt }`` (``size()``/``length()`` for lists and strings) around
    the statement, or an early exit when the index is out of range."""
    anchor = site.block_statement()
    if anchor is None:
        return iter(())
    return interleave(_range_guards(site, anchor, c, i) for _, c, i in _indexings(site)[:2])


def _range_guards(site: BraceSite, anchor: Node, container: Node,
                  index: Node) -> Iterator[Rewrite]:
    size = site.size_of(container)
    if size is None or index.type in site.syntax.integer_literals and site.text(index) == "0":
        return
    idx = site.text(index)
    if index.type not in ("identifier", site.syntax.member, site.syntax.call):
        idx = f"({idx})"
    inside = f"{idx} >= 0 && {idx} < {size}"
    if _wrappable(site, anchor):
        yield wrap(site, anchor, f"{idx} < {size}")
        yield wrap(site, anchor, inside)
    for exit_statement in exits(site, anchor)[:2]:
        yield guard(site, anchor, f"{idx} >= {size}", exit_statement)
        yield guard(site, anchor, f"{idx} < 0 || {idx} >= {size}", exit_statement)


# --- 6. variables ------------------------------------------------------------------------------


def mutate_variable(site: BraceSite) -> Iterator[Rewrite]:
    """A variable (or ``this.f``) -> another of the same declared type in scope: locals and
    parameters nearest first, then fields. Where the language's fields are not declared
    (:attr:`~apr.generate.syntax.Syntax.member_donors`), a property read ``o.p`` -> ``o.q``
    for the other properties the function, class and file read."""
    streams = []
    for node in site.nodes:
        if node.type == "identifier" or (node.type == site.syntax.member
                                         and _this_field(site, node)):
            var = site.variable(node)
            if var is not None:
                streams.append(_variable_site(site, node, var.type))
        elif node.type == site.syntax.member and site.syntax.member_donors \
                and field_of(node) != site.syntax.call_name:
            streams.append(_property_site(site, node))
    return interleave(streams)


def _property_site(site: BraceSite, member: Node) -> Iterator[Rewrite]:
    name = member.child_by_field_name(site.syntax.member_name)
    if name is None:
        return
    callees = (c.child_by_field_name(site.syntax.call_name)
               for c in site.index.of_type(site.syntax.call))
    called = {(c.start_byte, c.end_byte) for c in callees if c is not None}
    donors = [site.text(n) for m in site.donors(site.syntax.member)
              if (m.start_byte, m.end_byte) not in called
              and (n := m.child_by_field_name(site.syntax.member_name)) is not None]
    for donor in unique(donors, [site.text(name)])[:DONORS_PER_SITE]:
        yield replace(site, name, donor)


def _this_field(site: BraceSite, node: Node) -> bool:
    owner = node.child_by_field_name(site.syntax.member_object)
    return owner is not None and bool(site.syntax.this) and owner.type == site.syntax.this


def _variable_site(site: BraceSite, node: Node, kind: str) -> Iterator[Rewrite]:
    old, this = site.text(node), f"{site.syntax.this}."
    names = [v.name for v in site.variables_at(node) if v.type == kind]
    if node.type == site.syntax.member:
        names = [f"{this}{v.name}" for v in site.fields if v.type == kind]
    for donor in unique(names, [old, old.removeprefix(this)])[:DONORS_PER_SITE]:
        yield replace(site, node, donor)


# --- 7. method names ---------------------------------------------------------------------------


def mutate_call(site: BraceSite) -> Iterator[Rewrite]:
    """A method name -> its counterpart (:data:`METHOD_PAIRS`), then other methods called or
    declared in the method, class and file with as many arguments; ``f(x)`` -> ``x``; a
    numeric assignment ``v = e`` -> ``v = Math.max(v, e)`` (``min``, ``Math.max(0, e)``)."""
    calls = [n for n in site.of_type(site.syntax.call)]
    streams = [_call_site(site, call) for call in calls]
    if site.syntax.math:
        streams += [_extremes(site, a) for a in site.of_type("assignment_expression")]
    return interleave(streams)


def _extremes(site: BraceSite, assignment: Node) -> Iterator[Rewrite]:
    """``v = e`` -> ``v = Math.max(v, e)``, ``Math.min(v, e)``, ``Math.max(0, e)``: a running
    maximum (or minimum, or a floor at zero) that the code forgot."""
    token = operator_of(site, assignment)
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    if token is None or left is None or right is None or site.text(token) != "=":
        return
    if site.type_of(left) not in site.syntax.numeric or "\n" in site.text(right):
        return
    target, value, math = site.text(left), site.text(right), site.syntax.math
    if value.startswith((f"{math}.max(", f"{math}.min(")):
        return
    for text in (f"{math}.max({target}, {value})", f"{math}.min({target}, {value})",
                 f"{math}.max(0, {value})"):
        yield replace(site, right, text, f"`{short(value)}` -> `{short(text)}`", WRAP_WEIGHT)


def _call_site(site: BraceSite, call: Node) -> Iterator[Rewrite]:
    name, owner = site.callee(call)
    if name is None:
        return
    old, arity = site.text(name), len(call_arguments(call))
    qualified = owner is not None
    pairs = list(site.syntax.method_pairs.get(old, ()))
    others = [n for n, a, q in site.called_methods if a == arity and q == qualified]
    for donor in unique([*pairs, *others], [old])[: len(pairs) + DONORS_PER_SITE]:
        yield replace(site, name, donor)
    bounded = site.syntax.bounded.get(old)
    if bounded is not None:
        yield from _bounded(site, call, bounded)
    unbounded = next((k for k, v in site.syntax.bounded.items() if v == old), None)
    if unbounded is not None and len(call_arguments(call)) > 1:
        yield _unbounded(site, call, unbounded)
    args = call_arguments(call)
    if len(args) == 1 and not qualified:
        yield replace(site, call, site.text(args[0]), f"unwrap `{short(site.text(call))}`",
                      UNWRAP_WEIGHT)


def sibling_call(site: BraceSite) -> Iterator[Rewrite]:
    """``a.m(x)`` -> ``a.s(x)``: a method declared beside ``m`` (as many parameters) by the
    project's classes that declare ``m``, those that most of them declare first
    (:class:`~apr.generate.declarations.Declarations`). Calls on a receiver only: the bare ones
    are :func:`mutate_call`'s. When the hunk has several such calls of ``m``, all of them are
    renamed at once first (``f(a.m(x), b.m(x))`` -> ``f(a.s(x), b.s(x))``), then each alone."""
    groups: dict[tuple[str, int], list[Node]] = {}
    for call in site.of_type(site.syntax.call):
        name, owner = site.callee(call)
        if name is not None and owner is not None:
            key = (site.text(name), len(call_arguments(call)))
            groups.setdefault(key, []).append(name)
    table = site.declarations if groups else None  # read the project only when it can help
    if table is None:
        return iter(())
    return interleave(_siblings(site, names, table.siblings(*key)[:DONORS_PER_SITE])
                      for key, names in groups.items())


def _siblings(site: BraceSite, names: list[Node], donors: list[str]) -> Iterator[Rewrite]:
    for donor in donors:
        if len(names) > 1:
            yield _renamed(site, names, donor)
        for name in names:
            yield replace(site, name, donor)


def _renamed(site: BraceSite, names: list[Node], donor: str) -> Rewrite:
    """Every one of ``names`` (disjoint, in document order) replaced by ``donor``."""
    start, end = names[0].start_byte, names[-1].end_byte
    parts, at = [], start
    for name in names:
        parts += [site.slice(at, name.start_byte), donor]
        at = name.end_byte
    old = site.text(names[0])
    return Rewrite(start, end, "".join(parts), f"`{old}` -> `{donor}` ({len(names)} calls)")


def _bounded(site: BraceSite, call: Node, bounded: str) -> Iterator[Rewrite]:
    """``strcmp(a, b)`` -> ``strncmp(a, b, n)``: the counterpart that takes a length last, with
    an integer variable in scope, or the length of the last argument, as that length."""
    args, arguments = call_arguments(call), call.child_by_field_name("arguments")
    if not args or arguments is None:
        return
    last = site.text(args[-1])
    lengths = [v.name for v in site.variables_at(call) if v.type in site.syntax.numeric]
    lengths = unique([*lengths[:DONORS_PER_SITE - 1], f"strlen({last})"], [last])
    listed = site.slice(arguments.start_byte, args[-1].end_byte)
    for length in lengths:
        text = f"{bounded}{listed}, {length}{site.slice(args[-1].end_byte, call.end_byte)}"
        yield replace(site, call, text, f"`{short(site.text(call))}` -> `{short(text)}`")


def _unbounded(site: BraceSite, call: Node, name: str) -> Rewrite:
    """``strncmp(a, b, n)`` -> ``strcmp(a, b)``: the counterpart without the length."""
    args, arguments = call_arguments(call), call.child_by_field_name("arguments")
    assert arguments is not None
    text = (f"{name}{site.slice(arguments.start_byte, args[-2].end_byte)}"
            f"{site.slice(args[-1].end_byte, call.end_byte)}")
    return replace(site, call, text, f"`{short(site.text(call))}` -> `{short(text)}`")


# --- 10. data types and casts --------------------------------------------------------------------


def mutate_data_type(site: BraceSite) -> Iterator[Rewrite]:
    """A primitive type in a declaration, parameter or cast -> a wider or narrower one."""
    syntax = site.syntax
    types = [n for n in site.nodes if n.type in syntax.type_nodes
             and n.parent is not None and n.parent.type in syntax.type_parents]
    return interleave(_type_site(site, n) for n in types)


def _type_site(site: BraceSite, node: Node) -> Iterator[Rewrite]:
    for new in site.syntax.wider.get(site.text(node), ()):
        yield replace(site, node, new)


#: Operators under which a byte's sign extension shows: shifts (of the byte, not by it) and the
#: bitwise or and xor.
_BYTE_OPERATORS = frozenset({"<<", ">>", ">>>", "|", "^"})
_SHIFTS = frozenset({"<<", ">>", ">>>"})
#: Assignments that widen a byte into their target.
_BYTE_ASSIGNMENTS = frozenset({"=", "|=", "^=", "+="})
_WIDE = frozenset({"int", "long"})
#: Casts that sign-extend a byte, and the mask's width for each: ``(char) b`` is U+FFFF for
#: the byte 0xff, where the code meant U+00FF.
_BYTE_CASTS = {"char": "int", "short": "int", "int": "int", "long": "long"}


def mask_byte(site: BraceSite) -> Iterator[Rewrite]:
    """``b`` -> ``(b & 0xff)`` where a Java ``byte`` is shifted, or-ed or xor-ed, cast to a
    wider type (``(char) b``), or assigned to an ``int`` or ``long``: the sign extension the
    code forgot (``x |= p[i] << 8 * i`` makes
    bytes from 0x80 up negative). In a ``long`` context the mask is ``0xffL``: ``(b & 0xff) <<
    24`` is a negative ``int``, so the ``int`` mask would pass tests whose bytes are small and
    still be wrong. A byte is a variable, element or field declared so, in the file or
    (``other.field``) in the project's classes."""
    for node in site.nodes:
        if node.type not in ("identifier", "array_access", "field_access"):
            continue
        if _byte_type(site, node) != "byte" or (wide := _widened(site, node)) is None:
            continue
        mask = "0xffL" if wide == "long" else "0xff"
        masked = f"{site.text(node)} & {mask}"
        parenthesized = node.parent is not None and node.parent.type == "parenthesized_expression"
        yield replace(site, node, masked if parenthesized else f"({masked})")


def _byte_type(site: BraceSite, node: Node) -> str | None:
    """The declared type of a variable, array element or field access."""
    kind = site.type_of(node)
    if kind is not None:
        return kind
    if node.type == "array_access":
        array = node.child_by_field_name("array")
        whole = _byte_type(site, array) if array is not None else None
        return whole[:-2] if whole is not None and whole.endswith("[]") else None
    field, table = node.child_by_field_name("field"), site.declarations
    if node.type == "field_access" and field is not None and table is not None:
        owner = node.child_by_field_name("object")
        kind = site.type_of(owner) if owner is not None else None
        simple = re.sub(r"<.*", "", base_type(kind)).rsplit(".", 1)[-1] if kind else None
        return table.field_type(site.text(field), simple)
    return None


def _widened(site: BraceSite, node: Node) -> str | None:
    """``int`` or ``long``: the type a byte at ``node`` is widened to where :func:`mask_byte`
    masks it, else None."""
    child, parent = node, node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        child, parent = parent, parent.parent
    if parent is None:
        return None
    if parent.type == "cast_expression":
        target = parent.child_by_field_name("type")
        return _BYTE_CASTS.get(site.text(target)) if target is not None else None
    token = operator_of(site, parent)
    op = site.text(token) if token is not None else ""
    if parent.type == "binary_expression" and op in _BYTE_OPERATORS:
        if op in _SHIFTS and child != parent.child_by_field_name("left"):
            return None  # the shift's distance
        return "long" if _receiver_type(site, _arithmetic_top(parent)) == "long" else "int"
    if parent.type == "assignment_expression" and op not in _BYTE_ASSIGNMENTS:
        return None
    kind = _receiver_type(site, child)
    return kind if kind in _WIDE else None


def _arithmetic_top(node: Node) -> Node:
    """The outermost binary or parenthesized expression around ``node``."""
    while node.parent is not None and node.parent.type in ("binary_expression",
                                                           "parenthesized_expression"):
        node = node.parent
    return node


def _receiver_type(site: BraceSite, value: Node) -> str | None:
    """The declared type of what receives ``value``: the variable it is assigned to or
    initializes, or the method it is returned from."""
    parent = value.parent
    if parent is None:
        return None
    if parent.type == "assignment_expression" and value == parent.child_by_field_name("right"):
        left = parent.child_by_field_name("left")
        return site.type_of(left) if left is not None else None
    if parent.type == "variable_declarator" and value == parent.child_by_field_name("value"):
        declared = parent.parent.child_by_field_name("type") if parent.parent else None
        return site.text(declared) if declared is not None else None
    if parent.type == "return_statement":
        return site.return_type
    return None


def insert_cast_check(site: BraceSite) -> Iterator[Rewrite]:
    """``if (e instanceof T) { stmt }`` around a statement casting ``e`` to a class ``T``, or an
    early exit when it is not one (Java)."""
    anchor = site.block_statement()
    if anchor is None:
        return iter(())
    casts = [c for c in site.of_type("cast_expression") if _class_cast(site, c)]
    return interleave(_cast_guards(site, anchor, c) for c in casts[:2])


def _class_cast(site: BraceSite, cast: Node) -> bool:
    kind = cast.child_by_field_name("type")
    return kind is not None and base_type(site.text(kind)) not in site.syntax.primitives


def _cast_guards(site: BraceSite, anchor: Node, cast: Node) -> Iterator[Rewrite]:
    kind, value = cast.child_by_field_name("type"), cast.child_by_field_name("value")
    if kind is None or value is None:
        return
    raw = base_type(site.text(kind)).split("<", 1)[0]
    check = f"{site.text(value)} instanceof {raw}"
    if _wrappable(site, anchor):
        yield wrap(site, anchor, check)
    for exit_statement in exits(site, anchor)[:2]:
        yield guard(site, anchor, f"!({check})", exit_statement)


# --- 10b. a forgotten step ----------------------------------------------------------------------


def insert_call(site: BraceSite) -> Iterator[Rewrite]:
    """A call of one of the class's ``void`` methods without parameters inserted before (then
    after) the statement: a step the code forgot (``this.finish();`` before ``super.close();``).
    The method holding the hunk and those the statement calls are left out; the call is
    written ``this.m();`` when the class calls its own methods that way more often than bare
    (Java's node kinds)."""
    anchor = site.block_statement()
    if anchor is None or site.klass is None or anchor.type == "return_statement":
        return
    called = {site.text(n) for c in site.of_type("method_invocation")
              if (n := c.child_by_field_name("name")) is not None}
    names = [n for n in _steps(site) if n not in called]
    prefix = "this." if _this_style(site, names) else ""
    for name in names[:INSERTED_CALLS]:
        yield _inserted(site, anchor, f"{prefix}{name}();", before=True)
    if anchor.type not in ("throw_statement", "break_statement", "continue_statement"):
        for name in names[:INSERTED_CALLS]:
            yield _inserted(site, anchor, f"{prefix}{name}();", before=False)


def _steps(site: BraceSite) -> list[str]:
    """Names of the class's own ``void`` methods that take nothing, but the hunk's method."""
    assert site.klass is not None
    own = site.function.child_by_field_name("name") if site.function is not None else None
    current = site.text(own) if own is not None else ""
    body = site.klass.child_by_field_name("body")
    found = []
    for member in body.named_children if body is not None else ():
        if member.type != "method_declaration":
            continue
        name, params = member.child_by_field_name("name"), member.child_by_field_name("parameters")
        kind = member.child_by_field_name("type")
        if name is None or kind is None or site.text(kind) != "void" or site.text(name) == current:
            continue
        if params is None or not [p for p in params.named_children if "comment" not in p.type]:
            found.append(site.text(name))
    return unique(found)


def _this_style(site: BraceSite, names: list[str]) -> bool:
    """Whether the class calls its own methods as ``this.m()`` more often than as ``m()``."""
    own = set(names)
    qualified = bare = 0
    for call in site.donors("method_invocation"):
        name, owner = call.child_by_field_name("name"), call.child_by_field_name("object")
        if name is None or site.text(name) not in own:
            continue
        qualified += owner is not None and site.text(owner) == "this"
        bare += owner is None
    return qualified > bare


def _inserted(site: BraceSite, anchor: Node, statement: str, before: bool) -> Rewrite:
    indent, newline = site.indent(anchor) or "", site.newline
    if before:
        at = site.line_start(anchor.start_byte)
        return Rewrite(at, at, f"{indent}{statement}{newline}", f"insert `{statement}` before")
    at = site.line_end(anchor.end_byte)
    return Rewrite(at, at, f"{newline}{indent}{statement}", f"insert `{statement}` after")


# --- 10c. a case that should be answered, not refused -------------------------------------------


def return_for_throw(site: BraceSite) -> Iterator[Rewrite]:
    """``throw e;`` -> an exit of the method instead: one of its other return values or its
    type's default (``return 0;``), ``continue;`` in a loop (:func:`exits`). The failing test
    met a case the code refuses and should answer (Defects4J JxPath-5: pointers of two trees
    compare as ``0``); the traceback ranks such a ``throw`` first."""
    anchor = site.block_statement()
    if anchor is None or anchor.type != "throw_statement":
        return
    for statement in exits(site, anchor):
        yield Rewrite(anchor.start_byte, anchor.end_byte, statement,
                      f"`{statement}` instead of `{short(site.text(anchor))}`")


# --- 10d. a case that should be refused ---------------------------------------------------------


def insert_throw_guard(site: BraceSite) -> Iterator[Rewrite]:
    """``if (c) { throw ...; }`` before the statement, both parts copied from the file
    (:func:`~apr.generate.core.throw_guards`). The failing test expects a refusal the code
    does not make (Defects4J Time-15: ``safeMultiply(long, int)`` answers ``-val1`` for
    ``Long.MIN_VALUE``, where its sibling method has the overflow check and the method has the
    ``throw``)."""
    return throw_guards(site, site.block_statement())


BraceFamily = Callable[[BraceSite], Iterable[Rewrite]]

FAMILIES: dict[str, BraceFamily] = {
    "mutate_operator": mutate_operator,
    "mutate_literal": mutate_literal,
    "mutate_condition": mutate_condition,
    "insert_null_check": insert_null_check,
    "mutate_range": mutate_range,
    "mutate_variable": mutate_variable,
    "mutate_call": mutate_call,
    "sibling_call": sibling_call,
    "mutate_return": mutate_return,
    "insert_range_check": insert_range_check,
    "mutate_data_type": mutate_data_type,
    "mask_byte": mask_byte,
    "insert_cast_check": insert_cast_check,
    "mutate_arguments": mutate_arguments,
    "insert_call": insert_call,
    "return_for_throw": return_for_throw,
    "insert_throw_guard": insert_throw_guard,
    "delete_statement": delete_statement,
    "move_statement": move_statement,
}
PRIORS: dict[str, float] = {
    "mutate_operator": 0.9,
    "mutate_literal": 0.8,
    "mutate_condition": 0.8,
    "insert_null_check": 0.7,
    "mutate_range": 0.6,
    "mutate_variable": 0.6,
    "mutate_call": 0.6,
    "sibling_call": 0.5,
    "mutate_return": 0.5,
    "insert_range_check": 0.5,
    "mutate_data_type": 0.4,
    "mask_byte": 0.4,
    "insert_cast_check": 0.4,
    "mutate_arguments": 0.4,
    "insert_call": 0.3,
    "return_for_throw": 0.3,
    "insert_throw_guard": 0.3,
    "delete_statement": 0.3,
    "move_statement": 0.2,
}


def families_of(syntax: Syntax) -> dict[str, BraceFamily]:
    """The families that apply to ``syntax``'s language, in its order."""
    return {name: FAMILIES[name] for name in syntax.families}
