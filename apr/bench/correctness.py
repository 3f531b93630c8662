"""Is a plausible patch the developer's fix? Two answers, never inferred from tests passing.

- ``exact_match``: every changed file, after removing comments, docstrings and whitespace, has
  the same tokens as the developer's fixed file.
- ``correct``: an exact match, or the same syntax tree (tree-sitter) after the same
  normalization (:func:`apr.lang.normal.normalized_tree` lists every rule), with redundant
  parentheses unwrapped (``(a + b)`` == ``a + b``), the braces of a one-statement
  ``if``/loop body dropped (``if (c) { s; }`` == ``if (c) s;``), a comparison of operands
  without calls mirrored or its equality operands in one order (``a > b`` == ``b < a``,
  ``null == x`` == ``x == null``), and a Java method called on ``this`` bare
  (``this.finish()`` == ``finish()``). Before that, a Java local that only names a value is
  inlined where that is the same program (``byte b = buf[i]; if (b == 0) ...`` ==
  ``if (buf[i] == 0) ...``; :mod:`apr.lang.inline` lists the conditions).
"""

from __future__ import annotations

from collections.abc import Mapping

from apr.lang import LanguageSupport
from apr.lang.inline import inline_locals
from apr.lang.normal import normalized_tokens, normalized_tree

__all__ = ["compare", "normalized_tokens", "normalized_tree"]


def compare(candidate: Mapping[str, bytes], developer: Mapping[str, bytes],
            lang: LanguageSupport) -> tuple[bool, bool]:
    """(exact_match, correct) of a candidate's files against the developer's fixed files.

    Both mappings hold the full content, after the patch, of every file either patch changed.
    """
    if set(candidate) != set(developer):
        return False, False
    exact = all(normalized_tokens(candidate[f], lang) == normalized_tokens(developer[f], lang)
                for f in developer)
    same_tree = exact or all(_tree(candidate[f], lang) == _tree(developer[f], lang)
                             for f in developer)
    return exact, same_tree


def _tree(source: bytes, lang: LanguageSupport) -> str:
    return normalized_tree(inline_locals(source, lang), lang)
