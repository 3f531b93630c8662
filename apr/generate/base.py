"""The generation stage's interface: a :class:`Generator` turns a hunk into candidates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from apr.lang.base import LanguageSupport
from apr.model import Candidate, Hunk


@dataclass(frozen=True, slots=True)
class Context:
    """What a generator may read besides the hunk: the buggy file and its language.

    Attributes:
        source: the buggy file's content; hunk and edit offsets refer to it.
        language: the file's language support.
        file: the file's path relative to the repository root (POSIX), used in edits.
        root: the repository's root folder (a snapshot: read it, never write it), for
            generators that learn from the project's files; None when unknown.
    """

    source: bytes
    language: LanguageSupport
    file: str
    root: Path | None = None


class Generator(Protocol):
    """Proposes patches for one hunk.

    ``generate`` yields candidates lazily, in the generator's own preference order; their edits
    are byte ranges of ``context.source`` and never leave it unchanged. A generator that does
    not handle ``context.language`` yields nothing. Ranking and validation come later.

    A generator whose candidates are meant to come after the templates may have a true
    ``late`` attribute; with several hunks they then wait for the multi-hunk phase
    (:func:`apr.pipeline.validation_order`).
    """

    name: str

    def generate(self, hunk: Hunk, context: Context) -> Iterator[Candidate]: ...
