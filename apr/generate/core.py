"""The language-neutral template core: the families (and the parts of families) that every
language shares, written once over a :class:`~apr.generate.syntax.Words` table.

Python, Java, JavaScript and C write an operator swap, an argument swap, a returned value
replaced, a statement deleted or moved with a neighbour, a condition negated or cut down to one
operand, in the same way: only the words (``&&``/``and``, ``!``/``not``), the node kinds and a
few layout rules differ, and those are data (``site.syntax``, a :class:`Words`: Python's in
:data:`apr.generate.syntax.PYTHON`; the brace languages' :class:`~apr.generate.syntax.Syntax`
values extend it). What only a site can compute (names in scope, declared types, which
arities a function is called with) comes from the site's methods (:class:`~apr.generate.site.Site`,
overridden by :class:`~apr.generate.brace_site.BraceSite`).

Families that need more of one language's syntax keep a module of their own and use the
helpers here: :mod:`apr.generate.expressions`, :mod:`apr.generate.statements` and
:mod:`apr.generate.mutations` (Python), :mod:`apr.generate.brace_templates` (Java, JavaScript,
C). The rewrites of a family come in the same order in every language: sites round-robin
(:func:`~apr.generate.site.interleave`), each site's rewrites most likely first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from apr.generate.site import (
    Node,
    Rewrite,
    Site,
    argument_removals,
    contains,
    field_of,
    interleave,
    is_variable,
    replace,
    returned,
    short,
    swap_lines,
    unique,
    walk,
)

ADDITION_WEIGHT = 0.7
REMOVAL_WEIGHT = 0.8
"""Arguments are more often swapped than missing or extra (TBar): those rank lower."""
SWAPPED_PAIRS = 6
"""Argument pairs swapped per call: neighbours first, then the others."""
ADDED_ARGUMENTS = 2
OTHER_RETURNS = 4
RETURN_VARIABLES = 3
STRICTNESS = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}


def spaced(site: Site, node: Node, text: str) -> str:
    """``text`` padded with spaces where a keyword operator would touch a neighbouring word."""
    before = site.source[node.start_byte - 1 : node.start_byte] if node.start_byte else b""
    after = site.source[node.end_byte : node.end_byte + 1]
    if text[:1].isalpha() and (before.isalnum() or before == b"_"):
        text = " " + text
    if text[-1:].isalpha() and (after.isalnum() or after == b"_"):
        text += " "
    return text


# --- operators ---------------------------------------------------------------------------------


def mutate_operator(site: Site) -> Iterator[Rewrite]:
    """Each operator among its kin (the language's tables: arithmetic, comparison, logical,
    compound assignment); ``++`` <-> ``--``; a unary operator of :attr:`Words.dropped_unary`
    on a non-literal dropped; where :attr:`Words.strictness_flip`, every ``<``/``<=``/``>``/
    ``>=`` of an ``and``/``or`` flipped at once (:func:`strictness_flipped`)."""
    flipped = [strictness_flipped(site, n) for n in site.nodes] \
        if site.syntax.strictness_flip else []
    return interleave([*(_operator_site(site, n) for n in site.nodes), *flipped])


def _operator_site(site: Site, node: Node) -> Iterator[Rewrite]:
    words = site.syntax
    if node.type == words.unary:
        token = node.child_by_field_name("operator")
        operand = node.child_by_field_name(words.unary_operand)
        if token is not None and operand is not None and site.text(token) in words.dropped_unary \
                and operand.type not in words.number_literals:
            yield replace(site, node, site.text(operand))
    elif node.type == "update_expression":
        token = next((c for c in node.children if c.type in ("++", "--")), None)
        if token is not None:
            yield replace(site, token, "--" if token.type == "++" else "++")
    elif node.type in words.operators:
        field, table = words.operators[node.type]
        if site.string_concatenation(node):
            return
        for token in node.children_by_field_name(field):
            old = site.text(token)
            for new in table.get(old, ()):
                yield replace(site, token, spaced(site, token, new), f"`{old}` -> `{new}`")


def strictness_flipped(site: Site, node: Node) -> Iterator[Rewrite]:
    """An interval test written inclusive where it should be exclusive (or back) has the
    mistake at every bound: ``a <= x and x <= b`` -> ``a < x and x < b``, as one rewrite of
    the outermost ``and``/``or`` holding two or more such comparisons."""
    parent = node.parent
    if not logical_of(site, node) or (parent is not None and logical_of(site, parent)):
        return
    words = site.syntax
    tokens = [token for inner in walk(node) if inner.type == words.comparison
              for token in inner.children_by_field_name(words.comparison_field)
              if site.text(token) in STRICTNESS]
    if len(tokens) < 2:
        return
    text, start = site.text(node), node.start_byte
    for token in sorted(tokens, key=lambda t: t.start_byte, reverse=True):
        a, b = token.start_byte - start, token.end_byte - start
        text = text[:a] + STRICTNESS[site.text(token)] + text[b:]
    yield Rewrite(node.start_byte, node.end_byte, text,
                  f"every comparison's strictness flipped ({len(tokens)})")


# --- conditions --------------------------------------------------------------------------------


def logical_of(site: Site, node: Node) -> str:
    """The operator of an ``and``/``or`` (``&&``/``||``) node, else ``""``."""
    words = site.syntax
    if node.type != words.logical:
        return ""
    token = node.child_by_field_name("operator")
    text = site.text(token) if token is not None else ""
    return text if text in (words.and_, words.or_) else ""


def negation(site: Site, condition: Node) -> Rewrite:
    """``condition`` negated: a negation dropped, a lone comparison's operator inverted, else
    the language's ``not``/``!`` in front (parenthesized unless the expression is primary)."""
    words = site.syntax
    operand = negated_operand(site, condition)
    if operand is not None:
        return replace(site, condition, site.text(operand),
                       f"drop `{words.not_.strip()}` in `{short(site.text(condition))}`")
    tokens = condition.children_by_field_name(words.comparison_field) \
        if condition.type == words.comparison else []
    if len(tokens) == 1 and site.text(tokens[0]) in words.negated:
        old = site.text(tokens[0])
        new = words.negated[old]
        return replace(site, tokens[0], new, f"negate: `{old}` -> `{new}`")
    text = site.text(condition)
    negated = f"{words.not_}{text}" if condition.type in words.primary \
        else f"{words.not_}({text})"
    return replace(site, condition, negated, f"negate `{short(text)}`")


def negated_operand(site: Site, node: Node) -> Node | None:
    """What a negation (``!e``, ``not e``) negates; None for any other node."""
    words = site.syntax
    if node.type != words.negation:
        return None
    token = node.child_by_field_name("operator")
    if token is not None and site.text(token) != words.not_.strip():
        return None  # another unary operator (`-e`)
    return node.child_by_field_name(words.unary_operand)


def operands(site: Site, node: Node, operator: str) -> list[Node]:
    """The operands of a chain of one logical operator (``a && b && c``: three)."""
    if logical_of(site, node) != operator:
        return [node]
    return [o for side in ("left", "right") if (child := node.child_by_field_name(side))
            for o in operands(site, child, operator)]


def chains(site: Site, condition: Node) -> list[Node]:
    """The maximal ``and``/``or`` chains inside ``condition`` (outermost first)."""
    found = []
    for node in site.nodes:
        logical = logical_of(site, node)
        if not logical or not contains(condition, node):
            continue
        parent = node.parent
        same = parent is not None and logical_of(site, parent) == logical
        if not same or node == condition:
            found.append(node)
    return found


def dropped_operands(site: Site, condition: Node) -> Iterator[Rewrite]:
    """Each operand of each chain in ``condition`` dropped (``a && b`` -> ``a``, ``b``)."""
    for chain in chains(site, condition):
        operator = logical_of(site, chain)
        parts = operands(site, chain, operator)
        for index, dropped in enumerate(parts):
            rest = [site.text(o) for i, o in enumerate(parts) if i != index]
            yield Rewrite(chain.start_byte, chain.end_byte, f" {operator} ".join(rest),
                          f"drop `{short(site.text(dropped))}`")


def binds_under(site: Site, node: Node, operator: str, mixed: bool | None = None) -> bool:
    """Whether ``node`` can be an operand of the logical ``operator`` without parentheses
    (``mixed``: whether an ``and`` goes under an ``or`` bare; default: the language's
    :attr:`~apr.generate.syntax.Words.and_under_or`)."""
    words = site.syntax
    if node.type in words.loose:
        return False
    logical = logical_of(site, node)
    bare = words.and_under_or if mixed is None else mixed
    return not logical or logical == operator or (
        bare and logical == words.and_ and operator == words.or_)


def with_clause(site: Site, condition: Node, operator: str, added: str, bare: bool,
                negate: bool = False) -> Rewrite:
    """``condition <operator> [not] added``, parenthesizing either side where precedence
    demands (``bare``: ``added`` needs no parentheses as an operand of ``operator``)."""
    words = site.syntax
    text = site.text(condition)
    if negate:
        added = f"{words.not_}{added}" if bare else f"{words.not_}({added})"
    description = f"add `{operator} {short(added)}`"
    if not negate and not bare:
        added = f"({added})"
    if binds_under(site, condition, operator):
        return Rewrite(condition.end_byte, condition.end_byte, f" {operator} {added}", description)
    return replace(site, condition, f"({text}) {operator} {added}", description)


def guard(site: Site, anchor: Node, condition: str, statement: str) -> Rewrite:
    """``if condition: statement`` (the language's form) inserted before the statement's line."""
    indent, unit, newline = site.indent(anchor) or "", site.indent_unit(anchor), site.newline
    text = site.syntax.guard.format(indent=indent, unit=unit, nl=newline, condition=condition,
                                    statement=statement)
    at = site.line_start(anchor.start_byte)
    shown = site.syntax.guard_shown.format(condition=short(condition), statement=statement)
    return Rewrite(at, at, text, f"insert `{shown}`")


# --- throw guards ------------------------------------------------------------------------------

THROWS = 2
"""``throw``/``raise`` statements :func:`throw_guards` copies, per hunk."""
THROW_CLAUSES = 6
"""Comparisons it puts them under."""
THROWN_LENGTH = 160
CLAUSE_LENGTH = 80
_ASSIGNS = frozenset({"assignment", "augmented_assignment", "assignment_expression",
                      "augmented_assignment_expression", "for_statement", "for_in_statement"})
"""Nodes whose ``left`` is written, not read (Python, Java, JavaScript)."""


def throw_guards(site: Site, anchor: Node | None) -> Iterator[Rewrite]:
    """``if (c) { throw ...; }`` (``if c: raise ...``) before ``anchor``, both parts copied from
    the file: a one-line ``throw`` with a value, of the function (then of its class, then of
    the file), under a comparison of the file that reads a variable the hunk reads (those that
    compare that variable itself first; a part of an ``and``/``or`` counts by itself). A copied
    name must be visible at ``anchor`` (:meth:`Site.visible_names`) or be bound by no function
    of the file (:attr:`Site.bound_anywhere`: a field, a constant, a class, a builtin). Types
    are not compared. The code answers a case it should refuse (Defects4J Time-15)."""
    words = site.syntax
    if anchor is None or anchor.type == words.throw:
        return
    donors = [n for n in site.donors(words.throw)
              if n.named_child_count and _one_line(site, n, THROWN_LENGTH)]
    if not donors:
        return
    visible = site.visible_names(anchor)

    def fits(node: Node) -> bool:
        return all(site.text(n) in visible or site.text(n) not in site.bound_anywhere
                   for n in walk(node) if is_variable(n, words))

    read = {site.text(n) for n in site.nodes if is_variable(n, words)
            and not (field_of(n) == "left" and n.parent is not None
                     and n.parent.type in _ASSIGNS)} & visible
    throws = unique(site.text(n) for n in donors if fits(n))[:THROWS]
    clauses = _guard_clauses(site, read, fits)
    for thrown in throws:
        for clause in clauses:
            yield guard(site, anchor, clause, thrown)


def _one_line(site: Site, node: Node, longest: int) -> bool:
    text = site.text(node)
    return "\n" not in text and len(text) <= longest


def _guard_clauses(site: Site, read: set[str], fits: Callable[[Node], bool]) -> list[str]:
    """Comparisons of the file outside the hunk, without an ``and``/``or`` inside, that read
    one of ``read`` and fit where they land: those with a variable of ``read`` as an operand
    first."""
    words = site.syntax
    direct: list[str] = []
    other: list[str] = []
    for node in site.donors(words.comparison):
        operators = node.children_by_field_name(words.comparison_field)
        if not operators or any(site.text(o) not in words.negated for o in operators) \
                or not _one_line(site, node, CLAUSE_LENGTH) or not fits(node) \
                or any(logical_of(site, n) for n in walk(node)):
            continue
        if not read & {site.text(n) for n in walk(node) if is_variable(n, words)}:
            continue
        alone = any(site.text(side) in read for side in node.named_children)
        (direct if alone else other).append(site.text(node))
    return unique([*direct, *other])[:THROW_CLAUSES]


# --- arguments ---------------------------------------------------------------------------------


def mutate_arguments(site: Site) -> Iterator[Rewrite]:
    """Swap two positional arguments (neighbours first); remove one, or add a variable in scope
    after the positional ones, where the function may take that many (:meth:`Site.arities`)."""
    return interleave(_argument_site(site, call, arguments)
                      for call, arguments in site.argument_lists())


def _argument_site(site: Site, call: Node, arguments: Node) -> Iterator[Rewrite]:
    args = [a for a in arguments.named_children if "comment" not in a.type]
    positional = [a for a in args if a.type not in site.syntax.splats]
    yield from _swaps(site, positional)
    arities = site.arities(call)
    if arities is None or len(args) - 1 in arities:
        yield from argument_removals(site, args, REMOVAL_WEIGHT)
    if arities is None or len(args) + 1 in arities:
        yield from _additions(site, call, arguments, args, positional)


def _swaps(site: Site, args: list[Node]) -> Iterator[Rewrite]:
    pairs = [(i, i + 1) for i in range(len(args) - 1)]
    pairs += [(i, j) for i in range(len(args)) for j in range(i + 2, len(args))]
    for i, j in pairs[:SWAPPED_PAIRS]:
        first, second = args[i], args[j]
        kinds = {site.type_of(first), site.type_of(second)}
        if len(kinds - {None}) > 1:
            continue  # different known types: a compiler would reject the swap
        middle = site.slice(first.end_byte, second.start_byte)
        text = site.text(second) + middle + site.text(first)
        description = f"swap `{site.text(first)}` and `{site.text(second)}`"
        yield Rewrite(first.start_byte, second.end_byte, text, description)


def _additions(site: Site, call: Node, arguments: Node, args: list[Node],
               positional: list[Node]) -> Iterator[Rewrite]:
    used = {site.text(a) for a in args}
    donors = [n for n in site.argument_donors(call, arguments) if n not in used]
    for donor in donors[:ADDED_ARGUMENTS]:
        if positional:
            at, text = positional[-1].end_byte, f", {donor}"
        elif args:
            at, text = args[0].start_byte, f"{donor}, "
        else:
            at, text = arguments.start_byte + 1, donor
        yield Rewrite(at, at, text, f"add argument `{donor}`", ADDITION_WEIGHT)


# --- returns -----------------------------------------------------------------------------------


def mutate_return(site: Site) -> Iterator[Rewrite]:
    """The returned expression -> another value the function returns, a variable in scope (of
    the return type where types are declared), or the type's default."""
    return interleave(_return_site(site, r) for r in site.of_type("return_statement"))


def _return_site(site: Site, node: Node) -> Iterator[Rewrite]:
    value = returned(node)
    if value is None:
        return
    old = site.text(value)
    others = [site.text(v) for r in site.returns if r != node and (v := returned(r)) is not None]
    if site.syntax.indented:
        others = [text for text in others if "\n" not in text]
    variables = site.return_variables(value)
    donors = unique(others, [old])[:OTHER_RETURNS] \
        + unique(variables, [old, *others])[:RETURN_VARIABLES]
    default = site.return_default()
    if default:
        donors += unique([default], [old, *donors])
    for donor in donors:
        yield replace(site, value, donor, f"return `{short(donor)}`")


# --- deletion and moves ------------------------------------------------------------------------


def delete_statement(site: Site) -> Iterator[Rewrite]:
    """Delete the statement's lines (``pass`` where the language needs a statement in the
    block and it is the only one)."""
    anchor = site.deletable()
    if anchor is None:
        return
    description = f"delete `{short(site.text(anchor))}`"
    placeholder = site.syntax.empty_block
    if placeholder and anchor.parent is not None and anchor.parent.type == "block" \
            and len(statements(anchor)) == 1:
        yield Rewrite(anchor.start_byte, anchor.end_byte, placeholder, description)
    elif site.alone_on_lines(anchor):
        start, end = site.line_start(anchor.start_byte), site.line_end(anchor.end_byte)
        newline = site.source.find(b"\n", end)
        yield Rewrite(start, len(site.source) if newline < 0 else newline + 1, "", description)


def move_statement(site: Site) -> Iterator[Rewrite]:
    """Swap the statement's lines with those of the previous, then the next, statement."""
    anchor = site.movable()
    if anchor is None:
        return
    siblings = statements(anchor)
    index = siblings.index(anchor)
    for at in (index - 1, index + 1):
        neighbour = siblings[at] if 0 <= at < len(siblings) else None
        if neighbour is not None and site.swappable(neighbour) \
                and site.alone_on_lines(neighbour):
            yield swap_lines(site, *sorted((anchor, neighbour), key=lambda n: n.start_byte))


def statements(node: Node) -> list[Node]:
    """``node`` and its sibling statements, comments excluded."""
    parent = node.parent
    return [c for c in parent.named_children if "comment" not in c.type] if parent else [node]
