"""A hunk of a brace language (Java, JavaScript, C) seen as syntax: :class:`BraceSite` adds
scopes, declared types and donors to :class:`~apr.generate.site.Site`, reading node kinds from
the language's :class:`~apr.generate.syntax.Syntax`.

Types are read from declarations only (no type checker): a local variable, parameter or field
has the type written where it is declared; an expression's type is known for literals, such
variables, ``this.field``, casts and ``new`` expressions, else it is ``None`` (unknown). Families
use types to keep candidates compilable (a variable is replaced only by one of the same type),
and the compiler rejects the rest at validation. JavaScript declares no types: its variables'
type is ``""``, which matches every other untyped variable.

Each language reads its own declarations (parameters, locals, fields or globals, the return
type) in a subclass: :class:`JavaSite` here, :class:`~apr.generate.brace_scopes.JsSite` and
:class:`~apr.generate.brace_scopes.CSite`.

"Donor" code follows TBar: taken from the enclosing method first, then the enclosing class, then
the rest of the file, each in document order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from apr.generate.declarations import Declarations, project_declarations
from apr.generate.site import Node, Site, contains, field_of, is_variable, walk
from apr.generate.syntax import JAVA, Syntax

_SPACE = re.compile(r"\s+")
_DECIMAL = re.compile(r"(0|[1-9]\d*)([lLuU]*)")


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared name: where (``start`` byte of the declaration), its type text, its kind.

    ``scope`` is the byte range where the name is visible, when the declaration reader knows
    it (else :meth:`BraceSite.in_scope` finds it from the declaration).
    """

    name: str
    type: str
    kind: str  # "param", "local" or "field"
    start: int  # where its scope begins (a local: after its declarator)
    scope: tuple[int, int] | None = None


def base_type(text: str) -> str:
    """A type's text without spaces, annotations or ``final`` (``List<Integer>``, ``int[]``)."""
    text = re.sub(r"@\w+(\([^)]*\))?", "", text).replace("final ", "")
    return _SPACE.sub("", text)


def is_reference(type_text: str | None, syntax: Syntax = JAVA) -> bool:
    """Whether values of the type may be null (unknown types count as references)."""
    return type_text is None or type_text not in syntax.primitives


_BINDERS = frozenset({"variable_declarator", "formal_parameter", "catch_formal_parameter",
                      "spread_parameter", "enhanced_for_statement", "inferred_parameters",
                      "formal_parameters", "catch_clause", "arrow_function",
                      "assignment_pattern"})


def _binds(node: Node) -> bool:
    """Whether identifier ``node`` names a parameter or a local where it stands."""
    parent = node.parent
    if parent is None or parent.type not in _BINDERS:
        return False
    return field_of(node) in ("name", "parameter", "left") or parent.type in (
        "inferred_parameters", "formal_parameters")


class BraceSite(Site):
    """The hunk ``[start, end)`` of a brace-language file (see the module doc); subclasses set
    :attr:`syntax` and read declarations."""

    syntax: Syntax = JAVA

    @cached_property
    def return_type(self) -> str | None:
        """The enclosing function's declared return type, when the language declares one."""
        return None

    @cached_property
    def outer_names(self) -> tuple[str, ...]:
        """Closures are read with the declarations (:meth:`variables_at`), not as Python's."""
        return ()

    # --- declarations (the language's subclass reads them) ------------------------------------

    @cached_property
    def fields(self) -> tuple[Variable, ...]:
        """Names visible in the whole file part around the hunk (fields, globals)."""
        return ()

    @cached_property
    def locals(self) -> tuple[Variable, ...]:
        """Parameters and local variables of the enclosing function."""
        return ()

    def visible_names(self, node: Node) -> set[str]:
        return {v.name for v in self.variables_at(node)}

    def _bound_anywhere(self) -> frozenset[str]:
        """Read from where names are declared, so it holds for untyped JavaScript too."""
        return frozenset(self.text(n) for n in self.index.of_type("identifier")
                         if _binds(n))

    def variables_at(self, node: Node) -> list[Variable]:
        """Variables visible at ``node``: locals declared before it in an enclosing scope
        (nearest first), parameters, then fields; a name appears once (the innermost)."""
        visible = [v for v in self.locals if v.start < node.start_byte
                   and self.in_scope(v, node)]
        visible.sort(key=lambda v: -v.start)
        seen: set[str] = set()
        out = []
        for var in [*visible, *self.fields]:
            if var.name not in seen:
                seen.add(var.name)
                out.append(var)
        return out

    def in_scope(self, var: Variable, node: Node) -> bool:
        """Whether ``var``'s scope encloses ``node``."""
        return var.scope is not None and var.scope[0] <= node.start_byte \
            and node.end_byte <= var.scope[1]

    def is_variable(self, node: Node) -> bool:
        return is_variable(node, self.syntax)

    def nullable(self, type_text: str | None) -> bool:
        """Whether a value of the declared type may be null."""
        return is_reference(type_text, self.syntax)

    def variable(self, node: Node) -> Variable | None:
        """The variable an identifier (or ``this.x``) names at ``node``, else None."""
        syntax = self.syntax
        if node.type == syntax.member:
            owner = node.child_by_field_name(syntax.member_object)
            name = node.child_by_field_name(syntax.member_name)
            if owner is None or name is None or not syntax.this or owner.type != syntax.this:
                return None
            return next((f for f in self.fields if f.name == self.text(name)), None)
        if node.type != "identifier" or not self.is_variable(node):
            return None
        return next((v for v in self.variables_at(node) if v.name == self.text(node)), None)

    # --- calls --------------------------------------------------------------------------------

    def callee(self, call: Node) -> tuple[Node | None, Node | None]:
        """(name, receiver) of a call: ``a.f(x)`` -> (``f``, ``a``); ``f(x)`` -> (``f``, None)."""
        syntax = self.syntax
        name = call.child_by_field_name(syntax.call_name)
        owner = call.child_by_field_name(syntax.call_object) if syntax.call_object else None
        return name, owner

    def signature(self, declaration: Node) -> tuple[str, int] | None:
        """(name, number of parameters) of a declared function, else None."""
        name = declaration.child_by_field_name("name")
        params = declaration.child_by_field_name("parameters")
        if name is None:
            return None
        count = len([p for p in params.named_children if "comment" not in p.type]) \
            if params is not None else 0
        return self.text(name), count

    @cached_property
    def called_methods(self) -> tuple[tuple[str, int, bool], ...]:
        """(name, arity, qualified) of the functions called or declared in the function, class
        and file; declared ones count as unqualified calls."""
        out = []
        syntax = self.syntax
        for node in self.donors(syntax.call, *sorted(syntax.function_declarations)):
            if node.type in syntax.function_declarations:
                signature = self.signature(node)
                if signature is not None:
                    out.append((*signature, False))
                continue
            name, owner = self.callee(node)
            if name is not None:
                out.append((self.text(name), len(call_arguments(node)), owner is not None))
        return tuple(out)

    @cached_property
    def declarations(self) -> Declarations | None:
        """What the project's classes declare (methods side by side, fields' types), when the
        project is known and the language has classes."""
        syntax = self.syntax
        if self.project is None or not syntax.classes:
            return None
        return project_declarations(self.project, self.source, self.language, syntax.classes,
                                    syntax.function_declarations)

    # --- for the core families ------------------------------------------------------------------

    def string_concatenation(self, node: Node) -> bool:
        token = node.child_by_field_name("operator")
        string = self.syntax.string_type
        return token is not None and self.text(token) == "+" and bool(string) \
            and self.type_of(node) == string

    def argument_lists(self) -> list[tuple[Node, Node]]:
        """(call, argument list) of the hunk's calls and constructor calls."""
        calls = self.of_type(self.syntax.call, *sorted(self.syntax.new))
        return [(c, a) for c in calls if (a := c.child_by_field_name("arguments")) is not None]

    def arities(self, call: Node) -> set[int] | None:
        """The argument counts the file calls or declares ``call``'s function with."""
        name = self.callee(call)[0] if call.type == self.syntax.call else None
        if name is None:
            return set()
        return {a for n, a, _ in self.called_methods if n == self.text(name)}

    def argument_donors(self, call: Node, arguments: Node) -> list[str]:
        return [v.name for v in self.variables_at(call)]

    def return_variables(self, value: Node) -> list[str]:
        """Variables of the function's return type in scope."""
        kind = self.return_type
        return [v.name for v in self.variables_at(value) if kind is not None and v.type == kind]

    def return_default(self) -> str | None:
        kind = self.return_type
        return self.default_of(kind) if kind is not None else None

    def block_statement(self) -> Node | None:
        """The hunk's statement, if it sits alone on its lines directly in a block."""
        anchor = self.anchor
        if anchor is None or anchor.parent is None or anchor.parent.type not in self.syntax.blocks:
            return None
        if anchor.type not in self.language.grammar.simple_statements \
                and anchor.type not in self.syntax.guarded:
            return None
        return anchor if self.alone_on_lines(anchor) else None

    def deletable(self) -> Node | None:
        """An expression, ``break``, ``continue`` or ``throw`` statement alone in a block."""
        anchor = self.block_statement()
        return anchor if anchor is not None and anchor.type in self.syntax.deletable else None

    def movable(self) -> Node | None:
        anchor = self.block_statement()
        return anchor if anchor is not None and anchor.type in self.syntax.movable else None

    def swappable(self, neighbour: Node) -> bool:
        return neighbour.type in self.syntax.movable | {"if_statement"}

    # --- types and values ----------------------------------------------------------------------

    def literal_type(self, node: Node) -> str | None:
        """The type of a literal node, else None."""
        return None

    def declared_type(self, node: Node) -> str | None:
        """The type a cast or constructor call names, else None."""
        return None

    def default_of(self, kind: str) -> str | None:
        """A default value of the declared type (``""``: none; a bare ``return;``)."""
        return self.syntax.defaults.get(kind, self.syntax.null)

    def exit_defaults(self, kind: str | None) -> list[str]:
        """Values an early ``return`` may give in a function returning ``kind``."""
        if kind is None:
            return []
        if kind == self.syntax.string_type:
            return ['""', self.syntax.null]
        default = self.default_of(kind)
        return [] if default is None else [default]

    def size_of(self, container: Node) -> str | None:
        """The expression giving the size of ``container``, else None."""
        return None

    def type_of(self, node: Node) -> str | None:
        """The static type of expression ``node`` when the declarations tell, else None."""
        literal = self.literal_type(node)
        if literal is not None:
            return literal
        kind = node.type
        declared = self.declared_type(node)
        if declared is not None:
            return declared
        if kind == "parenthesized_expression" and node.named_child_count == 1:
            return self.type_of(node.named_children[0])
        if kind == "binary_expression":
            return _binary_type(self, node)
        if kind in ("unary_expression", "instanceof_expression"):
            return _unary_type(self, node)
        var = self.variable(node)
        return (var.type or None) if var is not None else None


class JavaSite(BraceSite):
    """A Java hunk: declarations with their types, fields of the enclosing classes."""

    syntax = JAVA

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

    @cached_property
    def fields(self) -> tuple[Variable, ...]:
        """Fields of the enclosing classes, innermost class first."""
        out: list[Variable] = []
        node = self.klass
        while node is not None:
            if node.type in self.syntax.classes:
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

    def in_scope(self, var: Variable, node: Node) -> bool:
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

    def literal_type(self, node: Node) -> str | None:
        kind, syntax = node.type, self.syntax
        if kind in syntax.integer_literals:
            return "long" if self.text(node).lower().endswith("l") else "int"
        if kind in syntax.float_literals:
            return "float" if self.text(node).lower().endswith("f") else "double"
        if kind in syntax.string_literals:
            return "String"
        if kind in ("true", "false"):
            return "boolean"
        if kind == "character_literal":
            return "char"
        return None

    def declared_type(self, node: Node) -> str | None:
        if node.type in ("cast_expression", "object_creation_expression"):
            type_node = node.child_by_field_name("type")
            return base_type(self.text(type_node)) if type_node is not None else None
        return None

    def size_of(self, container: Node) -> str | None:
        kind = self.type_of(container)
        text = self.text(container)
        if container.type not in ("identifier", "field_access"):
            return None
        if kind is not None and kind.endswith("[]"):
            return f"{text}.length"
        if kind in ("String", "StringBuilder", "CharSequence"):
            return f"{text}.length()"
        return f"{text}.size()"


def call_arguments(call: Node) -> list[Node]:
    """The arguments a call passes (comments left out)."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [a for a in arguments.named_children if "comment" not in a.type]


def int_literal(site: BraceSite, node: Node) -> tuple[int, str] | None:
    """(value, suffix) of a decimal integer literal, else None."""
    if node.type != site.syntax.decimal_literal:
        return None
    match = _DECIMAL.fullmatch(site.text(node).replace("_", ""))
    return (int(match.group(1)), match.group(2)) if match else None


def _binary_type(site: BraceSite, node: Node) -> str | None:
    syntax = site.syntax
    operator = node.child_by_field_name("operator")
    op = site.text(operator) if operator is not None else ""
    if op in ("<", "<=", ">", ">=", "==", "!=", "&&", "||", "===", "!=="):
        return syntax.boolean_type or None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    types = [site.type_of(n) if n is not None else None for n in (left, right)]
    if op == "+" and syntax.string_type and syntax.string_type in types:
        return syntax.string_type
    if all(t in syntax.numeric for t in types):
        for wide in ("double", "float", "long"):
            if wide in types:
                return wide
        return syntax.int_type
    return None


def _unary_type(site: BraceSite, node: Node) -> str | None:
    if node.type == "instanceof_expression":
        return "boolean"
    operator = node.child_by_field_name("operator")
    operand = node.child_by_field_name(site.syntax.unary_operand)
    if operator is not None and site.text(operator) == "!":
        return site.syntax.boolean_type or None
    return site.type_of(operand) if operand is not None else None
