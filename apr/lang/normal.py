"""Normal forms of source code: what two programs share when they differ only in layout.

Two uses: the bench asks whether a patch is the developer's fix (comments and docstrings do not
count there), and validation answers a candidate whose program it has already run (there a
docstring is part of the program: ``__doc__`` and doctests see it).

- :func:`normalized_tokens`: the code's tokens, without comments (and docstrings).
- :func:`normalized_tree`: the tree-sitter tree as an s-expression, without comments (and
  docstrings), redundant parentheses unwrapped (``(a + b)`` == ``a + b``), the braces of a
  control statement's one-statement body dropped (``if (c) { s; }`` == ``if (c) s;``), and a
  ``>``/``>=`` comparison of two operands without calls or assignments written as the mirrored
  ``<``/``<=`` (``a > b`` == ``b < a``: the same values compared; with a call in an operand the
  order of evaluation would change, so those stay as written), and the operands of such an
  equality or identity comparison (``==``, ``!=``, ``===``, ``!==``, ``is``, ``is not``) in one
  order (``null == x`` == ``x == null``). As for the mirror, Python's ``==`` asks the left
  operand's ``__eq__`` first: the two agree unless a class's equality is not symmetric. A Java
  method called on ``this`` is written bare (``this.finish()`` == ``finish()``): where both
  compile, Java resolves the bare name in the innermost class that has such a method, which is
  ``this``'s. (Not so for fields, which a local variable may shadow, nor in other languages.)
  Number literals are compared in lower case without digit separators (``0xFFL`` == ``0xffl``,
  ``1_000`` == ``1000``): the same value of the same type in every language here.
  Layout that means something (Python's indentation) is in the tree's shape, so equal trees
  are equal programs.
"""

from __future__ import annotations

from tree_sitter import Node

from apr.lang.base import LanguageSupport
from apr.lang.text import decode_source


def is_docstring(node: Node) -> bool:
    """An expression statement that is a lone string literal (Python docstrings)."""
    if node.type != "expression_statement":
        return False
    named = node.named_children
    return len(named) == 1 and named[0].type in ("string", "concatenated_string")


def normalized_tokens(source: bytes, lang: LanguageSupport) -> tuple[str, ...]:
    """The tokens of ``source`` without comments and docstrings."""
    return tuple(_leaves(lang.parse(source).root_node, lang))


def normalized_tree(source: bytes, lang: LanguageSupport, *, docstrings: bool = False) -> str:
    """The syntax tree of ``source`` as text, comments (and docstrings, unless asked) left out."""
    return tree_text(lang.parse(source).root_node, lang, docstrings=docstrings)


def tree_text(node: Node, lang: LanguageSupport, *, docstrings: bool = False) -> str:
    """:func:`normalized_tree` of a node of a tree already parsed."""
    return _sexp(node, lang, docstrings)


def _skip(node: Node, lang: LanguageSupport, docstrings: bool = False) -> bool:
    return node.type in lang.grammar.comment_types or (not docstrings and is_docstring(node))


def node_text(node: Node) -> str:
    """A node's source text, decoded as apr decodes files (:mod:`apr.lang.text`)."""
    return decode_source(node.text or b"")


def _leaves(node: Node, lang: LanguageSupport) -> list[str]:
    if _skip(node, lang):
        return []
    if not node.children or node.type in lang.grammar.atomic_types:
        return [node_text(node)]
    return [tok for child in node.children for tok in _leaves(child, lang)]


#: Statements whose body may be one statement or a block of one statement, the same program.
_CONTROL = frozenset({"if_statement", "else_clause", "for_statement", "enhanced_for_statement",
                      "for_in_statement", "while_statement", "do_statement"})


#: Number literal kinds of the four grammars (Java, JavaScript, C, Python).
_NUMBERS = frozenset({"decimal_integer_literal", "hex_integer_literal", "octal_integer_literal",
                      "binary_integer_literal", "decimal_floating_point_literal",
                      "hex_floating_point_literal", "number", "number_literal", "integer",
                      "float"})
_MIRRORED = {">": "<", ">=": "<="}
#: Comparisons whose operands may swap: equality and identity (``null == x`` == ``x == null``).
_SYMMETRIC = frozenset({"==", "!=", "===", "!==", "is", "is not"})
_COMPARISONS = frozenset({"comparison_operator", "binary_expression"})
#: Node kinds (by a word of their name, in every grammar) that may change state or suspend:
#: calls, method invocations, assignments, ++/--, walrus, await, yield, new.
_EFFECTS = ("call", "invocation", "assignment", "update", "named_expression", "await", "yield",
            "creation", "new_expression")


def _comparison(kind: str, children: list[Node]) -> str:
    """The operator of ``left OP right`` (the children of a comparison node of type ``kind``)
    when both operands are free of calls and assignments, else ``""``."""
    if kind not in _COMPARISONS or len(children) != 3 or children[1].is_named:
        return ""
    if not all(_pure(side) for side in (children[0], children[2])):
        return ""
    return node_text(children[1])


def _pure(node: Node) -> bool:
    """No call, assignment or object creation anywhere in ``node``."""
    if any(word in node.type for word in _EFFECTS):
        return False
    return all(_pure(c) for c in node.named_children)


def _unqualified(call: Node, children: list[Node]) -> list[Node]:
    """A Java call's children without ``this.`` (``this.m(x)`` -> ``m(x)``)."""
    owner = call.child_by_field_name("object")
    if owner is None or owner.type != "this":
        return children
    return [c for c in children if c.id != owner.id and c.type != "."]


def _sexp(node: Node, lang: LanguageSupport, docstrings: bool) -> str:
    kind = node.type
    named = [c for c in node.named_children if not _skip(c, lang, docstrings)]
    if kind == "parenthesized_expression" and len(named) == 1:
        return _sexp(named[0], lang, docstrings)
    parent = node.parent
    if len(named) == 1 and kind in lang.grammar.body_types and parent is not None \
            and parent.type in _CONTROL:
        return _sexp(named[0], lang, docstrings)
    children = [c for c in node.children if not _skip(c, lang, docstrings)]
    if kind in _NUMBERS:
        return node_text(node).lower().replace("_", "")
    if not children or kind in lang.grammar.atomic_types:
        return node_text(node)
    if kind == "method_invocation" and lang.name == "java":
        children = _unqualified(node, children)
    operator = _comparison(kind, children)
    if (mirror := _MIRRORED.get(operator)) is not None:
        left, _, right = children
        return f"({kind} {_sexp(right, lang, docstrings)} {mirror} " \
               f"{_sexp(left, lang, docstrings)})"
    if operator in _SYMMETRIC:
        one, other = sorted(_sexp(side, lang, docstrings) for side in (children[0], children[2]))
        return f"({kind} {one} {operator} {other})"
    inner = " ".join(_sexp(c, lang, docstrings) for c in children
                     if c.is_named or c.type not in ("(", ")"))
    return f"({kind} {inner})"
