"""Declarations of JavaScript and C, read for the brace-language families: which names are in
scope at a node, with what declared type (see :mod:`apr.generate.brace_site`).

JavaScript declares no types: every variable's type is ``""`` (unknown, matching any other),
any variable may be null, and only literals have a type (``number``, ``string``, ``boolean``).
C declares them: a variable's type is its declaration's type text without qualifiers, with one
``*`` per pointer level (``char*``, ``structnode*``); only pointers may be NULL.

Scopes are byte ranges: a parameter is visible in its function, a local from its declarator to
the end of its block (a ``for`` header's, the ``for``), a module-level (JavaScript) or global
(C) name everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from apr.generate.brace_site import BraceSite, Variable, base_type
from apr.generate.site import Node, walk
from apr.generate.syntax import JAVASCRIPT, C

_QUALIFIERS = re.compile(r"\b(const|volatile|static|register|extern|inline|restrict)\b")
_DECLARATORS = frozenset({"init_declarator", "pointer_declarator", "array_declarator",
                          "parenthesized_declarator", "attributed_declarator"})


def _span(node: Node | None) -> tuple[int, int] | None:
    return (node.start_byte, node.end_byte) if node is not None else None


class JsSite(BraceSite):
    """A JavaScript hunk: untyped locals of every enclosing function, module-level names."""

    syntax = JAVASCRIPT

    @cached_property
    def locals(self) -> tuple[Variable, ...]:
        """Parameters and locals of the outermost function around the hunk (closures see the
        variables of the functions around them)."""
        outer = None
        node = self.root.descendant_for_byte_range(self.start, self.start)
        while node is not None:
            if node.type in self.syntax.functions:
                outer = node
            node = node.parent
        return tuple(self._declared(outer)) if outer is not None else ()

    @cached_property
    def fields(self) -> tuple[Variable, ...]:
        """Names declared at module level (``const``, ``let``, ``var``)."""
        whole = (self.root.start_byte, self.root.end_byte)
        out = []
        for statement in self.root.named_children:
            declaration = statement.child_by_field_name("declaration") \
                if statement.type == "export_statement" else statement
            if declaration is not None and declaration.type in (
                    "lexical_declaration", "variable_declaration"):
                out += [Variable(v.name, "", "field", 0, whole)
                        for v in self._declarators(declaration)]
        return tuple(out)

    def _declared(self, scope: Node) -> Iterator[Variable]:
        for node in walk(scope):
            if node.type in self.syntax.functions:
                yield from self._parameters(node)
            elif node.type in ("lexical_declaration", "variable_declaration"):
                yield from self._declarators(node)
            elif node.type == "for_in_statement":
                left = node.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    yield Variable(self.text(left), "", "local", left.end_byte, _span(node))
            elif node.type == "catch_clause":
                name = node.child_by_field_name("parameter")
                if name is not None and name.type == "identifier":
                    yield Variable(self.text(name), "", "local", name.end_byte, _span(node))

    def _parameters(self, function: Node) -> Iterator[Variable]:
        params = function.child_by_field_name("parameters")
        single = function.child_by_field_name("parameter")
        nodes = params.named_children if params is not None else [single] if single else []
        for param in nodes:
            name: Node | None = param
            if param.type == "assignment_pattern":
                name = param.child_by_field_name("left")
            elif param.type == "rest_pattern":
                name = next((c for c in param.named_children if c.type == "identifier"), None)
            if name is not None and name.type == "identifier":
                yield Variable(self.text(name), "", "param", function.start_byte,
                               _span(function))

    def _declarators(self, declaration: Node) -> Iterator[Variable]:
        # ``var`` is function-scoped; ``let``/``const`` belong to their block (or ``for``)
        scope = self._function_of(declaration) if declaration.type == "variable_declaration" \
            else declaration.parent if declaration.parent is not None else self.root
        for declarator in declaration.named_children:
            name = declarator.child_by_field_name("name")
            if declarator.type == "variable_declarator" and name is not None \
                    and name.type == "identifier":
                yield Variable(self.text(name), "", "local", declarator.end_byte, _span(scope))

    def _function_of(self, node: Node) -> Node:
        """The function (or the module) holding ``node``: the scope of a ``var``."""
        parent = node.parent
        while parent is not None and parent.type not in self.syntax.functions:
            parent = parent.parent
        return parent if parent is not None else self.root

    def callee(self, call: Node) -> tuple[Node | None, Node | None]:
        function = call.child_by_field_name("function")
        if function is None:
            return None, None
        if function.type == "member_expression":
            return function.child_by_field_name("property"), \
                function.child_by_field_name("object")
        return (function, None) if function.type == "identifier" else (None, None)

    def nullable(self, type_text: str | None) -> bool:
        return True

    def literal_type(self, node: Node) -> str | None:
        if node.type == "number":
            return "number"
        if node.type in ("string", "template_string"):
            return "string"
        if node.type in ("true", "false"):
            return "boolean"
        return None

    def size_of(self, container: Node) -> str | None:
        if container.type not in ("identifier", "member_expression"):
            return None
        return f"{self.text(container)}.length"

    def exit_defaults(self, kind: str | None) -> list[str]:
        """``return null;`` in a function that returns values, else a bare ``return;``."""
        valued = any(r.named_child_count for r in self.returns)
        return ["null"] if valued else [""]


class CSite(BraceSite):
    """A C hunk: typed parameters and locals of the function, typed globals."""

    syntax = C

    @cached_property
    def return_type(self) -> str | None:
        function = self.function
        if function is None:
            return None
        kind = function.child_by_field_name("type")
        declarator = function.child_by_field_name("declarator")
        if kind is None:
            return None
        return _c_type(self.text(kind)) + "*" * _stars(declarator, "function_declarator")

    @cached_property
    def locals(self) -> tuple[Variable, ...]:
        if self.function is None:
            return ()
        out: list[Variable] = []
        body = self.function.child_by_field_name("body")
        declarator = self.function.child_by_field_name("declarator")
        params = _find(declarator, "function_declarator")
        parameters = params.child_by_field_name("parameters") if params is not None else None
        for param in parameters.named_children if parameters is not None else ():
            if param.type == "parameter_declaration":
                out += self._variables(param, "param", _span(body), self.function.start_byte)
        for node in walk(body) if body is not None else ():
            if node.type == "declaration":
                out += self._variables(node, "local", _span(node.parent))
        return tuple(out)

    @cached_property
    def fields(self) -> tuple[Variable, ...]:
        """Global variables (file-level declarations that are not function prototypes)."""
        out: list[Variable] = []
        whole = _span(self.root)
        for node in self.root.named_children:
            if node.type == "declaration":
                out += self._variables(node, "field", whole, 0)
        return tuple(out)

    def _variables(self, declaration: Node, kind: str, scope: tuple[int, int] | None,
                   start: int | None = None) -> list[Variable]:
        type_node = declaration.child_by_field_name("type")
        if type_node is None:
            return []
        base = _c_type(self.text(type_node))
        out = []
        for declarator in declaration.children_by_field_name("declarator"):
            if _find(declarator, "function_declarator") is not None:
                continue  # a prototype
            name = _find(declarator, "identifier")
            if name is None:
                continue
            full = base + "*" * _stars(declarator, "identifier") \
                + "[]" * _count(declarator, "array_declarator")
            begin = declarator.end_byte if start is None else start
            out.append(Variable(self.text(name), full, kind, begin, scope))
        return out

    def signature(self, declaration: Node) -> tuple[str, int] | None:
        function = _find(declaration.child_by_field_name("declarator"), "function_declarator")
        if function is None:
            return None
        name = function.child_by_field_name("declarator")
        params = function.child_by_field_name("parameters")
        if name is None or name.type != "identifier":
            return None
        listed = [p for p in params.named_children if p.type != "comment"] if params else []
        if len(listed) == 1 and self.text(listed[0]).strip() == "void":
            listed = []
        return self.text(name), len(listed)

    def callee(self, call: Node) -> tuple[Node | None, Node | None]:
        function = call.child_by_field_name("function")
        return (function, None) if function is not None and function.type == "identifier" \
            else (None, None)

    def nullable(self, type_text: str | None) -> bool:
        return type_text is None or type_text.endswith("*")

    def literal_type(self, node: Node) -> str | None:
        if node.type == "number_literal":
            text = self.text(node).lower()
            if not text.startswith("0x") and ("." in text or "e" in text or text.endswith("f")):
                return "double"
            return "long" if text.rstrip("u").endswith("l") else "int"
        if node.type in ("string_literal", "concatenated_string"):
            return "char*"
        if node.type == "char_literal":
            return "char"
        if node.type in ("true", "false"):
            return "bool"
        return None

    def declared_type(self, node: Node) -> str | None:
        if node.type == "cast_expression":
            kind = node.child_by_field_name("type")
            return _c_type(self.text(kind)) if kind is not None else None
        return None

    def default_of(self, kind: str) -> str | None:
        if kind in self.syntax.defaults:
            return self.syntax.defaults[kind]
        return self.syntax.null if kind.endswith("*") else None


def _c_type(text: str) -> str:
    """A C type's text without qualifiers or spaces (``const char *`` -> ``char*``)."""
    return base_type(_QUALIFIERS.sub("", text))


def _find(node: Node | None, kind: str) -> Node | None:
    """``node`` or the first declarator under it of type ``kind``, following declarators."""
    while node is not None:
        if node.type == kind:
            return node
        if node.type not in _DECLARATORS and node.type != "function_declarator":
            return None
        node = node.child_by_field_name("declarator")
    return None


def _stars(declarator: Node | None, stop: str) -> int:
    return _count(declarator, "pointer_declarator", stop)


def _count(declarator: Node | None, kind: str, stop: str = "identifier") -> int:
    """How many declarators of ``kind`` wrap the one of type ``stop``."""
    count, node = 0, declarator
    while node is not None and node.type != stop:
        count += node.type == kind
        node = node.child_by_field_name("declarator")
    return count
