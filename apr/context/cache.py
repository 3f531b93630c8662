"""Embeddings cached per content: a file's lines are embedded once per embedder.

The key is the SHA-256 of the embedder's name and the texts, so a changed file, a changed line
order or another model misses the cache. Entries live in memory and, when a directory is given,
as ``.npy`` files under it (written atomically), so later runs skip the embedding work too.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from apr.context.embed import Embedder


def cache_key(embedder_name: str, texts: Sequence[str]) -> str:
    """A file-name-safe key for ``texts`` embedded by the embedder called ``embedder_name``."""
    digest = hashlib.sha256(embedder_name.encode())
    for text in texts:
        digest.update(b"\x00")
        digest.update(text.encode("utf-8", "surrogatepass"))
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder_name)[-40:]
    return f"{slug}-{len(texts)}-{digest.hexdigest()}"


class EmbeddingCache:
    """Embeddings of text sequences, kept in memory and optionally under ``directory``.

    Returned arrays are read-only and shared between callers. Not thread-safe for writes of the
    same key from several threads (both compute; the last write wins; both results are equal).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._memory: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._memory)

    def encode(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """``embedder.encode(texts)``, computed once per (embedder name, texts)."""
        key = cache_key(embedder.name, texts)
        vectors = self._memory.get(key)
        if vectors is None:
            vectors = self._load(key, len(texts))
        if vectors is None:
            vectors = np.asarray(embedder.encode(list(texts)), dtype=np.float32)
            self._save(key, vectors)
        vectors.flags.writeable = False
        self._memory[key] = vectors
        return vectors

    def _path(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / f"{key}.npy"

    def _load(self, key: str, rows: int) -> np.ndarray | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None  # a truncated or foreign file: recompute and overwrite it
        good = vectors.ndim == 2 and vectors.shape[0] == rows and vectors.dtype == np.float32
        return vectors if good else None

    def _save(self, key: str, vectors: np.ndarray) -> None:
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.save(out, vectors, allow_pickle=False)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
