"""The hunk under repair seen as syntax: its nodes, its statement, its scope and donor code.

Template families read a :class:`Site` and yield :class:`Rewrite` values. Each view of the site
(nodes, names in scope, donors) is computed on first use; what belongs to the whole file (nodes by
type, module names) lives in a :class:`FileIndex` that the sites of one file share. Node kinds
come from the site's :attr:`Site.syntax` table where the core families need them; the rest of
this class reads tree-sitter-python (:class:`~apr.generate.brace_site.BraceSite` adapts it to
the brace languages).

"Donor" code follows TBar: identifiers, expressions and literals taken from the enclosing function
first, then from its class, then from the rest of the file, each in document order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import tree_sitter

from apr.generate.syntax import PYTHON, Words
from apr.lang.base import LanguageSupport
from apr.lang.text import decode_source

_T = TypeVar("_T")

if TYPE_CHECKING:
    from apr.generate.declarations import Project

Node = tree_sitter.Node

SCOPE_BARRIERS = frozenset({"function_definition", "class_definition", "lambda"})
COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
CLAUSES = frozenset(
    {"elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause",
     "case_clause"}
)
TARGET_CONTAINERS = frozenset(
    {"pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern", "tuple", "list",
     "expression_list", "parenthesized_expression", "as_pattern_target"}
)
SPECIAL_NAMES = frozenset({"self", "cls"})


@dataclass(frozen=True, slots=True)
class Rewrite:
    """Replace bytes ``[start, end)`` of the file with ``text``; ``description`` is for humans.

    ``weight`` (at most 1) ranks a rewrite below its family's usual ones (it scales the score).
    """

    start: int
    end: int
    text: str
    description: str
    weight: float = 1.0


def replace(site: Site, node: Node, text: str, description: str = "",
            weight: float = 1.0) -> Rewrite:
    """Replace ``node`` by ``text``; the description defaults to ``old -> new``."""
    old = site.text(node)
    return Rewrite(node.start_byte, node.end_byte, text, description or f"`{old}` -> `{text}`",
                   weight)


def short(text: str, width: int = 40) -> str:
    """The first line of ``text``, cut to ``width`` characters, for descriptions."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def swap_lines(site: Site, first: Node, second: Node) -> Rewrite:
    """Swap the lines of statement ``first`` with those of the later statement ``second``."""
    a_start, a_end = site.line_start(first.start_byte), site.line_end(first.end_byte)
    b_start, b_end = site.line_start(second.start_byte), site.line_end(second.end_byte)
    text = site.slice(b_start, b_end) + site.slice(a_end, b_start) + site.slice(a_start, a_end)
    description = f"swap `{short(site.text(first))}` and `{short(site.text(second))}`"
    return Rewrite(a_start, b_end, text, description)


def argument_removals(site: Site, args: list[Node], weight: float) -> Iterator[Rewrite]:
    """Each argument of a call removed, with the separator next to it."""
    for index, arg in enumerate(args):
        if index + 1 < len(args):
            start, end = arg.start_byte, args[index + 1].start_byte
        else:
            start, end = (args[index - 1].end_byte if index else arg.start_byte), arg.end_byte
        yield Rewrite(start, end, "", f"remove argument `{site.text(arg)}`", weight)


def walk(node: Node) -> Iterator[Node]:
    """``node`` and all its descendants, in document (pre-)order."""
    cursor = node.walk()
    while True:
        current = cursor.node
        if current is not None:
            yield current
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def contains(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def field_of(node: Node) -> str:
    """The field name under which ``node`` hangs from its parent, or ``""``."""
    parent = node.parent
    if parent is None:
        return ""
    for index, child in enumerate(parent.children):
        if child == node:
            return parent.field_name_for_child(index) or ""
    return ""


def is_variable(node: Node, syntax: Words = PYTHON) -> bool:
    """Whether identifier ``node`` reads or writes a variable (not a name, attribute, callee)."""
    parent = node.parent
    if node.type != "identifier" or parent is None:
        return False
    if (parent.type, "") in syntax.not_variable:
        return False
    return (parent.type, field_of(node)) not in syntax.not_variable


def target_names(node: Node | None) -> list[Node]:
    """The identifiers an assignment target binds (``a``, ``a, (b, *c)``; not ``a.b``/``a[i]``)."""
    if node is None:
        return []
    if node.type == "identifier":
        return [node]
    if node.type in TARGET_CONTAINERS:
        return [n for child in node.named_children for n in target_names(child)]
    return []


def unique(texts: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """``texts`` without repeats or excluded values, first occurrence order kept."""
    seen = set(exclude)
    out = []
    for text in texts:
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def interleave(streams: Iterable[Iterable[Rewrite]]) -> Iterator[Rewrite]:
    """Round-robin over ``streams``, so every site gets its best rewrites first under a cap."""
    iterators = [iter(s) for s in streams]
    while iterators:
        alive = []
        for iterator in iterators:
            item = next(iterator, None)
            if item is not None:
                yield item
                alive.append(iterator)
        iterators = alive


class FileIndex:
    """One file's syntax tree with its nodes grouped by type (document order), built once and
    shared by the sites of all hunks in that file."""

    def __init__(self, source: bytes, language: LanguageSupport) -> None:
        self.source = source
        self.language = language
        self.root = language.parse(source).root_node
        self._parents: dict[int, str] = {}
        self._shared: dict[str, Any] = {}

    def shared(self, key: str, compute: Callable[[], _T]) -> _T:
        """A view of the whole file that the sites compute (they know the language's rules,
        the index does not), computed by the first site that asks and kept for the others."""
        if key not in self._shared:
            self._shared[key] = compute()
        found: _T = self._shared[key]
        return found

    @cached_property
    def by_type(self) -> dict[str, list[Node]]:
        groups: dict[str, list[Node]] = {}
        for node in walk(self.root):
            groups.setdefault(node.type, []).append(node)
        return groups

    def of_type(self, *types: str) -> list[Node]:
        """The file's nodes of the given types, in document order."""
        nodes = [n for kind in types for n in self.by_type.get(kind, ())]
        return sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte)) if len(types) > 1 else nodes

    def parent_type(self, node: Node) -> str:
        """The type of ``node``'s parent (memoized: finding a parent walks down from the root)."""
        if node.id not in self._parents:
            parent = node.parent
            self._parents[node.id] = parent.type if parent is not None else ""
        return self._parents[node.id]

    @cached_property
    def callees(self) -> frozenset[int]:
        """The ids of the nodes called as functions (``f`` in ``f(x)``, ``o.m`` in ``o.m()``)."""
        called = (c.child_by_field_name("function") for c in self.by_type.get("call", ()))
        return frozenset(node.id for node in called if node is not None)

    @cached_property
    def boolean_fields(self) -> tuple[str, ...]:
        """Attribute names the file treats as flags: annotated ``name: bool`` (dataclass fields)
        or assigned a boolean literal through an attribute (``obj.name = True``)."""
        found = []
        for node in self.of_type("assignment"):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            kind = node.child_by_field_name("type")
            if left is None:
                continue
            flag = (kind is not None and self._text(kind) == "bool") or (
                right is not None and right.type in ("true", "false"))
            if not flag:
                continue
            if left.type == "identifier" and kind is not None:
                found.append(self._text(left))
            elif left.type == "attribute" and (name := left.child_by_field_name("attribute")):
                found.append(self._text(name))
        return tuple(unique(found))

    def _text(self, node: Node) -> str:
        return decode_source(self.source[node.start_byte : node.end_byte])

    @cached_property
    def module_names(self) -> tuple[str, ...]:
        """Names bound by assignments at module level (functions, classes, imports excluded)."""
        names = (decode_source(self.source[n.start_byte : n.end_byte])
                 for n in _bound_names(self.root))
        return tuple(unique(names))


class Site:
    """The hunk ``[start, end)`` of ``source``, with lazily computed syntactic views.

    ``index`` is the :class:`FileIndex` of ``source`` when the caller keeps one across hunks
    (it must index that very content); a new one is built otherwise. ``project`` is where the
    file lives (:class:`~apr.generate.declarations.Project`), for the families that read the
    project's other files; None when unknown. ``syntax`` is the table
    the core families read (:mod:`apr.generate.core`); the methods under "for the core
    families" answer what a table cannot (Python's answers here, the brace languages' in
    :class:`~apr.generate.brace_site.BraceSite`).
    """

    syntax: Words = PYTHON

    def __init__(
        self, source: bytes, language: LanguageSupport, start: int, end: int,
        index: FileIndex | None = None, project: Project | None = None,
    ) -> None:
        self.index = index if index is not None else FileIndex(source, language)
        self.project = project
        self.source = source
        self.language = language
        self.root = self.index.root
        self.start = start
        self.end = end
        self.newline = "\r\n" if b"\r\n" in self.source else "\n"

    # --- text and layout -------------------------------------------------------------------

    def text(self, node: Node) -> str:
        return self.slice(node.start_byte, node.end_byte)

    def slice(self, start: int, end: int) -> str:
        return decode_source(self.source[start:end])

    def line_start(self, offset: int) -> int:
        return self.source.rfind(b"\n", 0, offset) + 1

    def line_end(self, offset: int) -> int:
        """The offset of the end of ``offset``'s line, before its newline (``\\r\\n`` too)."""
        end = self.source.find(b"\n", offset)
        end = len(self.source) if end < 0 else end
        return end - 1 if end > offset and self.source[end - 1 : end] == b"\r" else end

    def indent(self, node: Node) -> str | None:
        """The whitespace before ``node`` on its line, or None if other code precedes it."""
        prefix = self.slice(self.line_start(node.start_byte), node.start_byte)
        return prefix if not prefix.strip() else None

    def alone_on_lines(self, node: Node) -> bool:
        """Whether ``node``'s lines hold nothing else (a trailing comment is allowed)."""
        rest = self.slice(node.end_byte, self.line_end(node.end_byte)).strip()
        return self.indent(node) is not None and (not rest or rest.startswith("#"))

    def indent_unit(self, node: Node) -> str:
        """One level of indentation, as the file indents ``node``'s block."""
        block = node.parent
        owner = block.parent if block is not None else None
        inner, outer = self.indent(node), self.indent(owner) if owner is not None else None
        if inner is not None and outer is not None and len(inner) > len(outer):
            return inner[len(outer) :]
        return "\t" if (inner or "").startswith("\t") else "    "

    # --- the hunk ----------------------------------------------------------------------------

    @cached_property
    def nodes(self) -> tuple[Node, ...]:
        """Every node lying inside the hunk, in document order."""
        out: list[Node] = []
        self._collect(self.root, out)
        return tuple(out)

    def _collect(self, node: Node, out: list[Node]) -> None:
        for child in node.children:
            if child.end_byte <= self.start or child.start_byte >= self.end:
                continue
            if self.start <= child.start_byte and child.end_byte <= self.end:
                out.extend(walk(child))
            else:
                self._collect(child, out)

    def of_type(self, *types: str) -> list[Node]:
        """The hunk's nodes of the given types, in document order."""
        return [n for n in self.nodes if n.type in types]

    @cached_property
    def anchor(self) -> Node | None:
        """The outermost statement starting at the hunk's first token (never a clause)."""
        first = next((n for n in self.nodes if n.child_count == 0 and n.type != "comment"), None)
        if first is None:
            return None
        grammar = self.language.grammar
        statements = grammar.simple_statements | grammar.compound_statements
        found = None
        node: Node | None = first
        while node is not None and node.start_byte == first.start_byte:
            if node.type in statements and node.type not in CLAUSES:
                found = node
            node = node.parent
        return found

    @cached_property
    def function(self) -> Node | None:
        """The innermost named function (method) holding the hunk; lambdas are looked through."""
        return self._enclosing(self.syntax.methods)

    @cached_property
    def klass(self) -> Node | None:
        """The innermost class (or enum, record, interface) holding the hunk."""
        return self._enclosing(self.syntax.classes - self.syntax.new)

    def _enclosing(self, kinds: frozenset[str]) -> Node | None:
        node = self.root.descendant_for_byte_range(self.start, self.start)
        while node is not None and node.type not in kinds:
            node = node.parent
        return node

    def in_loop(self, node: Node) -> bool:
        """Whether ``node`` runs in the body of a loop of the same function."""
        syntax = self.syntax
        child, parent = node, node.parent
        while parent is not None and parent.type not in syntax.functions | syntax.classes:
            if parent.type in syntax.loops:
                return field_of(child) == "body"
            child, parent = parent, parent.parent
        return False

    # --- names in scope ----------------------------------------------------------------------

    @cached_property
    def params(self) -> tuple[str, ...]:
        if self.function is None:
            return ()
        return tuple(unique(self._param_texts(self.function), SPECIAL_NAMES))

    def _param_texts(self, function: Node) -> list[str]:
        params = function.child_by_field_name("parameters")
        return [self.text(n) for p in (params.named_children if params else [])
                for n in _param_names(p)]

    def _bound(self, function: Node) -> list[str]:
        """The names ``function``'s body binds (nested scopes excluded)."""
        body = function.child_by_field_name("body")
        return [self.text(n) for n in _bound_names(body)] if body is not None else []

    @cached_property
    def local_names(self) -> tuple[str, ...]:
        """Parameters, then names bound in the function's body (nested scopes excluded)."""
        if self.function is None:
            return ()
        return tuple(unique([*self.params, *self._bound(self.function)], SPECIAL_NAMES))

    @property
    def bound_anywhere(self) -> frozenset[str]:
        """The names some function of the file binds: its parameters and locals (once per
        file, :meth:`FileIndex.shared`)."""
        return self.index.shared("bound_anywhere", self._bound_anywhere)

    def _bound_anywhere(self) -> frozenset[str]:
        return frozenset(name for f in self.index.of_type(*self.syntax.methods)
                         for name in (*self._param_texts(f), *self._bound(f)))

    @cached_property
    def outer_names(self) -> tuple[str, ...]:
        """The names of the functions around the enclosing one, innermost first: their
        parameters and the names their bodies bind, which a nested function reads as a closure
        (``output`` in ``def write(s): open(output)`` inside ``get_write_function(output)``).
        A class in between is looked through: a method of a class defined in a function sees
        that function's names."""
        names: list[str] = []
        node = self.function.parent if self.function is not None else None
        while node is not None:
            if node.type in self.syntax.methods:
                names += [*self._param_texts(node), *self._bound(node)]
            node = node.parent
        return tuple(unique(names, SPECIAL_NAMES))

    @property
    def module_names(self) -> tuple[str, ...]:
        return self.index.module_names

    @cached_property
    def scope_names(self) -> tuple[str, ...]:
        return tuple(unique([*self.local_names, *self.outer_names, *self.module_names]))

    def visible_names(self, node: Node) -> set[str]:
        """The variables code inserted before ``node`` may read (:meth:`names_at`)."""
        return set(self.names_at(node))

    def names_at(self, node: Node) -> list[str]:
        """Variables visible at ``node``: comprehension variables around it, then scope names."""
        comprehension: list[str] = []
        parent = node.parent
        while parent is not None and parent.type not in SCOPE_BARRIERS:
            if parent.type in COMPREHENSIONS:
                for clause in parent.named_children:
                    if clause.type == "for_in_clause":
                        left = clause.child_by_field_name("left")
                        comprehension += [self.text(n) for n in target_names(left)]
            parent = parent.parent
        return unique([*comprehension, *self.scope_names])

    # --- donor code --------------------------------------------------------------------------

    @cached_property
    def donor_scopes(self) -> tuple[Node, ...]:
        """The scopes whose donors come first, innermost first: the function, then its class."""
        return tuple(scope for scope in (self.function, self.klass) if scope is not None)

    def donors(self, *types: str) -> list[Node]:
        """The file's nodes of the given types outside the hunk, in donor order: those of the
        enclosing function, then of its class, then the others, each in document order."""
        return self._scoped(n for n in self.index.of_type(*types) if not self.in_hunk(n))

    @cached_property
    def donor_nodes(self) -> tuple[Node, ...]:
        """Every node of the file, in donor order (hunk included; :meth:`donors` is cheaper)."""
        return tuple(self._scoped(walk(self.root)))

    def _scoped(self, nodes: Iterable[Node]) -> list[Node]:
        scopes = self.donor_scopes
        groups: list[list[Node]] = [[] for _ in range(len(scopes) + 1)]
        for node in nodes:
            rank = next((i for i, s in enumerate(scopes) if contains(s, node)), len(scopes))
            groups[rank].append(node)
        return [node for group in groups for node in group]

    def in_hunk(self, node: Node) -> bool:
        return self.start <= node.start_byte and node.end_byte <= self.end

    @cached_property
    def returns(self) -> tuple[Node, ...]:
        """The return statements of the enclosing function (nested scopes excluded)."""
        if self.function is None:
            return ()
        return tuple(n for n in own_nodes(self.function, self.syntax.nested)
                     if n.type == "return_statement")

    # --- for the core families ---------------------------------------------------------------

    def type_of(self, node: Node) -> str | None:
        """The static type of expression ``node`` when the declarations tell (never here)."""
        return None

    def string_concatenation(self, node: Node) -> bool:
        """Whether binary ``node`` joins strings (its ``+`` is then not mutated)."""
        return False

    def argument_lists(self) -> list[tuple[Node, Node]]:
        """(call, argument list) of the hunk's calls, in the order of their argument lists."""
        return [(n.parent, n) for n in self.of_type("argument_list")
                if n.parent is not None and n.parent.type == "call"]

    def arities(self, call: Node) -> set[int] | None:
        """How many arguments the function ``call`` calls may take (None: unknown, any)."""
        return None

    def argument_donors(self, call: Node, arguments: Node) -> list[str]:
        """Variables that may be added as an argument of ``call``, most likely first."""
        return self.names_at(arguments)

    def return_variables(self, value: Node) -> list[str]:
        """Variables that may be returned instead of ``value``."""
        return self.names_at(value)

    def return_default(self) -> str | None:
        """A default return value of the function's type (None: none)."""
        return None

    def deletable(self) -> Node | None:
        """The hunk's statement, if it may be deleted (a simple statement in a block)."""
        anchor = self.anchor
        if anchor is None or anchor.type == "pass_statement" or not self._simple(anchor):
            return None
        return anchor

    def movable(self) -> Node | None:
        """The hunk's statement, if it may swap places with a neighbour."""
        anchor = self.anchor
        if anchor is None or not self._simple(anchor) or not self.alone_on_lines(anchor):
            return None
        return anchor

    def swappable(self, neighbour: Node) -> bool:
        """Whether the statement may swap places with ``neighbour``."""
        return neighbour.type not in CLAUSES

    def _simple(self, anchor: Node) -> bool:
        """A simple statement directly in a block (or the module)."""
        parent = anchor.parent
        simple = self.language.grammar.simple_statements - {"decorator"}
        return anchor.type in simple and parent is not None and parent.type in ("block", "module")


def returned(node: Node) -> Node | None:
    """The expression a return statement returns, or None for a bare ``return``."""
    return next((c for c in node.named_children if "comment" not in c.type), None)


def _param_names(param: Node) -> list[Node]:
    if param.type == "identifier":
        return [param]
    name = param.child_by_field_name("name")
    if name is not None:
        return [name]
    return [c for c in param.named_children if c.type == "identifier"][:1]


def own_nodes(scope: Node, nested: frozenset[str]) -> Iterator[Node]:
    """``scope``'s nodes outside ``nested`` ones (lambdas, local classes), in document order."""
    stack = list(reversed(scope.children))
    while stack:
        node = stack.pop()
        yield node
        if node.type not in nested:
            stack.extend(reversed(node.children))


def _bound_names(scope: Node) -> list[Node]:
    """Identifiers bound in ``scope`` (a function's body, a module) by assignment, for,
    with/except-as, walrus; nested functions, classes and comprehensions are left out."""
    out: list[Node] = []
    for node in own_nodes(scope, PYTHON.nested):
        if node.type in ("assignment", "augmented_assignment", "for_statement"):
            out += target_names(node.child_by_field_name("left"))
        elif node.type == "as_pattern_target":
            out += target_names(node)
        elif node.type == "named_expression":
            out += target_names(node.child_by_field_name("name"))
    return out
