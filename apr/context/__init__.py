"""The context stage: what a generator reads besides the hunk.

For each hunk, :func:`build_context` gathers a :class:`HunkContext`: the buggy lines, the
enclosing function (tree-sitter; else three lines either side), and lines of the file or project
similar to the buggy ones (MultiMend's retrieval: top ``k`` within cosine distance ``threshold``).

Retrieval is a seam: :class:`Retriever` (one method), with :class:`EmbeddingRetriever` (any
:class:`Embedder`, exact faiss search) and the fake :class:`StaticRetriever`; ``RETRIEVERS`` is
the registry, :func:`make_retriever` builds one by name. numpy and faiss load with this package
(faiss on the first search); sentence-transformers and torch only when a model embeds a line.
"""

from __future__ import annotations

from apr.context.build import HunkContext, build_context
from apr.context.cache import EmbeddingCache
from apr.context.corpus import CorpusLine, build_corpus, read_project_files
from apr.context.embed import (
    Embedder,
    LexicalEmbedder,
    SentenceTransformerEmbedder,
    default_embedder,
    minilm_embedder,
    minilm_path,
)
from apr.context.function import buggy_text, function_text
from apr.context.retrieve import (
    RETRIEVERS,
    EmbeddingRetriever,
    Hit,
    Retriever,
    StaticRetriever,
    make_retriever,
)

__all__ = [
    "RETRIEVERS",
    "CorpusLine",
    "Embedder",
    "EmbeddingCache",
    "EmbeddingRetriever",
    "Hit",
    "HunkContext",
    "LexicalEmbedder",
    "Retriever",
    "SentenceTransformerEmbedder",
    "StaticRetriever",
    "buggy_text",
    "build_context",
    "build_corpus",
    "default_embedder",
    "function_text",
    "make_retriever",
    "minilm_embedder",
    "minilm_path",
    "read_project_files",
]
