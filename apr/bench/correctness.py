"""Is a plausible patch the developer's fix? Two answers, never inferred from tests passing.

- ``exact_match``: every changed file, after removing comments, docstrings and whitespace, has
  the same tokens as the developer's fixed file.
- ``correct``: an exact match, or the same syntax tree (tree-sitter) after the same
  normalization and with redundant parentheses unwrapped (``(a + b)`` == ``a + b``).
"""

from __future__ import annotations

from collections.abc import Mapping

from tree_sitter import Node

from apr.bench.patches import is_docstring
from apr.lang import LanguageSupport
from apr.lang.text import decode_source


def normalized_tokens(source: bytes, lang: LanguageSupport) -> tuple[str, ...]:
    return tuple(_leaves(lang.parse(source).root_node, lang))


def normalized_tree(source: bytes, lang: LanguageSupport) -> str:
    return _sexp(lang.parse(source).root_node, lang)


def _skip(node: Node, lang: LanguageSupport) -> bool:
    return node.type in lang.grammar.comment_types or is_docstring(node)


def _text(node: Node) -> str:
    return decode_source(node.text or b"")


def _leaves(node: Node, lang: LanguageSupport) -> list[str]:
    if _skip(node, lang):
        return []
    if not node.children or node.type in lang.grammar.atomic_types:
        return [_text(node)]
    return [tok for child in node.children for tok in _leaves(child, lang)]


def _sexp(node: Node, lang: LanguageSupport) -> str:
    kind = node.type
    named = [c for c in node.named_children if not _skip(c, lang)]
    if kind == "parenthesized_expression" and len(named) == 1:
        return _sexp(named[0], lang)
    children = [c for c in node.children if not _skip(c, lang)]
    if not children or kind in lang.grammar.atomic_types:
        return _text(node)
    inner = " ".join(_sexp(c, lang) for c in children
                     if c.is_named or c.type not in ("(", ")"))
    return f"({kind} {inner})"


def compare(candidate: Mapping[str, bytes], developer: Mapping[str, bytes],
            lang: LanguageSupport) -> tuple[bool, bool]:
    """(exact_match, correct) of a candidate's files against the developer's fixed files.

    Both mappings hold the full content, after the patch, of every file either patch changed.
    """
    if set(candidate) != set(developer):
        return False, False
    exact = all(normalized_tokens(candidate[f], lang) == normalized_tokens(developer[f], lang)
                for f in developer)
    same_tree = exact or all(
        normalized_tree(candidate[f], lang) == normalized_tree(developer[f], lang)
        for f in developer)
    return exact, same_tree
