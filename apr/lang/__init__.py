"""Tree-sitter language support, one :class:`LanguageSupport` per language.

``LANGUAGES`` is the explicit registry (name -> factory); :func:`get_language` returns one shared
instance per name, :func:`language_for_path` picks a language by file extension.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import PurePosixPath

from apr.errors import UsageError
from apr.lang.base import Grammar, LanguageSupport, Span
from apr.lang.python import python_support

__all__ = [
    "LANGUAGES",
    "Grammar",
    "LanguageSupport",
    "Span",
    "get_language",
    "language_for_path",
]

LANGUAGES: dict[str, Callable[[], LanguageSupport]] = {
    "python": python_support,
}


def get_language(name: str) -> LanguageSupport:
    """The shared :class:`LanguageSupport` for ``name``.

    Raises:
        UsageError: ``name`` is not in :data:`LANGUAGES`; the message lists the known names.
    """
    if name not in LANGUAGES:
        known = ", ".join(sorted(LANGUAGES))
        raise UsageError(f"unknown language {name!r} (known: {known})")
    return _instance(name)


@functools.cache
def _instance(name: str) -> LanguageSupport:
    return LANGUAGES[name]()


def language_for_path(path: str) -> LanguageSupport | None:
    """The language whose extensions match ``path``'s suffix (case-insensitive), else None."""
    suffix = PurePosixPath(path.replace("\\", "/")).suffix.lower()
    for name in LANGUAGES:
        language = get_language(name)
        if suffix and suffix in language.extensions:
            return language
    return None
