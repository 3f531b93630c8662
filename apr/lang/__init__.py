"""Tree-sitter language support, one :class:`LanguageSupport` per language.

``LANGUAGES`` is the explicit registry (name -> factory); :func:`get_language` returns one shared
instance per name, :func:`language_for_path` picks a language by file extension, and
:func:`detect_language` a project's language by its files.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from apr.errors import UsageError
from apr.lang.base import Grammar, LanguageSupport, Span
from apr.lang.c import c_support
from apr.lang.java import java_support
from apr.lang.javascript import javascript_support
from apr.lang.python import python_support

__all__ = [
    "LANGUAGES",
    "Grammar",
    "LanguageSupport",
    "Span",
    "detect_language",
    "get_language",
    "language_for_path",
]

LANGUAGES: dict[str, Callable[[], LanguageSupport]] = {
    "python": python_support,
    "java": java_support,
    "javascript": javascript_support,
    "c": c_support,
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


#: Folders never counted by :func:`detect_language` (tools, builds, dependencies, tests).
_NOT_SOURCE_DIRS = frozenset({
    ".git", ".venv", "venv", "node_modules", "build", "target", "out", "dist", "__pycache__",
    ".gradle", ".idea", ".mvn", "test", "tests", "testing", "__tests__", "coverage",
})


def detect_language(project_dir: str | Path, default: str = "python") -> str:
    """The language of most of the project's non-test source files, else ``default``.

    Counts files by extension (over :data:`LANGUAGES`), skipping hidden folders, build and
    dependency folders and test folders (``test``, ``tests``, ``src/test``); ties go to the
    language registered first.
    """
    suffixes = {ext: name for name in LANGUAGES for ext in get_language(name).extensions}
    counts: Counter[str] = Counter()
    for _, dirs, files in os.walk(project_dir):
        dirs[:] = [d for d in dirs if d not in _NOT_SOURCE_DIRS and not d.startswith(".")]
        for file in files:
            name = suffixes.get(PurePosixPath(file).suffix.lower())
            if name is not None:
                counts[name] += 1
    if not counts:
        return default
    order = list(LANGUAGES)
    return max(counts, key=lambda name: (counts[name], -order.index(name)))
