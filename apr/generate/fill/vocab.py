"""The donor code of a scope, by kind: what the ``local-lm`` filler may put in a blank.

TBar and GAMMA take donor code from the enclosing function, then its class, then the file; the
local filler also looks at the rest of the project. A :class:`Vocabulary` collects, from some
syntax trees, the called functions and methods, attribute names (by owner), literals, the
arguments and keyword arguments passed to each callee, conditions, returned expressions and
declared types, each with how often it occurs, in first-seen order.

Node type names are read through a :class:`Rules` record per language (:data:`RULES`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from apr.generate.site import Node

MAX_TEXT = 60
"""Longer donor texts (and multi-line ones) are not collected."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The node types one language uses for what a :class:`Vocabulary` collects.

    Attributes:
        calls: ``{call type: (callee field, arguments field)}``.
        attributes: ``{attribute type: (object field, name field)}``.
        literals: literal node types.
        keyword_argument: the keyword argument type (``""`` when the language has none).
        conditions: ``{owner type: condition field}`` (``if``, ``while``...).
        boolean: boolean expression types whose operands are conditions too.
        functions: function definition types (their names are callees).
        returns: the return statement type.
        types: type node types (declared types).
        method_scopes: parent types that make a definition a method.
        handlers: ``{handler type: how to read the classes it catches}`` (``except``).
        raises: the raise/throw statement type (the class raised is an exception too).
        slices: slice node types (inside a subscript's brackets).
    """

    calls: dict[str, tuple[str, str]]
    attributes: dict[str, tuple[str, str]]
    literals: frozenset[str]
    keyword_argument: str
    conditions: dict[str, str]
    boolean: frozenset[str]
    functions: frozenset[str]
    returns: str
    types: frozenset[str] = frozenset()
    method_scopes: frozenset[str] = frozenset()
    handlers: dict[str, Callable[[Node], list[Node]]] = field(default_factory=dict)
    raises: str = ""
    slices: frozenset[str] = frozenset()


def caught(clause: Node) -> list[Node]:
    """The exception classes a Python ``except`` clause names (``except (A, B) as e``: A, B)."""
    kinds = [c for c in clause.named_children if c.type != "block"][:1]
    if kinds and kinds[0].type == "as_pattern":
        kinds = kinds[0].named_children[:1]
    if kinds and kinds[0].type in ("tuple", "parenthesized_expression"):
        kinds = kinds[0].named_children
    return [k for k in kinds if k.type in ("identifier", "attribute")]


PYTHON_RULES = Rules(
    calls={"call": ("function", "arguments")},
    attributes={"attribute": ("object", "attribute")},
    literals=frozenset({"integer", "float", "string", "true", "false", "none"}),
    keyword_argument="keyword_argument",
    conditions={"if_statement": "condition", "elif_clause": "condition",
                "while_statement": "condition"},
    boolean=frozenset({"boolean_operator", "not_operator"}),
    functions=frozenset({"function_definition"}),
    returns="return_statement",
    method_scopes=frozenset({"class_definition"}),
    handlers={"except_clause": caught},
    raises="raise_statement",
    slices=frozenset({"slice"}),
)
JAVA_RULES = Rules(
    calls={"method_invocation": ("name", "arguments")},
    attributes={"field_access": ("object", "field")},
    literals=frozenset({"decimal_integer_literal", "hex_integer_literal", "octal_integer_literal",
                        "binary_integer_literal", "decimal_floating_point_literal",
                        "hex_floating_point_literal", "string_literal", "character_literal",
                        "true", "false", "null_literal"}),
    keyword_argument="",
    conditions={"if_statement": "condition", "while_statement": "condition",
                "do_statement": "condition", "for_statement": "condition",
                "ternary_expression": "condition"},
    boolean=frozenset({"binary_expression", "unary_expression"}),
    functions=frozenset({"method_declaration"}),
    returns="return_statement",
    types=frozenset({"type_identifier", "integral_type", "floating_point_type",
                     "boolean_type", "generic_type", "array_type"}),
    method_scopes=frozenset({"class_body", "interface_body", "enum_body_declarations"}),
)
_BRACE_CONDITIONS = {"if_statement": "condition", "while_statement": "condition",
                     "do_statement": "condition", "for_statement": "condition"}
JAVASCRIPT_RULES = Rules(
    calls={"call_expression": ("function", "arguments"),
           "new_expression": ("constructor", "arguments")},
    attributes={"member_expression": ("object", "property")},
    literals=frozenset({"number", "string", "true", "false", "null", "undefined"}),
    keyword_argument="",
    conditions={**_BRACE_CONDITIONS, "ternary_expression": "condition"},
    boolean=frozenset({"binary_expression", "unary_expression"}),
    functions=frozenset({"function_declaration", "generator_function_declaration",
                         "method_definition"}),
    returns="return_statement",
    method_scopes=frozenset({"class_body"}),
)
C_RULES = Rules(
    calls={"call_expression": ("function", "arguments")},
    attributes={"field_expression": ("argument", "field")},
    literals=frozenset({"number_literal", "string_literal", "char_literal", "true", "false",
                        "null"}),
    keyword_argument="",
    conditions={**_BRACE_CONDITIONS, "conditional_expression": "condition"},
    boolean=frozenset({"binary_expression", "unary_expression"}),
    functions=frozenset({"function_definition"}),
    returns="return_statement",
    types=frozenset({"primitive_type", "type_identifier", "sized_type_specifier"}),
)
RULES: dict[str, Rules] = {"python": PYTHON_RULES, "java": JAVA_RULES,
                           "javascript": JAVASCRIPT_RULES, "c": C_RULES}


@dataclass
class Vocabulary:
    """Donor texts by kind, each a Counter in first-seen order (see the module doc)."""

    functions: Counter[str] = field(default_factory=Counter)
    methods: Counter[str] = field(default_factory=Counter)
    attributes: Counter[str] = field(default_factory=Counter)
    owned: dict[str, Counter[str]] = field(default_factory=dict)  # owner text -> names
    accesses: Counter[str] = field(default_factory=Counter)  # whole ``owner.name`` texts
    literals: Counter[str] = field(default_factory=Counter)
    arguments: dict[str, Counter[str]] = field(default_factory=dict)  # callee -> texts
    keywords: dict[str, Counter[str]] = field(default_factory=dict)  # callee -> ``k=v``
    conditions: Counter[str] = field(default_factory=Counter)
    returned: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    exceptions: Counter[str] = field(default_factory=Counter)  # classes caught or raised
    slices: Counter[str] = field(default_factory=Counter)
    shapes: dict[str, set[tuple[int, frozenset[str]]]] = field(default_factory=dict)
    """callee -> (positional argument count, keyword names) of each call seen."""

    def accepts(self, callee: str, arity: int, keywords: frozenset[str]) -> bool | None:
        """Whether calls of ``callee`` were seen with ``arity`` positional arguments and these
        keyword names (each in some call); None when no call of ``callee`` was seen."""
        shapes = self.shapes.get(callee)
        if not shapes:
            return None
        seen = frozenset().union(*(names for _, names in shapes))
        return any(count == arity for count, _ in shapes) and keywords <= seen

    def all_arguments(self) -> Counter[str]:
        """Every callee's arguments together."""
        total: Counter[str] = Counter()
        for texts in self.arguments.values():
            total.update(texts)
        return total


def collect(nodes: Iterable[Node], text: Callable[[Node], str], rules: Rules,
            into: Vocabulary | None = None) -> Vocabulary:
    """The vocabulary of ``nodes`` (each node looked at alone; pass every node of a tree)."""
    vocabulary = into if into is not None else Vocabulary()
    for node in nodes:
        _visit(node, text, rules, vocabulary)
    return vocabulary


def _visit(node: Node, text: Callable[[Node], str], rules: Rules, vocab: Vocabulary) -> None:
    kind = node.type
    if kind in rules.calls:
        _call(node, text, rules, vocab)
    elif kind in rules.attributes:
        _attribute(node, text, rules, vocab)
    elif kind in rules.literals:
        _add(vocab.literals, text(node))
    elif kind in rules.functions:
        _definition(node, text, rules, vocab)
    elif kind in rules.types:
        _add(vocab.types, text(node))
    elif kind == rules.returns and node.named_child_count:
        _add(vocab.returned, text(node.named_children[0]))
    elif kind in rules.handlers:
        for name in rules.handlers[kind](node):
            _add(vocab.exceptions, text(name))
    elif kind == rules.raises and node.named_child_count:
        raised = node.named_children[0]
        raised = raised.child_by_field_name("function") or raised
        if raised.type in ("identifier", "attribute"):
            _add(vocab.exceptions, text(raised))
    elif kind in rules.slices:
        _add(vocab.slices, text(node))
    if kind in rules.conditions:
        condition = node.child_by_field_name(rules.conditions[kind])
        if condition is not None:
            _add(vocab.conditions, _unparenthesized(condition, text))
    parent = node.parent
    if parent is not None and parent.type in rules.boolean and node.is_named:
        _add(vocab.conditions, _unparenthesized(node, text))


def _unparenthesized(node: Node, text: Callable[[Node], str]) -> str:
    inner = node
    while inner.type == "parenthesized_expression" and inner.named_child_count == 1:
        inner = inner.named_children[0]
    return text(inner)


def _add(counter: Counter[str], value: str) -> None:
    if value and "\n" not in value and len(value) <= MAX_TEXT:
        counter[value] += 1


def _call(node: Node, text: Callable[[Node], str], rules: Rules, vocab: Vocabulary) -> None:
    callee_field, arguments_field = rules.calls[node.type]
    callee = node.child_by_field_name(callee_field)
    if callee is None:
        return
    name, method = _callee_name(node, callee, text, rules)
    if not name:
        return
    _add(vocab.methods if method else vocab.functions, name)
    arguments = node.child_by_field_name(arguments_field)
    vocab.shapes.setdefault(name, set()).add(call_shape(arguments, text, rules))
    for arg in arguments.named_children if arguments is not None else []:
        if rules.keyword_argument and arg.type == rules.keyword_argument:
            _add(vocab.keywords.setdefault(name, Counter()), text(arg))
        elif "comment" not in arg.type:
            _add(vocab.arguments.setdefault(name, Counter()), text(arg))


def call_shape(arguments: Node | None, text: Callable[[Node], str],
               rules: Rules) -> tuple[int, frozenset[str]]:
    """(positional argument count, keyword names) of a call's argument list."""
    args = [a for a in arguments.named_children if "comment" not in a.type] \
        if arguments is not None else []
    keywords = [a for a in args if rules.keyword_argument and a.type == rules.keyword_argument]
    names = (a.child_by_field_name("name") for a in keywords)
    return len(args) - len(keywords), frozenset(text(n) for n in names if n is not None)


def _callee_name(call: Node, callee: Node, text: Callable[[Node], str],
                 rules: Rules) -> tuple[str, bool]:
    """(name, is a method) of a call's callee."""
    if callee.type in rules.attributes:  # Python: o.m(...)
        name = callee.child_by_field_name(rules.attributes[callee.type][1])
        return (text(name), True) if name is not None else ("", True)
    if callee.type == "identifier" and call.type == "method_invocation":  # Java: [o.]m(...)
        return text(callee), call.child_by_field_name("object") is not None
    return (text(callee), False) if callee.type == "identifier" else ("", False)


def _attribute(node: Node, text: Callable[[Node], str], rules: Rules, vocab: Vocabulary) -> None:
    owner_field, name_field = rules.attributes[node.type]
    owner, name = node.child_by_field_name(owner_field), node.child_by_field_name(name_field)
    parent = node.parent
    if owner is None or name is None or (parent is not None and parent.type in rules.calls
                                         and parent.child_by_field_name(
                                             rules.calls[parent.type][0]) == node):
        return
    _add(vocab.attributes, text(name))
    _add(vocab.owned.setdefault(text(owner), Counter()), text(name))
    _add(vocab.accesses, text(node))


def _definition(node: Node, text: Callable[[Node], str], rules: Rules,
                vocab: Vocabulary) -> None:
    name = node.child_by_field_name("name")
    if name is None:
        return
    block = node.parent
    scope = block.parent if block is not None and block.type == "block" else block
    method = scope is not None and (scope.type in rules.method_scopes
                                    or (block is not None and block.type in rules.method_scopes))
    _add(vocab.methods if method else vocab.functions, text(name))
