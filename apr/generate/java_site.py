"""A Java hunk seen as syntax: :class:`JavaSite` adds Java scopes, declared types and donors to
:class:`~apr.generate.site.Site` (node type names are tree-sitter-java's).

Types are read from declarations only (no type checker): a local variable, parameter or field
has the type written where it is declared; an expression's type is known for literals, such
variables, ``this.field``, casts and ``new`` expressions, else it is ``None`` (unknown). Families
use types to keep candidates compilable (a variable is replaced only by one of the same type),
and javac rejects the rest at validation.

"Donor" code follows TBar: taken from the enclosing method first, then the enclosing class, then
the rest of the file, each in document order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from apr.generate.site import Node, Site, contains, field_of, walk

FUNCTIONS = frozenset({"method_declaration", "constructor_declaration",
                       "compact_constructor_declaration", "lambda_expression"})
METHODS = frozenset({"method_declaration", "constructor_declaration",
                     "compact_constructor_declaration"})
CLASSES = frozenset({"class_declaration", "enum_declaration", "record_declaration",
                     "interface_declaration", "object_creation_expression"})
LOOPS = frozenset({"for_statement", "enhanced_for_statement", "while_statement", "do_statement"})
BLOCKS = frozenset({"block", "constructor_body", "switch_block_statement_group"})
PRIMITIVES = frozenset({"int", "long", "short", "byte", "char", "float", "double", "boolean"})
NUMERIC = frozenset({"int", "long", "short", "byte", "char", "float", "double"})
INTEGER_LITERALS = frozenset({"decimal_integer_literal", "hex_integer_literal",
                              "octal_integer_literal", "binary_integer_literal"})
FLOAT_LITERALS = frozenset({"decimal_floating_point_literal", "hex_floating_point_literal"})
STRING_LITERALS = frozenset({"string_literal", "text_block"})
LITERALS = INTEGER_LITERALS | FLOAT_LITERALS | STRING_LITERALS | {
    "true", "false", "null_literal", "character_literal"}
# (parent type, field) where an identifier is a name, not a variable read ("" = any field)
NOT_VARIABLE = frozenset({
    ("method_invocation", "name"), ("field_access", "field"), ("variable_declarator", "name"),
    ("formal_parameter", "name"), ("catch_formal_parameter", "name"),
    ("method_declaration", "name"), ("constructor_declaration", "name"),
    ("class_declaration", "name"), ("interface_declaration", "name"),
    ("enum_declaration", "name"), ("record_declaration", "name"),
    ("enhanced_for_statement", "name"),
    ("labeled_statement", ""), ("break_statement", ""), ("continue_statement", ""),
    ("scoped_identifier", ""), ("scoped_type_identifier", ""), ("import_declaration", ""),
    ("package_declaration", ""), ("enum_constant", "name"), ("method_reference", ""),
    ("annotation", ""), ("marker_annotation", ""), ("inferred_parameters", ""),
    ("lambda_expression", "parameters"),
})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared name: where (``start`` byte of the declaration), its type text, its kind."""

    name: str
    type: str
    kind: str  # "param", "local" or "field"
    start: int  # where its scope begins (a local: after its declarator)


def base_type(text: str) -> str:
    """A type's text without spaces, annotations or ``final`` (``List<Integer>``, ``int[]``)."""
    text = re.sub(r"@\w+(\([^)]*\))?", "", text).replace("final ", "")
    return _SPACE.sub("", text)


def is_reference(type_text: str | None) -> bool:
    """Whether values of the type may be null (unknown types count as references)."""
    return type_text is None or type_text not in PRIMITIVES


class JavaSite(Site):
    """The hunk ``[start, end)`` of a Java file, with scopes and types (see the module doc)."""

    # --- enclosing nodes --------------------------------------------------------------------

    @cached_property
    def function(self) -> Node | None:
        """The innermost method or constructor holding the hunk (lambdas are looked through)."""
        return self._enclosing_of(METHODS)

    @cached_property
    def klass(self) -> Node | None:
        """The innermost class (or enum, record, interface) holding the hunk."""
        return self._enclosing_of(CLASSES - {"object_creation_expression"})

    def _enclosing_of(self, kinds: frozenset[str]) -> Node | None:
        node = self.root.descendant_for_byte_range(self.start, self.start)
        while node is not None and node.type not in kinds:
            node = node.parent
        return node

    def in_loop(self, node: Node) -> bool:
        """Whether ``node`` runs in the body of a loop of the same method."""
        child, parent = node, node.parent
        while parent is not None and parent.type not in FUNCTIONS | CLASSES:
            if parent.type in LOOPS:
                return field_of(child) == "body"
            child, parent = parent, parent.parent
        return False

    @cached_property
    def return_type(self) -> str | None:
        """The enclosing method's declared return type (``void`` for constructors)."""
        function = self.function
        if function is None:
            return None
        if function.type != "method_declaration":
            return "void"
        kind = function.child_by_field_name("type")
        dims = function.child_by_field_name("dimensions")
        text = base_type(self.text(kind)) if kind is not None else None
        return f"{text}{self.text(dims)}" if text and dims is not None else text

    # --- donors -------------------------------------------------------------------------------

    @cached_property
    def donor_nodes(self) -> tuple[Node, ...]:
        """The method's nodes, then the rest of the class's, then the rest of the file's."""
        scopes = [s for s in (self.function, self.klass, self.root) if s is not None]
        out: list[Node] = []
        for index, scope in enumerate(scopes):
            inner = scopes[:index]
            out += [n for n in walk(scope) if not any(contains(s, n) for s in inner)]
        return tuple(out)

    @cached_property
    def returns(self) -> tuple[Node, ...]:
        """The return statements of the enclosing method (lambdas and local classes excluded)."""
        if self.function is None:
            return ()
        return tuple(n for n in _own(self.function) if n.type == "return_statement")

    # --- declarations -------------------------------------------------------------------------

    @cached_property
    def fields(self) -> tuple[Variable, ...]:
        """Fields of the enclosing classes, innermost class first."""
        out: list[Variable] = []
        node = self.klass
        while node is not None:
            if node.type in CLASSES:
                body = node.child_by_field_name("body")
                for member in body.named_children if body is not None else []:
                    if member.type in ("field_declaration", "constant_declaration"):
                        out += self._declared(member, "field")
            node = node.parent
        return tuple(out)

    @cached_property
    def locals(self) -> tuple[Variable, ...]:
        """Parameters and local variables of the enclosing method (lambdas included)."""
        if self.function is None:
            return ()
        out: list[Variable] = []
        for node in walk(self.function):
            if node.type in ("formal_parameter", "catch_formal_parameter", "spread_parameter"):
                out += self._parameter(node)
            elif node.type == "local_variable_declaration":
                out += self._declared(node, "local")
            elif node.type == "enhanced_for_statement":
                kind, name = node.child_by_field_name("type"), node.child_by_field_name("name")
                if kind is not None and name is not None:
                    out.append(Variable(self.text(name), base_type(self.text(kind)), "local",
                                        node.start_byte))
        return tuple(out)

    def _declared(self, node: Node, kind: str) -> list[Variable]:
        type_node = node.child_by_field_name("type")
        if type_node is None:
            return []
        type_text = base_type(self.text(type_node))
        out = []
        for declarator in node.children_by_field_name("declarator"):
            name = declarator.child_by_field_name("name")
            dims = declarator.child_by_field_name("dimensions")
            if name is not None:  # in scope after its declarator (not in its own initializer)
                full = type_text + (self.text(dims) if dims is not None else "")
                out.append(Variable(self.text(name), full, kind, declarator.end_byte))
        return out

    def _parameter(self, node: Node) -> list[Variable]:
        type_node = node.child_by_field_name("type") or next(
            (c for c in node.named_children if c.type.endswith("type")
             or c.type == "type_identifier"), None)
        name = node.child_by_field_name("name")
        if name is None:
            declarator = next((c for c in node.named_children
                               if c.type == "variable_declarator"), None)
            name = declarator.child_by_field_name("name") if declarator is not None else None
        if type_node is None or name is None:
            return []
        type_text = base_type(self.text(type_node))
        if node.type == "spread_parameter":
            type_text += "[]"
        kind = "local" if node.type == "catch_formal_parameter" else "param"
        return [Variable(self.text(name), type_text, kind, node.start_byte)]

    def variables_at(self, node: Node) -> list[Variable]:
        """Variables visible at ``node``: locals declared before it in an enclosing scope
        (nearest first), parameters, then fields; a name appears once (the innermost)."""
        visible = [v for v in self.locals if v.start < node.start_byte
                   and self._in_scope(v, node)]
        visible.sort(key=lambda v: -v.start)
        seen: set[str] = set()
        out = []
        for var in [*visible, *self.fields]:
            if var.name not in seen:
                seen.add(var.name)
                out.append(var)
        return out

    def _in_scope(self, var: Variable, node: Node) -> bool:
        """Whether the declaration at ``var.start`` encloses ``node`` in its scope."""
        declaration = self.root.descendant_for_byte_range(var.start, var.start)
        while declaration is not None and declaration.type not in (
                "local_variable_declaration", "formal_parameter", "catch_formal_parameter",
                "spread_parameter", "enhanced_for_statement"):
            declaration = declaration.parent
        if declaration is None:
            return False
        if declaration.type == "formal_parameter" or declaration.type == "spread_parameter":
            scope = declaration.parent.parent if declaration.parent is not None else None
        elif declaration.type == "catch_formal_parameter":
            scope = declaration.parent
        elif declaration.type == "enhanced_for_statement":
            scope = declaration
        else:
            scope = declaration.parent
        return scope is not None and contains(scope, node)

    def variable(self, node: Node) -> Variable | None:
        """The variable an identifier (or ``this.x``) names at ``node``, else None."""
        if node.type == "field_access":
            owner, name = node.child_by_field_name("object"), node.child_by_field_name("field")
            if owner is None or name is None or owner.type != "this":
                return None
            return next((f for f in self.fields if f.name == self.text(name)), None)
        if node.type != "identifier" or not is_variable(node):
            return None
        return next((v for v in self.variables_at(node) if v.name == self.text(node)), None)

    def type_of(self, node: Node) -> str | None:
        """The static type of expression ``node`` when the declarations tell, else None."""
        kind = node.type
        if kind in INTEGER_LITERALS:
            return "long" if self.text(node).lower().endswith("l") else "int"
        if kind in FLOAT_LITERALS:
            return "float" if self.text(node).lower().endswith("f") else "double"
        if kind in STRING_LITERALS:
            return "String"
        if kind in ("true", "false"):
            return "boolean"
        if kind == "character_literal":
            return "char"
        if kind in ("cast_expression", "object_creation_expression"):
            type_node = node.child_by_field_name("type")
            return base_type(self.text(type_node)) if type_node is not None else None
        if kind == "parenthesized_expression" and node.named_child_count == 1:
            return self.type_of(node.named_children[0])
        if kind == "binary_expression":
            return _binary_type(self, node)
        if kind in ("unary_expression", "instanceof_expression"):
            return _unary_type(self, node)
        var = self.variable(node)
        return var.type if var is not None else None


def is_variable(node: Node) -> bool:
    """Whether identifier ``node`` is in a place where a variable is read or written."""
    parent = node.parent
    if node.type != "identifier" or parent is None:
        return False
    if (parent.type, "") in NOT_VARIABLE:
        return False
    return (parent.type, field_of(node)) not in NOT_VARIABLE


def _binary_type(site: JavaSite, node: Node) -> str | None:
    operator = node.child_by_field_name("operator")
    op = site.text(operator) if operator is not None else ""
    if op in ("<", "<=", ">", ">=", "==", "!=", "&&", "||"):
        return "boolean"
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    types = [site.type_of(n) if n is not None else None for n in (left, right)]
    if op == "+" and "String" in types:
        return "String"
    if all(t in NUMERIC for t in types):
        for wide in ("double", "float", "long"):
            if wide in types:
                return wide
        return "int"
    return None


def _unary_type(site: JavaSite, node: Node) -> str | None:
    if node.type == "instanceof_expression":
        return "boolean"
    operator = node.child_by_field_name("operator")
    operand = node.child_by_field_name("operand")
    if operator is not None and site.text(operator) == "!":
        return "boolean"
    return site.type_of(operand) if operand is not None else None


def _own(scope: Node) -> Iterator[Node]:
    """``scope``'s nodes outside nested lambdas and classes."""
    stack = list(reversed(scope.children))
    while stack:
        node = stack.pop()
        yield node
        if node.type not in ("lambda_expression", "class_body"):
            stack.extend(reversed(node.children))
