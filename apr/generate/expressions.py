"""Expression-level TBar families for Python: literals, variables, calls, range bounds and
slices (operators and arguments are the core's: :mod:`apr.generate.core`).

Each family is a function ``(Site) -> Iterator[Rewrite]`` over the nodes inside the hunk. Sites
(an operator, a literal, an identifier...) are visited round-robin, so that under a cap every site
gets its most likely rewrites first; within a site, rewrites come in the order of the tables below
(most likely first).
"""

from __future__ import annotations

from collections.abc import Iterator

from apr.generate.site import (
    SPECIAL_NAMES,
    Node,
    Rewrite,
    Site,
    field_of,
    interleave,
    is_variable,
    replace,
    unique,
)
from apr.lang.names import subwords

FUNCTION_PAIRS: dict[str, tuple[str, ...]] = {
    "min": ("max",), "max": ("min",), "any": ("all",), "all": ("any",),
    "sorted": ("reversed",), "reversed": ("sorted",), "int": ("float", "round"),
    "float": ("int",), "round": ("int",), "str": ("repr",), "repr": ("str",),
    "list": ("set", "tuple"), "set": ("list",), "tuple": ("list",),
}
METHOD_PAIRS: dict[str, tuple[str, ...]] = {
    "append": ("extend", "appendleft"), "extend": ("append",), "appendleft": ("append",),
    "pop": ("popleft",), "popleft": ("pop",), "insert": ("append",),
    "lower": ("upper",), "upper": ("lower",), "startswith": ("endswith",),
    "endswith": ("startswith",), "find": ("rfind", "index"), "rfind": ("find",),
    "index": ("rindex", "find"), "rindex": ("index",), "strip": ("lstrip", "rstrip"),
    "lstrip": ("rstrip", "strip"), "rstrip": ("lstrip", "strip"), "split": ("rsplit",),
    "rsplit": ("split",), "remove": ("discard", "pop"), "discard": ("remove",),
    "add": ("update",), "update": ("add",), "keys": ("values", "items"),
    "values": ("keys", "items"), "items": ("keys", "values"), "floor": ("ceil",),
    "ceil": ("floor",), "union": ("intersection",), "intersection": ("union",),
    "isdigit": ("isalpha", "isalnum"), "isalpha": ("isdigit", "isalnum"),
}
DONORS_PER_SITE = 4
"""Donor identifiers / names / literals tried at one site."""

WHOLE_READ_WEIGHT = 0.8
OTHER_OWNER_WEIGHT = 0.8
"""``x.a`` -> ``x.b`` where ``b`` is only seen on other objects of the file."""
"""An attribute read or ``self`` replaced by a local is rarer than one variable for another."""
LITERALS = ("integer", "float", "string", "true", "false", "none")
# expressions that stay one operand when `+ 1` is appended to them
ADDITIVE_SAFE = frozenset(
    {"identifier", "integer", "float", "call", "attribute", "subscript", "parenthesized_expression",
     "unary_operator", "binary_operator"}
)
LOW_PRECEDENCE_BINARY = frozenset({"<<", ">>", "&", "|", "^"})


# --- 2. literals -------------------------------------------------------------------------------


def mutate_literal(site: Site) -> Iterator[Rewrite]:
    """Integers off by one (so 0 <-> 1, -1 <-> 0), True <-> False, strings -> other string
    literals of the file, None <-> literals found elsewhere in the same role (under the same
    kind of parent: a return, a comparison, an argument list...)."""
    return interleave(_literal_site(site, n) for n in site.nodes if _is_literal(site, n))


def _is_literal(site: Site, node: Node) -> bool:
    if node.type == "unary_operator":
        return int_value(site, node) is not None
    if node.type == "integer":
        parent = node.parent
        return not (parent is not None and parent.type == "unary_operator")
    if node.type == "string":
        return _plain_string(node)
    return node.type in ("true", "false", "none")


def _plain_string(node: Node) -> bool:
    """A string literal without interpolation that is not a docstring / string statement."""
    parent = node.parent
    if parent is not None and parent.type in ("expression_statement", "concatenated_string"):
        return False
    if any(c.type == "interpolation" for c in node.children):
        return False
    return len(node.text or b"") <= 80


def int_value(site: Site, node: Node) -> int | None:
    """The value of an integer literal or a negated one (``-1``), else None."""
    if node.type == "unary_operator":
        operator = node.child_by_field_name("operator")
        argument = node.child_by_field_name("argument")
        if operator is None or argument is None or site.text(operator) != "-":
            return None
        value = int_value(site, argument)
        return None if value is None or argument.type != "integer" else -value
    if node.type != "integer":
        return None
    try:
        return int(site.text(node).replace("_", ""), 0)
    except ValueError:
        return None


def _literal_site(site: Site, node: Node) -> Iterator[Rewrite]:
    value = int_value(site, node)
    if value is not None:
        yield replace(site, node, str(value + 1))
        yield replace(site, node, str(value - 1))
    elif node.type in ("true", "false"):
        yield replace(site, node, "False" if node.type == "true" else "True")
    elif node.type == "none":
        yield from (replace(site, node, d) for d in _role_literals(site, node, DONORS_PER_SITE))
    elif node.type == "string":
        yield from (replace(site, node, d) for d in _string_donors(site, node))
    if node.type != "none" and "None" in _role_literals(site, node):
        yield replace(site, node, "None")


def _role_literals(site: Site, node: Node, limit: int | None = None) -> list[str]:
    """Literals found elsewhere under the same kind of parent (a return, a comparison...)."""
    role = node.parent.type if node.parent is not None else ""
    found = [
        site.text(n) for n in site.donors(*LITERALS, "unary_operator")
        if site.index.parent_type(n) == role
        and (n.type != "unary_operator" or int_value(site, n) is not None)
        and (n.type != "string" or _plain_string(n))
    ]
    return unique(found, [site.text(node)])[:limit]


def _string_donors(site: Site, node: Node) -> list[str]:
    found = [site.text(n) for n in site.donors("string") if _plain_string(n)]
    return unique(found, [site.text(node)])[:DONORS_PER_SITE - 1]


# --- 3. variables and attributes ---------------------------------------------------------------


def mutate_variable(site: Site) -> Iterator[Rewrite]:
    """A variable -> another variable in scope (locals and parameters first, then module
    names); ``x.a`` -> ``x.b`` with ``b`` used on the same object (class, for ``self``); then,
    less likely, a whole read ``self.a`` / ``self`` -> a local variable (TBar's "replace an
    expression by a variable of the scope")."""
    streams, wholes = [], []
    for node in site.nodes:
        if is_variable(node) and site.text(node) not in SPECIAL_NAMES:
            streams.append(_variable_site(site, node))
        elif node.type == "attribute" and field_of(node) != "function":
            streams.append(_attribute_site(site, node))
            wholes.append(_whole_read_site(site, node))
        elif is_variable(node) and field_of(node) != "object":
            wholes.append(_whole_read_site(site, node))
    return interleave([*streams, *wholes])


def _whole_read_site(site: Site, node: Node) -> Iterator[Rewrite]:
    """``node`` (an attribute read, or ``self``) -> a local variable; never an assignment
    target, so that a write is not turned into a write to something else."""
    if field_of(node) == "left" and node.parent is not None and "assignment" in node.parent.type:
        return iter(())
    donors = unique(site.local_names, [site.text(node)])[:DONORS_PER_SITE]
    return (Rewrite(node.start_byte, node.end_byte, d, f"`{site.text(node)}` -> `{d}`",
                    weight=WHOLE_READ_WEIGHT) for d in donors)


def _variable_site(site: Site, node: Node) -> Iterator[Rewrite]:
    name = site.text(node)
    donors = by_similarity(name, unique(site.names_at(node), [name]))[:DONORS_PER_SITE + 1]
    return (replace(site, node, donor) for donor in donors)


def by_similarity(name: str, donors: list[str]) -> list[str]:
    """``donors`` with those sharing more words with ``name`` first, then those with as many
    words (``b_rows`` -> ``a_rows``, ``b_cols``, then ``b``: names that differ in one word are
    the ones confused), scope order otherwise."""
    words = set(subwords(name))

    def distance(donor: str) -> tuple[int, int]:
        theirs = set(subwords(donor))
        return -len(words & theirs), abs(len(words) - len(theirs))

    return sorted(donors, key=distance)


def _attribute_site(site: Site, node: Node) -> Iterator[Rewrite]:
    owner, name = node.child_by_field_name("object"), node.child_by_field_name("attribute")
    if owner is None or name is None:
        return iter(())
    scope = site.klass if site.text(owner) in SPECIAL_NAMES else None
    names = [
        site.text(a.child_by_field_name("attribute") or a)
        for a in site.donors("attribute")
        if _same_owner(site, a, site.text(owner)) and a.id not in site.index.callees
        and (scope is None or scope.start_byte <= a.start_byte < scope.end_byte)
    ]
    donors = unique(names, [site.text(name)])[:DONORS_PER_SITE]
    others = unique(_file_attributes(site), [site.text(name), *donors])[:DONORS_PER_SITE]
    return (Rewrite(name.start_byte, name.end_byte, d, f"`.{site.text(name)}` -> `.{d}`",
                    1.0 if d in donors else OTHER_OWNER_WEIGHT) for d in [*donors, *others])


def _file_attributes(site: Site) -> list[str]:
    """Attribute names read anywhere in the file (not method names), in donor order."""
    return [site.text(a.child_by_field_name("attribute") or a) for a in site.donors("attribute")
            if a.id not in site.index.callees]


def _same_owner(site: Site, attribute: Node, owner: str) -> bool:
    obj = attribute.child_by_field_name("object")
    return obj is not None and site.text(obj) == owner


# --- 4. called functions and methods -----------------------------------------------------------


def mutate_call(site: Site) -> Iterator[Rewrite]:
    """A callee -> its known counterpart (``min``/``max``, ``append``/``extend``...), then other
    functions (methods) called or defined in the function and the file, of the same arity."""
    return interleave(_call_site(site, call) for call in site.of_type("call"))


def _call_site(site: Site, call: Node) -> Iterator[Rewrite]:
    callee = call.child_by_field_name("function")
    arity = call_arity(call)
    if callee is None:
        return iter(())
    if callee.type == "identifier":
        name, pairs, method = callee, FUNCTION_PAIRS, False
    elif callee.type == "attribute" and callee.child_by_field_name("attribute") is not None:
        name, pairs, method = callee.child_by_field_name("attribute") or callee, METHOD_PAIRS, True
    else:
        return iter(())
    old = site.text(name)
    donors = unique([*pairs.get(old, ()), *_callees(site, method, arity)], [old])
    return (replace(site, name, d) for d in donors[: len(pairs.get(old, ())) + DONORS_PER_SITE])


def call_arity(call: Node) -> int | None:
    """How many arguments ``call`` passes, or None when a splat hides it."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list":
        return 1 if arguments is not None else None
    args = [a for a in arguments.named_children if a.type != "comment"]
    if any(a.type in ("list_splat", "dictionary_splat") for a in args):
        return None
    return len(args)


def _callees(site: Site, method: bool, arity: int | None) -> list[str]:
    """Names called (or defined) in the function then the file, whose arity may be ``arity``."""
    names: list[str] = []
    for node in site.donors("call", "function_definition"):
        found = _callee_of(site, node, method)
        if found is not None and (arity is None or found[1] is None or arity in found[1]):
            names.append(found[0])
    return names


def _callee_of(site: Site, node: Node, method: bool) -> tuple[str, range | None] | None:
    if node.type == "function_definition":
        return _defined(site, node, method)
    callee = node.child_by_field_name("function")
    if callee is None or (callee.type == "attribute") != method:
        return None
    if method:
        callee = callee.child_by_field_name("attribute")
    if callee is None or callee.type != "identifier":
        return None
    arity = call_arity(node)
    return site.text(callee), None if arity is None else range(arity, arity + 1)


def _defined(site: Site, node: Node, method: bool) -> tuple[str, range | None] | None:
    """A defined function's name and accepted argument counts (``self`` not counted)."""
    name, params = node.child_by_field_name("name"), node.child_by_field_name("parameters")
    in_class = node.parent is not None and node.parent.type == "block" and (
        node.parent.parent is not None and node.parent.parent.type == "class_definition")
    if name is None or params is None or in_class != method:
        return None
    kinds = [p.type for p in params.named_children if p.type != "comment"]
    if method and kinds:
        kinds = kinds[1:]
    if any(k in ("list_splat_pattern", "dictionary_splat_pattern") for k in kinds):
        return site.text(name), None
    required = sum(k in ("identifier", "typed_parameter") for k in kinds)
    return site.text(name), range(required, len(kinds) + 1)


# --- 11. range bounds, slices, indices -----------------------------------------------------------


def mutate_range(site: Site) -> Iterator[Rewrite]:
    """``range`` bounds +/- 1; slice bounds +/- 1, removed or added; an index ``x[i]`` +/- 1."""
    streams = []
    for node in site.nodes:
        if node.type == "call" and _is_range(site, node):
            streams.append(_range_site(site, node))
        elif node.type == "slice":
            streams.append(_slice_site(site, node))
        elif node.type == "subscript":
            streams.append(_index_site(site, node))
    return interleave(streams)


def shifted(site: Site, node: Node, delta: int) -> str:
    """The text of expression ``node`` plus ``delta``, folding literals (``n - 1`` + 1 -> ``n``)."""
    value = int_value(site, node)
    if value is not None:
        return str(value + delta)
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    if node.type == "binary_operator" and left and right and operator:
        sign = {"+": 1, "-": -1}.get(site.text(operator))
        constant = int_value(site, right) if right.type == "integer" else None
        if sign is not None and constant is not None:
            return _plus(site.slice(node.start_byte, left.end_byte), sign * constant + delta)
    text = site.text(node)
    loose = operator is not None and site.text(operator) in LOW_PRECEDENCE_BINARY
    if node.type not in ADDITIVE_SAFE or loose:
        text = f"({text})"
    return _plus(text, delta)


def _plus(text: str, delta: int) -> str:
    if delta == 0:
        return text
    return f"{text} + {delta}" if delta > 0 else f"{text} - {-delta}"


def _is_range(site: Site, call: Node) -> bool:
    callee = call.child_by_field_name("function")
    return callee is not None and site.text(callee) == "range"


def _bound_rewrites(site: Site, node: Node) -> Iterator[Rewrite]:
    yield replace(site, node, shifted(site, node, 1))
    yield replace(site, node, shifted(site, node, -1))


def _range_site(site: Site, call: Node) -> Iterator[Rewrite]:
    arguments = call.child_by_field_name("arguments")
    args = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
    if not 1 <= len(args) <= 3 or any(a.type in site.syntax.splats for a in args):
        return
    if len(args) == 1:
        yield from _bound_rewrites(site, args[0])
        yield Rewrite(args[0].start_byte, args[0].start_byte, "1, ", "add start `1`")
        return
    yield from _bound_rewrites(site, args[1])
    yield from _bound_rewrites(site, args[0])


def _slice_site(site: Site, node: Node) -> Iterator[Rewrite]:
    colons = [c for c in node.children if c.type == ":"]
    if not colons:
        return
    start = next((c for c in node.named_children if c.end_byte <= colons[0].start_byte), None)
    limit = colons[1].start_byte if len(colons) > 1 else node.end_byte
    stop = next((c for c in node.named_children
                 if c.start_byte >= colons[0].end_byte and c.end_byte <= limit), None)
    for bound in (stop, start):
        if bound is not None and bound.type != "comment":
            yield from _bound_rewrites(site, bound)
            description = f"drop slice bound `{site.text(bound)}`"
            yield Rewrite(bound.start_byte, bound.end_byte, "", description)
    if start is None and stop is not None:
        yield Rewrite(node.start_byte, node.start_byte, "1", "add slice start `1`")
    if stop is None and start is not None:
        yield Rewrite(colons[0].end_byte, colons[0].end_byte, "-1", "add slice stop `-1`")


def _index_site(site: Site, node: Node) -> Iterator[Rewrite]:
    indices = node.children_by_field_name("subscript")
    if len(indices) == 1 and indices[0].type in ADDITIVE_SAFE - {"float"}:
        yield from _bound_rewrites(site, indices[0])
