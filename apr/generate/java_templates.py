"""TBar's fix-pattern families for Java (tree-sitter-java), over a :class:`JavaSite`.

Each family is a function ``(JavaSite) -> Iterator[Rewrite]``; sites inside the hunk are visited
round-robin (:func:`~apr.generate.site.interleave`), so that under a cap every site gets its most
likely rewrites first. :data:`JAVA_FAMILIES` lists them in decreasing prior (:data:`JAVA_PRIORS`):

======================  =====  ===========================================================
family                  prior  rewrites
======================  =====  ===========================================================
mutate_operator         0.9    ``<`` -> ``<=``, ``+`` -> ``-``, ``&&`` -> ``||``, ``+=`` -> ``-=``,
                               ``++`` <-> ``--``; a unary ``!``/``-`` dropped
mutate_literal          0.8    integers +/- 1 (``a - 1`` -> ``a``, not ``a - 0``), ``true`` <->
                               ``false``, donor literals of the same kind
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
mutate_return           0.5    the returned expression -> another return value, a variable of
                               the return type, or the type's default
insert_range_check      0.5    ``if (i < a.length) { stmt }`` / ``i < list.size()``, or an early
                               ``return`` when the index is out of range
mutate_data_type        0.4    ``int`` <-> ``long``, ``float`` <-> ``double``, ``int`` ->
                               ``double`` in declarations and casts
insert_cast_check       0.4    ``if (e instanceof T) { stmt }`` around a cast ``(T) e``
mutate_arguments        0.4    swap two arguments; remove or add one when the file calls or
                               declares the method with that many arguments
insert_call             0.3    ``this.m();`` / ``m();`` before or after the statement, for the
                               class's ``void`` methods without parameters
delete_statement        0.3    delete an expression, ``break``/``continue`` or ``throw`` statement
move_statement          0.2    swap the statement with its previous / next sibling
======================  =====  ===========================================================

Inserted code follows the file's indentation and newline style; a statement that shares its
lines with other code is not wrapped, deleted or moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from apr.generate.java_site import (
    BLOCKS,
    INTEGER_LITERALS,
    LITERALS,
    NUMERIC,
    PRIMITIVES,
    STRING_LITERALS,
    JavaSite,
    base_type,
    is_reference,
)
from apr.generate.site import Node, Rewrite, contains, field_of, interleave, unique

ARITHMETIC: dict[str, tuple[str, ...]] = {
    "+": ("-", "*"), "-": ("+",), "*": ("/", "+", "%"), "/": ("*", "%"), "%": ("/", "*"),
    "<<": (">>",), ">>": ("<<", ">>>"), ">>>": (">>",), "&": ("|", "^"), "|": ("&", "^"),
    "^": ("|", "&"),
}
COMPARISON: dict[str, tuple[str, ...]] = {
    "<": ("<=", ">", ">=", "!=", "=="), "<=": ("<", ">=", ">", "=="),
    ">": (">=", "<", "<=", "!="), ">=": (">", "<=", "<", "=="),
    "==": ("!=", "<=", ">="), "!=": ("==", "<", ">"),
}
LOGICAL: dict[str, tuple[str, ...]] = {"&&": ("||",), "||": ("&&",)}
ASSIGNMENT: dict[str, tuple[str, ...]] = {
    "+=": ("-=", "="), "-=": ("+=", "="), "*=": ("/=", "+="), "/=": ("*=", "%="), "%=": ("/=",),
    "|=": ("&=", "^="), "&=": ("|=",), "^=": ("|=",), "<<=": (">>=",), ">>=": ("<<=", ">>>="),
    ">>>=": (">>=",),
}
BINARY = {**ARITHMETIC, **COMPARISON, **LOGICAL}
NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
METHOD_PAIRS: dict[str, tuple[str, ...]] = {
    "min": ("max",), "max": ("min",), "floor": ("ceil", "round"), "ceil": ("floor", "round"),
    "round": ("floor", "ceil"), "add": ("addAll", "remove"), "addAll": ("add",),
    "remove": ("add", "removeAll"), "startsWith": ("endsWith",), "endsWith": ("startsWith",),
    "indexOf": ("lastIndexOf",), "lastIndexOf": ("indexOf",), "toLowerCase": ("toUpperCase",),
    "toUpperCase": ("toLowerCase",), "isEmpty": ("isBlank",), "equals": ("equalsIgnoreCase",),
    "equalsIgnoreCase": ("equals",), "containsKey": ("containsValue",),
    "containsValue": ("containsKey",), "put": ("putIfAbsent",), "push": ("add", "offer"),
    "pop": ("poll", "remove"), "poll": ("pop", "peek"), "peek": ("poll", "pop"),
    "offer": ("push", "add"), "first": ("last",), "last": ("first",), "getFirst": ("getLast",),
    "getLast": ("getFirst",), "removeFirst": ("removeLast",), "removeLast": ("removeFirst",),
    "addFirst": ("addLast",), "addLast": ("addFirst",), "abs": ("negateExact",),
    "trim": ("strip",), "keySet": ("values",), "values": ("keySet",), "get": ("getOrDefault",),
}
INDEX_METHODS = frozenset({"get", "charAt", "substring", "subList", "set", "remove",
                           "codePointAt", "deleteCharAt", "insert"})
SIZE_OF = {"[]": "length", "String": "length()", "StringBuilder": "length()"}
WIDER: dict[str, tuple[str, ...]] = {
    "int": ("long", "double"), "long": ("int", "double"), "float": ("double",),
    "double": ("float", "int", "long"), "short": ("int",), "byte": ("int",), "char": ("int",),
}
DEFAULTS: dict[str, str] = {
    "boolean": "false", "int": "0", "long": "0L", "short": "0", "byte": "0", "char": "'\\0'",
    "float": "0f", "double": "0.0", "void": "",
}
DONORS_PER_SITE = 4
INSERTED_CALLS = 4  # methods whose call insert_call inserts, per side
EXITS = 4
"""Early exits tried per guard: other returns, the type's default, variables of the type."""
CLAUSE_DONORS = 4
GUARDED_VARIABLES = 3
REMOVAL_WEIGHT = 0.8
ADDITION_WEIGHT = 0.7
DONOR_WEIGHT = 0.8
UNWRAP_WEIGHT = 0.7
WRAP_WEIGHT = 0.7
ARGUMENT_SHIFT_WEIGHT = 0.8
SIMPLE_DELETABLE = frozenset({"expression_statement", "break_statement", "continue_statement",
                              "throw_statement"})
MOVABLE = SIMPLE_DELETABLE | {"local_variable_declaration", "return_statement"}
LOOSE = frozenset({"ternary_expression", "assignment_expression", "lambda_expression"})


def replace(site: JavaSite, node: Node, text: str, description: str = "",
            weight: float = 1.0) -> Rewrite:
    """Replace ``node`` by ``text``; the description defaults to ``old -> new``."""
    old = site.text(node)
    return Rewrite(node.start_byte, node.end_byte, text, description or f"`{old}` -> `{text}`",
                   weight)


def short(text: str, width: int = 40) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def operator_of(site: JavaSite, node: Node) -> Node | None:
    """The operator token of a binary/assignment/unary expression."""
    return node.child_by_field_name("operator")


# --- 1. operators ------------------------------------------------------------------------------


def mutate_operator(site: JavaSite) -> Iterator[Rewrite]:
    """Binary, compound-assignment and update operators among their kin; unary ``!``/``-``
    dropped (see the module table)."""
    return interleave(_operator_site(site, n) for n in site.nodes)


def _operator_site(site: JavaSite, node: Node) -> Iterator[Rewrite]:
    if node.type == "binary_expression":
        token = operator_of(site, node)
        if token is None or _string_concat(site, node):
            return
        for new in BINARY.get(site.text(token), ()):
            yield replace(site, token, new)
    elif node.type == "assignment_expression":
        token = operator_of(site, node)
        if token is not None:
            for new in ASSIGNMENT.get(site.text(token), ()):
                yield replace(site, token, new)
    elif node.type == "update_expression":
        token = next((c for c in node.children if c.type in ("++", "--")), None)
        if token is not None:
            yield replace(site, token, "--" if token.type == "++" else "++")
    elif node.type == "unary_expression":
        token, operand = operator_of(site, node), node.child_by_field_name("operand")
        if token is not None and operand is not None and site.text(token) in ("!", "-", "~"):
            if operand.type not in INTEGER_LITERALS:
                yield replace(site, node, site.text(operand))


def _string_concat(site: JavaSite, node: Node) -> bool:
    token = operator_of(site, node)
    return token is not None and site.text(token) == "+" and site.type_of(node) == "String"


# --- 2. literals -------------------------------------------------------------------------------


def mutate_literal(site: JavaSite) -> Iterator[Rewrite]:
    """Integers +/- 1, booleans flipped, then donor literals of the same kind (method, class,
    file): strings for strings, numbers for numbers."""
    return interleave(_literal_site(site, n) for n in site.nodes if _is_literal(site, n))


def _is_literal(site: JavaSite, node: Node) -> bool:
    if node.type not in LITERALS - {"null_literal"}:
        return False
    parent = node.parent
    if parent is not None and parent.type in ("switch_label", "annotation_argument_list",
                                              "element_value_pair"):
        return False
    return len(site.text(node)) <= 80


def int_literal(site: JavaSite, node: Node) -> tuple[int, str] | None:
    """(value, suffix) of a decimal integer literal, else None."""
    if node.type != "decimal_integer_literal":
        return None
    text = site.text(node).replace("_", "")
    suffix = text[-1] if text[-1:] in ("l", "L") else ""
    try:
        return int(text.rstrip("lL")), suffix
    except ValueError:
        return None


def _literal_site(site: JavaSite, node: Node) -> Iterator[Rewrite]:
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
        if not suffix and _divided(site, node):
            floating = f"{number}.0"
            tried.add(floating)
            yield replace(site, node, floating, f"`{number}` -> `{floating}` (floating-point "
                          "division)")
    elif node.type in ("true", "false"):
        yield replace(site, node, "false" if node.type == "true" else "true")
    kind = _literal_kind(node)
    donors = [site.text(n) for n in site.donors(*LITERALS) if _literal_kind(n) == kind
              and "\n" not in site.text(n)]
    for donor in unique(donors, tried)[:DONORS_PER_SITE - 1]:
        yield replace(site, node, donor, weight=DONOR_WEIGHT)


def _divided(site: JavaSite, node: Node) -> bool:
    """Whether ``node`` is an operand of ``/`` with an integer literal on both sides, where
    integer division truncates (``9 / 5`` is 1)."""
    parent = node.parent
    if parent is None or parent.type != "binary_expression":
        return False
    token = operator_of(site, parent)
    sides = (parent.child_by_field_name("left"), parent.child_by_field_name("right"))
    return (token is not None and site.text(token) == "/"
            and all(s is not None and int_literal(site, s) is not None for s in sides))


def _dropped_term(site: JavaSite, node: Node) -> Rewrite | None:
    """``a + 1`` / ``a - 1`` -> ``a`` (rather than ``a - 0``) when ``node`` is that ``1``."""
    parent = node.parent
    if parent is None or parent.type != "binary_expression" or field_of(node) != "right":
        return None
    token, left = operator_of(site, parent), parent.child_by_field_name("left")
    if token is None or left is None or site.text(token) not in ("+", "-"):
        return None
    if site.type_of(parent) == "String":
        return None
    return replace(site, parent, site.text(left), f"drop `{site.text(token)} {site.text(node)}`")


def _literal_kind(node: Node) -> str:
    if node.type in STRING_LITERALS:
        return "string"
    if node.type in ("true", "false"):
        return "boolean"
    if node.type == "character_literal":
        return "char"
    return "number"


# --- 3. conditions -----------------------------------------------------------------------------

CONDITION_OWNERS = frozenset({"if_statement", "while_statement", "do_statement", "for_statement",
                              "ternary_expression"})
BOOLEAN_OPERATORS = frozenset({"<", "<=", ">", ">=", "==", "!=", "&&", "||"})


def mutate_condition(site: JavaSite) -> Iterator[Rewrite]:
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


def _conditions(site: JavaSite) -> list[Node]:
    found: list[Node] = []
    for node in site.nodes:
        parent = node.parent
        if parent is not None and parent.type in CONDITION_OWNERS \
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


def _boolean_value(site: JavaSite, node: Node) -> bool:
    """A boolean expression returned, assigned or declared (not a part of a larger one)."""
    if site.type_of(node) != "boolean" or node.type in ("true", "false", "identifier"):
        return False
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "return_statement":
        return True
    return (parent.type, field_of(node)) in (("assignment_expression", "right"),
                                             ("variable_declarator", "value"))


def _declared_boolean(site: JavaSite, node: Node) -> bool:
    """A call or name assigned to (or declaring) a ``boolean`` variable: ``ok = s.isEmpty()``."""
    parent = node.parent
    if parent is None or node.type not in ("method_invocation", "identifier", "field_access"):
        return False
    if parent.type == "variable_declarator" and field_of(node) == "value":
        declaration = parent.parent
        kind = declaration.child_by_field_name("type") if declaration is not None else None
        return kind is not None and site.text(kind) == "boolean"
    if parent.type == "assignment_expression" and field_of(node) == "right":
        left = parent.child_by_field_name("left")
        return left is not None and site.type_of(left) == "boolean"
    return False


def _condition_site(site: JavaSite, condition: Node) -> Iterator[Rewrite]:
    yield _negation(site, condition)
    yield from _dropped_operands(site, condition)
    yield from _null_clauses(site, condition)
    for donor in _condition_donors(site, condition):
        yield _with_clause(site, condition, "&&", donor)
        yield _with_clause(site, condition, "||", donor)


def _negation(site: JavaSite, condition: Node) -> Rewrite:
    operand = condition.child_by_field_name("operand")
    token = operator_of(site, condition)
    if condition.type == "unary_expression" and token is not None and site.text(token) == "!" \
            and operand is not None:
        return replace(site, condition, site.text(operand), f"drop `!` in `{site.text(condition)}`")
    if condition.type == "binary_expression" and token is not None \
            and site.text(token) in NEGATED:
        new = NEGATED[site.text(token)]
        return replace(site, token, new, f"negate: `{site.text(token)}` -> `{new}`")
    text = site.text(condition)
    negated = f"!{text}" if _primary(condition) else f"!({text})"
    return replace(site, condition, negated, f"negate `{short(text)}`")


def _primary(node: Node) -> bool:
    return node.type in ("identifier", "method_invocation", "field_access", "array_access",
                         "parenthesized_expression", "true", "false")


def _operands(site: JavaSite, node: Node, operator: str) -> list[Node]:
    token = operator_of(site, node)
    if node.type != "binary_expression" or token is None or site.text(token) != operator:
        return [node]
    return [o for side in ("left", "right") if (child := node.child_by_field_name(side))
            for o in _operands(site, child, operator)]


def _dropped_operands(site: JavaSite, condition: Node) -> Iterator[Rewrite]:
    for chain in _chains(site, condition):
        token = operator_of(site, chain)
        operator = site.text(token) if token is not None else "&&"
        operands = _operands(site, chain, operator)
        for index, dropped in enumerate(operands):
            rest = [site.text(o) for i, o in enumerate(operands) if i != index]
            yield Rewrite(chain.start_byte, chain.end_byte, f" {operator} ".join(rest),
                          f"drop `{short(site.text(dropped))}`")


def _logical(site: JavaSite, node: Node) -> str:
    token = operator_of(site, node) if node.type == "binary_expression" else None
    text = site.text(token) if token is not None else ""
    return text if text in ("&&", "||") else ""


def _chains(site: JavaSite, condition: Node) -> list[Node]:
    chains = []
    for node in site.nodes:
        if not _logical(site, node) or not contains(condition, node):
            continue
        parent = node.parent
        same = parent is not None and _logical(site, parent) == _logical(site, node)
        if not same or node == condition:
            chains.append(node)
    return chains


def _condition_donors(site: JavaSite, condition: Node) -> list[Node]:
    text = site.text(condition)
    donors: dict[str, Node] = {}
    for node in site.donor_nodes:
        if site.in_hunk(node) or not _is_condition(site, node):
            continue
        donor = site.text(node)
        if "\n" not in donor and donor not in text and text not in donor and len(donor) <= 80:
            donors.setdefault(donor, node)
    return list(donors.values())[:CLAUSE_DONORS]


def _is_condition(site: JavaSite, node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is not None and parent.type in CONDITION_OWNERS and node == condition_of(parent):
        return True
    token = operator_of(site, node) if node.type == "binary_expression" else None
    return token is not None and site.text(token) in BOOLEAN_OPERATORS


def _null_clauses(site: JavaSite, condition: Node) -> Iterator[Rewrite]:
    """``v != null && cond`` / ``v == null || cond`` for variables ``cond`` dereferences."""
    for variable in _dereferenced(site, [condition])[:2]:
        yield _prefix_clause(site, condition, f"{variable} != null", "&&")
        yield _prefix_clause(site, condition, f"{variable} == null", "||")


def _prefix_clause(site: JavaSite, condition: Node, clause: str, operator: str) -> Rewrite:
    text = site.text(condition)
    body = text if _binds_under(site, condition, operator) else f"({text})"
    return replace(site, condition, f"{clause} {operator} {body}",
                   f"add `{clause} {operator}` before `{short(text)}`")


def _with_clause(site: JavaSite, condition: Node, operator: str, donor: Node) -> Rewrite:
    """``condition <operator> donor``, parenthesizing either side where precedence demands."""
    text, added = site.text(condition), site.text(donor)
    description = f"add `{operator} {short(added)}`"
    if not _binds_under(site, donor, operator):
        added = f"({added})"
    if _binds_under(site, condition, operator):
        return Rewrite(condition.end_byte, condition.end_byte, f" {operator} {added}", description)
    return replace(site, condition, f"({text}) {operator} {added}", description)


def _binds_under(site: JavaSite, node: Node, operator: str) -> bool:
    """Whether ``node`` can be an operand of ``&&``/``||`` ``operator`` without parentheses."""
    if node.type in LOOSE:
        return False
    logical = _logical(site, node)
    return not logical or logical == operator or (logical == "&&" and operator == "||")


# --- 4. null checks ----------------------------------------------------------------------------


def _dereferenced(site: JavaSite, roots: list[Node]) -> list[str]:
    """Variables (or ``this.f``) of reference type that ``roots`` dereference: ``v.m()``,
    ``v.f``, ``v[i]``; then those passed as arguments."""
    derefs: list[str] = []
    passed: list[str] = []
    for root in roots:
        for node in _walk_in(site, root):
            target = _deref_target(node)
            if target is not None and _nullable(site, target):
                derefs.append(site.text(target))
            elif node.type == "argument_list":
                passed += [site.text(a) for a in node.named_children if _nullable(site, a)]
    return unique([*derefs, *passed])


def _walk_in(site: JavaSite, root: Node) -> Iterator[Node]:
    return (n for n in site.nodes if contains(root, n))


def _deref_target(node: Node) -> Node | None:
    if node.type in ("method_invocation", "field_access"):
        return node.child_by_field_name("object")
    if node.type == "array_access":
        return node.child_by_field_name("array")
    return None


def _nullable(site: JavaSite, node: Node) -> bool:
    if node.type not in ("identifier", "field_access"):
        return False
    var = site.variable(node)
    return var is not None and is_reference(var.type)


def insert_null_check(site: JavaSite) -> Iterator[Rewrite]:
    """``if (v != null) { stmt }`` around the statement, or ``if (v == null) { return r; }``
    (``continue;`` inside a loop) before it, for the variables it dereferences."""
    anchor = _block_statement(site)
    if anchor is None:
        return iter(())
    variables = _dereferenced(site, [anchor])[:GUARDED_VARIABLES]
    return interleave(_null_guards(site, anchor, v) for v in variables)


def _null_guards(site: JavaSite, anchor: Node, variable: str) -> Iterator[Rewrite]:
    if _wrappable(anchor):
        yield wrap(site, anchor, f"{variable} != null")
    for exit_statement in exits(site, anchor):
        yield guard(site, anchor, f"{variable} == null", exit_statement)


def _block_statement(site: JavaSite) -> Node | None:
    """The hunk's statement, if it sits alone on its lines directly in a block."""
    anchor = site.anchor
    if anchor is None or anchor.parent is None or anchor.parent.type not in BLOCKS:
        return None
    if anchor.type not in site.language.grammar.simple_statements and anchor.type not in (
            "if_statement", "for_statement", "enhanced_for_statement", "while_statement"):
        return None
    return anchor if site.alone_on_lines(anchor) else None


def _wrappable(anchor: Node) -> bool:
    """Statements that may move into an ``if`` block: not declarations, returns or throws."""
    return anchor.type not in ("local_variable_declaration", "return_statement",
                               "throw_statement", "switch_label", "field_declaration")


def exits(site: JavaSite, anchor: Node) -> list[str]:
    """Statements that leave early: ``return`` with the method's other return values (or its
    type's default), ``continue;`` in a loop."""
    values = [site.text(v) for r in site.returns if not contains(anchor, r)
              and (v := _returned(r)) is not None]
    kind = site.return_type
    defaults = [] if kind is None else ['""', "null"] if kind == "String" else [
        DEFAULTS.get(kind, "null")]
    typed = [v.name for v in site.variables_at(anchor) if v.type == kind and kind != "void"]
    candidates = [*values[:2], *defaults, *typed[:2]]
    out = [f"return {v};" if v else "return;" for v in unique(candidates)]
    if site.in_loop(anchor):
        out.insert(1 if out else 0, "continue;")
    return out[:EXITS]


def _returned(node: Node) -> Node | None:
    return next((c for c in node.named_children if "comment" not in c.type), None)


def wrap(site: JavaSite, anchor: Node, condition: str) -> Rewrite:
    """``if (condition) {`` around the statement's lines, re-indented one level."""
    indent, unit, newline = site.indent(anchor) or "", site.indent_unit(anchor), site.newline
    start, end = site.line_start(anchor.start_byte), site.line_end(anchor.end_byte)
    lines = site.slice(start, end).split(newline)
    body = newline.join(unit + line if line.strip() else line for line in lines)
    text = f"{indent}if ({condition}) {{{newline}{body}{newline}{indent}}}"
    return Rewrite(start, end, text, f"wrap in `if ({short(condition)})`")


def guard(site: JavaSite, anchor: Node, condition: str, statement: str) -> Rewrite:
    """``if (condition) { statement }`` inserted before the statement's line."""
    indent, unit, newline = site.indent(anchor) or "", site.indent_unit(anchor), site.newline
    text = (f"{indent}if ({condition}) {{{newline}{indent}{unit}{statement}{newline}"
            f"{indent}}}{newline}")
    at = site.line_start(anchor.start_byte)
    return Rewrite(at, at, text, f"insert `if ({short(condition)}) {statement}`")


# --- 5. range checks and index offsets ---------------------------------------------------------


def _indexings(site: JavaSite) -> list[tuple[Node, Node, Node]]:
    """(access, container, index) for ``a[i]`` and ``c.get(i)``-like calls in the hunk."""
    found = []
    for node in site.nodes:
        if node.type == "array_access":
            array, index = node.child_by_field_name("array"), node.child_by_field_name("index")
            if array is not None and index is not None:
                found.append((node, array, index))
        elif node.type == "method_invocation":
            name, owner = node.child_by_field_name("name"), node.child_by_field_name("object")
            args = _arguments(node)
            if name is not None and owner is not None and site.text(name) in INDEX_METHODS \
                    and args:
                found.append((node, owner, args[0]))
    return found


def mutate_range(site: JavaSite) -> Iterator[Rewrite]:
    """An index (``a[i]``, ``s.charAt(i)``, ``l.get(i)``, ``substring`` bounds) +/- 1."""
    streams = []
    for node in site.nodes:
        if node.type == "array_access":
            index = node.child_by_field_name("index")
            streams.append(_shifts(site, index) if index is not None else iter(()))
        elif node.type == "method_invocation":
            name = node.child_by_field_name("name")
            if name is not None and site.text(name) in INDEX_METHODS:
                args = [a for a in _arguments(node)
                        if site.type_of(a) in (None, "int") and a.type not in STRING_LITERALS]
                streams.extend(_shifts(site, a) for a in args[:2])
            else:
                args = [a for a in _arguments(node) if site.type_of(a) == "int"
                        and a.type in ("identifier", "binary_expression", "field_access")]
                streams.extend(_shifts(site, a, ARGUMENT_SHIFT_WEIGHT) for a in args[:3])
    return interleave(streams)


def _shifts(site: JavaSite, node: Node, weight: float = 1.0) -> Iterator[Rewrite]:
    if node.type in INTEGER_LITERALS:
        return  # mutate_literal does these
    text = site.text(node)
    simple = node.type in ("identifier", "method_invocation", "field_access", "array_access",
                           "parenthesized_expression", "binary_expression")
    operand = text if simple else f"({text})"
    yield replace(site, node, f"{operand} + 1", weight=weight)
    yield replace(site, node, f"{operand} - 1", weight=weight)


def insert_range_check(site: JavaSite) -> Iterator[Rewrite]:
    """``if (i < a.length) { stmt }`` (``size()``/``length()`` for lists and strings) around
    the statement, or an early exit when the index is out of range."""
    anchor = _block_statement(site)
    if anchor is None:
        return iter(())
    return interleave(_range_guards(site, anchor, c, i) for _, c, i in _indexings(site)[:2])


def _range_guards(site: JavaSite, anchor: Node, container: Node, index: Node) -> Iterator[Rewrite]:
    size = _size_of(site, container)
    if size is None or index.type in INTEGER_LITERALS and site.text(index) == "0":
        return
    idx = site.text(index)
    if index.type not in ("identifier", "field_access", "method_invocation"):
        idx = f"({idx})"
    inside = f"{idx} >= 0 && {idx} < {size}"
    if _wrappable(anchor):
        yield wrap(site, anchor, f"{idx} < {size}")
        yield wrap(site, anchor, inside)
    for exit_statement in exits(site, anchor)[:2]:
        yield guard(site, anchor, f"{idx} >= {size}", exit_statement)
        yield guard(site, anchor, f"{idx} < 0 || {idx} >= {size}", exit_statement)


def _size_of(site: JavaSite, container: Node) -> str | None:
    kind = site.type_of(container)
    text = site.text(container)
    if container.type not in ("identifier", "field_access"):
        return None
    if kind is not None and kind.endswith("[]"):
        return f"{text}.length"
    if kind in ("String", "StringBuilder", "CharSequence"):
        return f"{text}.length()"
    return f"{text}.size()"


# --- 6. variables ------------------------------------------------------------------------------


def mutate_variable(site: JavaSite) -> Iterator[Rewrite]:
    """A variable (or ``this.f``) -> another of the same declared type in scope: locals and
    parameters nearest first, then fields."""
    streams = []
    for node in site.nodes:
        if node.type == "identifier" or (node.type == "field_access" and _this_field(node)):
            var = site.variable(node)
            if var is not None:
                streams.append(_variable_site(site, node, var.type))
    return interleave(streams)


def _this_field(node: Node) -> bool:
    owner = node.child_by_field_name("object")
    return owner is not None and owner.type == "this"


def _variable_site(site: JavaSite, node: Node, kind: str) -> Iterator[Rewrite]:
    old = site.text(node)
    names = [v.name for v in site.variables_at(node) if v.type == kind]
    if node.type == "field_access":
        names = [f"this.{v.name}" for v in site.fields if v.type == kind]
    for donor in unique(names, [old, old.removeprefix("this.")])[:DONORS_PER_SITE]:
        yield replace(site, node, donor)


# --- 7. method names ---------------------------------------------------------------------------


def mutate_call(site: JavaSite) -> Iterator[Rewrite]:
    """A method name -> its counterpart (:data:`METHOD_PAIRS`), then other methods called or
    declared in the method, class and file with as many arguments; ``f(x)`` -> ``x``; a
    numeric assignment ``v = e`` -> ``v = Math.max(v, e)`` (``min``, ``Math.max(0, e)``)."""
    calls = [n for n in site.of_type("method_invocation")]
    streams = [_call_site(site, call) for call in calls]
    streams += [_extremes(site, a) for a in site.of_type("assignment_expression")]
    return interleave(streams)


def _extremes(site: JavaSite, assignment: Node) -> Iterator[Rewrite]:
    """``v = e`` -> ``v = Math.max(v, e)``, ``Math.min(v, e)``, ``Math.max(0, e)``: a running
    maximum (or minimum, or a floor at zero) that the code forgot."""
    token = operator_of(site, assignment)
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    if token is None or left is None or right is None or site.text(token) != "=":
        return
    if site.type_of(left) not in NUMERIC or "\n" in site.text(right):
        return
    target, value = site.text(left), site.text(right)
    if value.startswith(("Math.max(", "Math.min(")):
        return
    for text in (f"Math.max({target}, {value})", f"Math.min({target}, {value})",
                 f"Math.max(0, {value})"):
        yield replace(site, right, text, f"`{short(value)}` -> `{short(text)}`", WRAP_WEIGHT)


def _call_site(site: JavaSite, call: Node) -> Iterator[Rewrite]:
    name = call.child_by_field_name("name")
    if name is None:
        return
    old, arity = site.text(name), len(_arguments(call))
    qualified = call.child_by_field_name("object") is not None
    pairs = list(METHOD_PAIRS.get(old, ()))
    others = [n for n, a, q in _methods(site) if a == arity and q == qualified]
    for donor in unique([*pairs, *others], [old])[: len(pairs) + DONORS_PER_SITE]:
        yield replace(site, name, donor)
    args = _arguments(call)
    if len(args) == 1 and not qualified:
        yield replace(site, call, site.text(args[0]), f"unwrap `{short(site.text(call))}`",
                      UNWRAP_WEIGHT)


def _methods(site: JavaSite) -> list[tuple[str, int, bool]]:
    """(name, arity, qualified) of methods invoked or declared in method, class and file;
    declared methods count as unqualified calls."""
    out = []
    for node in site.donors("method_invocation", "method_declaration"):
        name = node.child_by_field_name("name")
        if name is None:
            continue
        if node.type == "method_declaration":
            params = node.child_by_field_name("parameters")
            count = len([p for p in params.named_children if "comment" not in p.type]) \
                if params is not None else 0
            out.append((site.text(name), count, False))
        else:
            out.append((site.text(name), len(_arguments(node)),
                        node.child_by_field_name("object") is not None))
    return out


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [a for a in arguments.named_children if "comment" not in a.type]


# --- 8. arguments ------------------------------------------------------------------------------


def mutate_arguments(site: JavaSite) -> Iterator[Rewrite]:
    """Swap two arguments (neighbours first); remove one or add a variable in scope when the
    file calls or declares the method with that many arguments."""
    calls = site.of_type("method_invocation", "object_creation_expression")
    return interleave(_argument_site(site, call) for call in calls)


def _argument_site(site: JavaSite, call: Node) -> Iterator[Rewrite]:
    args = _arguments(call)
    yield from _swaps(site, args)
    name = call.child_by_field_name("name")
    if name is None:
        return
    arities = {a for n, a, _ in _methods(site) if n == site.text(name)}
    if len(args) - 1 in arities:
        yield from _removals(site, args)
    if len(args) + 1 in arities:
        yield from _additions(site, call, args)


def _swaps(site: JavaSite, args: list[Node]) -> Iterator[Rewrite]:
    pairs = [(i, i + 1) for i in range(len(args) - 1)]
    pairs += [(i, j) for i in range(len(args)) for j in range(i + 2, len(args))]
    for i, j in pairs[:6]:
        first, second = args[i], args[j]
        kinds = {site.type_of(first), site.type_of(second)}
        if len(kinds - {None}) > 1:
            continue  # different known types: javac would reject the swap
        middle = site.slice(first.end_byte, second.start_byte)
        text = site.text(second) + middle + site.text(first)
        description = f"swap `{site.text(first)}` and `{site.text(second)}`"
        yield Rewrite(first.start_byte, second.end_byte, text, description)


def _removals(site: JavaSite, args: list[Node]) -> Iterator[Rewrite]:
    for index, arg in enumerate(args):
        if index + 1 < len(args):
            start, end = arg.start_byte, args[index + 1].start_byte
        else:
            start, end = (args[index - 1].end_byte if index else arg.start_byte), arg.end_byte
        yield Rewrite(start, end, "", f"remove argument `{site.text(arg)}`", REMOVAL_WEIGHT)


def _additions(site: JavaSite, call: Node, args: list[Node]) -> Iterator[Rewrite]:
    used = {site.text(a) for a in args}
    donors = [v.name for v in site.variables_at(call) if v.name not in used][:2]
    arguments = call.child_by_field_name("arguments")
    for donor in donors:
        if args:
            at, text = args[-1].end_byte, f", {donor}"
        elif arguments is not None:
            at, text = arguments.start_byte + 1, donor
        else:
            continue
        yield Rewrite(at, at, text, f"add argument `{donor}`", ADDITION_WEIGHT)


# --- 9. returns --------------------------------------------------------------------------------


def mutate_return(site: JavaSite) -> Iterator[Rewrite]:
    """The returned expression -> another value the method returns, a variable of the return
    type in scope, or the type's default (``null``, ``0``, ``false``)."""
    return interleave(_return_site(site, r) for r in site.of_type("return_statement"))


def _return_site(site: JavaSite, node: Node) -> Iterator[Rewrite]:
    value = _returned(node)
    if value is None:
        return
    old = site.text(value)
    others = [site.text(v) for r in site.returns if r != node and (v := _returned(r)) is not None]
    kind = site.return_type
    variables = [v.name for v in site.variables_at(value) if kind is not None and v.type == kind]
    default = DEFAULTS.get(kind, "null") if kind is not None else None
    donors = unique(others, [old])[:4] + unique(variables, [old, *others])[:3]
    if default:
        donors += unique([default], [old, *donors])
    for donor in donors:
        yield replace(site, value, donor, f"return `{short(donor)}`")


# --- 10. data types and casts --------------------------------------------------------------------


def mutate_data_type(site: JavaSite) -> Iterator[Rewrite]:
    """A primitive type in a declaration, parameter or cast -> a wider or narrower one."""
    types = [n for n in site.nodes if n.type in ("integral_type", "floating_point_type")
             and n.parent is not None and n.parent.type in (
                 "local_variable_declaration", "cast_expression", "field_declaration",
                 "formal_parameter", "method_declaration", "array_type")]
    return interleave(_type_site(site, n) for n in types)


def _type_site(site: JavaSite, node: Node) -> Iterator[Rewrite]:
    for new in WIDER.get(site.text(node), ()):
        yield replace(site, node, new)


def insert_cast_check(site: JavaSite) -> Iterator[Rewrite]:
    """``if (e instanceof T) { stmt }`` around a statement casting ``e`` to a class ``T``, or an
    early exit when it is not one."""
    anchor = _block_statement(site)
    if anchor is None:
        return iter(())
    casts = [c for c in site.of_type("cast_expression") if _class_cast(site, c)]
    return interleave(_cast_guards(site, anchor, c) for c in casts[:2])


def _class_cast(site: JavaSite, cast: Node) -> bool:
    kind = cast.child_by_field_name("type")
    return kind is not None and base_type(site.text(kind)) not in PRIMITIVES | NUMERIC


def _cast_guards(site: JavaSite, anchor: Node, cast: Node) -> Iterator[Rewrite]:
    kind, value = cast.child_by_field_name("type"), cast.child_by_field_name("value")
    if kind is None or value is None:
        return
    raw = base_type(site.text(kind)).split("<", 1)[0]
    check = f"{site.text(value)} instanceof {raw}"
    if _wrappable(anchor):
        yield wrap(site, anchor, check)
    for exit_statement in exits(site, anchor)[:2]:
        yield guard(site, anchor, f"!({check})", exit_statement)


# --- 10b. a forgotten step ----------------------------------------------------------------------


def insert_call(site: JavaSite) -> Iterator[Rewrite]:
    """A call of one of the class's ``void`` methods without parameters inserted before (then
    after) the statement: a step the code forgot (``this.finish();`` before ``super.close();``).
    The method holding the hunk and those the statement calls are left out; the call is
    written ``this.m();`` when the class calls its own methods that way more often than bare."""
    anchor = _block_statement(site)
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


def _steps(site: JavaSite) -> list[str]:
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


def _this_style(site: JavaSite, names: list[str]) -> bool:
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


def _inserted(site: JavaSite, anchor: Node, statement: str, before: bool) -> Rewrite:
    indent, newline = site.indent(anchor) or "", site.newline
    if before:
        at = site.line_start(anchor.start_byte)
        return Rewrite(at, at, f"{indent}{statement}{newline}", f"insert `{statement}` before")
    at = site.line_end(anchor.end_byte)
    return Rewrite(at, at, f"{newline}{indent}{statement}", f"insert `{statement}` after")


# --- 11. deletion and moves ----------------------------------------------------------------------


def delete_statement(site: JavaSite) -> Iterator[Rewrite]:
    """Delete an expression, ``break``, ``continue`` or ``throw`` statement's lines."""
    anchor = _block_statement(site)
    if anchor is None or anchor.type not in SIMPLE_DELETABLE:
        return
    start, end = site.line_start(anchor.start_byte), site.line_end(anchor.end_byte)
    newline = site.source.find(b"\n", end)
    yield Rewrite(start, len(site.source) if newline < 0 else newline + 1, "",
                  f"delete `{short(site.text(anchor))}`")


def move_statement(site: JavaSite) -> Iterator[Rewrite]:
    """Swap the statement's lines with those of the previous, then the next, statement."""
    anchor = _block_statement(site)
    if anchor is None or anchor.type not in MOVABLE or anchor.parent is None:
        return
    siblings = [c for c in anchor.parent.named_children if "comment" not in c.type]
    index = siblings.index(anchor)
    for at in (index - 1, index + 1):
        neighbour = siblings[at] if 0 <= at < len(siblings) else None
        if neighbour is None or neighbour.type not in MOVABLE | {"if_statement"}:
            continue
        if site.alone_on_lines(neighbour):
            yield _swap(site, *sorted((anchor, neighbour), key=lambda n: n.start_byte))


def _swap(site: JavaSite, first: Node, second: Node) -> Rewrite:
    a_start, a_end = site.line_start(first.start_byte), site.line_end(first.end_byte)
    b_start, b_end = site.line_start(second.start_byte), site.line_end(second.end_byte)
    text = site.slice(b_start, b_end) + site.slice(a_end, b_start) + site.slice(a_start, a_end)
    description = f"swap `{short(site.text(first))}` and `{short(site.text(second))}`"
    return Rewrite(a_start, b_end, text, description)


JavaFamily = Callable[[JavaSite], Iterable[Rewrite]]

JAVA_FAMILIES: dict[str, JavaFamily] = {
    "mutate_operator": mutate_operator,
    "mutate_literal": mutate_literal,
    "mutate_condition": mutate_condition,
    "insert_null_check": insert_null_check,
    "mutate_range": mutate_range,
    "mutate_variable": mutate_variable,
    "mutate_call": mutate_call,
    "mutate_return": mutate_return,
    "insert_range_check": insert_range_check,
    "mutate_data_type": mutate_data_type,
    "insert_cast_check": insert_cast_check,
    "mutate_arguments": mutate_arguments,
    "insert_call": insert_call,
    "delete_statement": delete_statement,
    "move_statement": move_statement,
}
JAVA_PRIORS: dict[str, float] = {
    "mutate_operator": 0.9,
    "mutate_literal": 0.8,
    "mutate_condition": 0.8,
    "insert_null_check": 0.7,
    "mutate_range": 0.6,
    "mutate_variable": 0.6,
    "mutate_call": 0.6,
    "mutate_return": 0.5,
    "insert_range_check": 0.5,
    "mutate_data_type": 0.4,
    "insert_cast_check": 0.4,
    "mutate_arguments": 0.4,
    "insert_call": 0.3,
    "delete_statement": 0.3,
    "move_statement": 0.2,
}
