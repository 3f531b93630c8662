"""The judge's one refactoring rule: a Java local that only names a value is that value.

Developers often fix a line by first naming what it reads (Defects4J Compress-7)::

    byte b = buffer[i];                              if (buffer[i] == 0) {
    if (b == 0) {                                        break;
        break;                               ==      }
    }                                                result.append((char) (buffer[i] & 0xFF));
    result.append((char) (b & 0xFF));

:func:`inline_locals` rewrites the left into the right, in both the candidate's and the
developer's file, so that :func:`apr.bench.correctness.compare` sees one program. Only where the
two are the same program, whatever the inputs, is a declaration ``T v = e;`` inlined:

- ``e`` has no call, assignment, ``++``/``--``, object creation or lambda: reading it changes
  nothing, so reading it later, or twice, reads the same as long as nothing was written between;
- nothing is written between: every statement from the declaration up to the one holding the
  last use of ``v`` is free of calls, assignments and creations, except in that last statement,
  after the use (``append(... b ...)`` evaluates ``b`` before it calls);
- ``e`` is read where it was: the first use is in the next statement and evaluated whenever it
  runs (not in a branch, a loop, a lambda, the right of ``&&``/``||`` or of ``?:``), so an
  ``e`` that throws (``buffer[i]`` out of bounds) throws at the same point of the run;
- no use is in a loop, lambda or class body inside those statements (they could run after a
  write), and ``v`` is never assigned;
- ``T`` is ``e``'s own type, known from the declaration of the variable or array ``e`` reads
  (a parameter or earlier local of the same method): naming a value in a wider type changes
  arithmetic (``long n = i; n * k`` is not ``i * k``) and overloads (``Object o = s``).

Anything else is left as written. Other languages are returned unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from apr.lang.base import LanguageSupport

#: Node kinds an inlinable value may hold: names, reads, literals and operators.
_VALUE_KINDS = frozenset({
    "identifier", "field_access", "array_access", "parenthesized_expression",
    "binary_expression", "unary_expression", "ternary_expression", "this", "true", "false",
    "null_literal", "decimal_integer_literal", "hex_integer_literal", "octal_integer_literal",
    "binary_integer_literal", "decimal_floating_point_literal", "hex_floating_point_literal",
    "character_literal", "string_literal", "string_fragment", "escape_sequence"})
#: Kinds that write or may write: calls, assignments, ++/--, creations.
_WRITES = ("invocation", "assignment", "update", "creation")
#: Kinds whose body may run again, or later, than where it is written.
_DEFERRED = frozenset({"for_statement", "enhanced_for_statement", "while_statement",
                       "do_statement", "lambda_expression", "class_body", "switch_block",
                       "try_statement", "synchronized_statement"})
#: Steps from a child up to its parent that are taken whenever the parent is evaluated.
_ALWAYS = {"if_statement": "condition", "ternary_expression": "condition",
           "return_statement": None}
#: How many declarations one file may have inlined (each costs a parse).
MAX_INLINED = 200


def inline_locals(source: bytes, lang: LanguageSupport) -> bytes:
    """``source`` with every local that only names a value inlined (Java; see the module)."""
    if lang.name != "java":
        return source
    for _ in range(MAX_INLINED):
        edit = next(_inlinings(lang.parse(source).root_node), None)
        if edit is None:
            break
        source = _apply(source, edit)
    return source


Edit = list[tuple[int, int, bytes]]


def _apply(source: bytes, edit: Edit) -> bytes:
    for start, end, text in sorted(edit, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def _inlinings(root: Node) -> Iterator[Edit]:
    for node in _walk(root):
        if node.type == "local_variable_declaration" and node.parent is not None \
                and node.parent.type == "block":
            edit = _inlining(node)
            if edit is not None:
                yield edit


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node.named_children:
        yield from _walk(child)


def _inlining(decl: Node) -> Edit | None:
    declarators = [c for c in decl.named_children if c.type == "variable_declarator"]
    kind = decl.child_by_field_name("type")
    if len(declarators) != 1 or kind is None or not _plain_modifiers(decl):
        return None
    name, value = (declarators[0].child_by_field_name(f) for f in ("name", "value"))
    if name is None or value is None or declarators[0].child_by_field_name("dimensions"):
        return None
    if not _value(value) or _value_type(value, decl) != _text(kind):
        return None
    after = _following(decl)
    uses = [u for stmt in after for u in _uses(stmt, _text(name))]
    if not uses or any(_assigned(u) for u in uses):
        return None
    if not _first_read_in_place(uses[0], after[0]) or not _unwritten(after, uses[-1]):
        return None
    text = b"(" + (value.text or b"") + b")"
    return [(decl.start_byte, decl.end_byte, b""), *((u.start_byte, u.end_byte, text)
                                                     for u in uses)]


def _plain_modifiers(decl: Node) -> bool:
    """Only ``final`` and annotations: nothing that changes what the variable holds."""
    for child in decl.named_children:
        if child.type == "modifiers":
            words = [c for c in child.children if not c.type.endswith("annotation")]
            if any(c.type != "final" for c in words):
                return False
    return True


def _value(node: Node) -> bool:
    return node.type in _VALUE_KINDS and all(_value(c) for c in node.named_children)


def _value_type(value: Node, decl: Node) -> str | None:
    """The declared type of a variable or array element ``value`` reads, else None."""
    while value.type == "parenthesized_expression" and value.named_child_count == 1:
        value = value.named_children[0]
    if value.type == "identifier":
        return _declared(_text(value), decl)
    array = value.child_by_field_name("array") if value.type == "array_access" else None
    if array is not None and array.type == "identifier":
        whole = _declared(_text(array), decl)
        return whole[:-2].rstrip() if whole is not None and whole.endswith("[]") else None
    return None


def _declared(name: str, before: Node) -> str | None:
    """The type of parameter or local ``name`` of the method holding ``before``, declared
    before it."""
    method = before.parent
    while method is not None and method.type not in ("method_declaration",
                                                     "constructor_declaration"):
        if method.type in ("lambda_expression", "class_body"):
            return None
        method = method.parent
    if method is None:
        return None
    found = None
    for node in _walk(method):
        if node.start_byte >= before.start_byte:
            break
        in_scope = node.type == "formal_parameter" or (
            node.type == "local_variable_declaration" and node.parent is not None
            and node.parent.start_byte <= before.start_byte < node.parent.end_byte)
        if in_scope:
            found = _declares(node, name) or found
    return found


def _declares(node: Node, name: str) -> str | None:
    kind = node.child_by_field_name("type")
    if kind is None:
        return None
    heads = [node] if node.type == "formal_parameter" else \
        [c for c in node.named_children if c.type == "variable_declarator"]
    for head in heads:
        named = head.child_by_field_name("name")
        if named is not None and _text(named) == name:
            return None if head.child_by_field_name("dimensions") else _text(kind)
    return None


def _following(decl: Node) -> list[Node]:
    out, node = [], decl.next_named_sibling
    while node is not None:
        out.append(node)
        node = node.next_named_sibling
    return out


def _uses(node: Node, name: str) -> list[Node]:
    """Identifiers ``name`` that read the local (not a field's or method's name)."""
    found = []
    for n in _walk(node):
        if n.type != "identifier" or _text(n) != name:
            continue
        parent = n.parent
        if parent is not None and parent.type in ("field_access", "method_invocation") \
                and n != parent.child_by_field_name("object"):
            continue
        found.append(n)
    return found


def _assigned(use: Node) -> bool:
    parent = use.parent
    if parent is None:
        return False
    if parent.type == "assignment_expression":
        return use == parent.child_by_field_name("left")
    if parent.type == "variable_declarator":  # declared again (an inner class), not read
        return use == parent.child_by_field_name("name")
    return parent.type == "update_expression"


def _first_read_in_place(use: Node, statement: Node) -> bool:
    """The use is evaluated whenever ``statement`` runs, before anything else could skip it."""
    if not statement.start_byte <= use.start_byte < statement.end_byte:
        return False
    child, parent = use, use.parent
    while parent is not None and child != statement:
        if parent.type in _DEFERRED:
            return False
        if parent.type in _ALWAYS:
            field = _ALWAYS[parent.type]
            if field is not None and child != parent.child_by_field_name(field):
                return False
        elif parent.type == "binary_expression" and _text(parent.child_by_field_name(
                "operator") or parent) in ("&&", "||") and child == parent.child_by_field_name(
                "right"):
            return False
        elif parent.type not in _VALUE_KINDS and parent.type not in (
                "expression_statement", "argument_list", "method_invocation", "cast_expression",
                "variable_declarator", "local_variable_declaration", "instanceof_expression"):
            return False
        child, parent = parent, parent.parent
    return True


def _unwritten(after: list[Node], last: Node) -> bool:
    """Nothing may write between the declaration and the last use, which is in none of the
    kinds whose body runs again or later."""
    for stmt in after:
        holds_last = stmt.start_byte <= last.start_byte < stmt.end_byte
        for node in _walk(stmt):
            if holds_last and node.end_byte > last.start_byte and node.start_byte > \
                    last.start_byte:
                continue  # evaluated after the last use
            if any(word in node.type for word in _WRITES) and (
                    not holds_last or node.end_byte <= last.start_byte):
                return False
            if node.type in _DEFERRED and node.start_byte <= last.start_byte < node.end_byte:
                return False
        if holds_last:
            return True
    return False


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")
