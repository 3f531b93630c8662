"""Exact nearest-neighbour search by cosine similarity, on faiss.

Vectors are L2-normalized (every :class:`~apr.context.embed.Embedder` promises it), so an inner
product index (``IndexFlatIP``) ranks by cosine similarity; MultiMend's cosine *distance* is
``1 - similarity``. The corpora are small (one file, or one project), so the flat index is exact
and fast enough; faiss is imported when the first index is built.
"""

from __future__ import annotations

from typing import Any

import numpy as np

EPSILON = 1e-5
"""Slack on the similarity bound: float32 rounding puts identical texts at 0.99999994."""


def as_matrix(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as a C-contiguous float32 2-D array (one row for a single vector)."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    return matrix.reshape(1, -1) if matrix.ndim == 1 else matrix


class VectorIndex:
    """An exact inner-product index over the rows of a 2-D array (row ``i`` has id ``i``)."""

    def __init__(self, vectors: np.ndarray) -> None:
        import faiss

        matrix = as_matrix(vectors)
        self.dim = int(matrix.shape[1])
        self._index: Any = faiss.IndexFlatIP(self.dim)
        if len(matrix):
            self._index.add(matrix)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int,
               min_similarity: float | None = None) -> list[tuple[int, float]]:
        """The up to ``k`` rows most similar to ``query``: ``(row, similarity)``, best first.

        Rows whose similarity is below ``min_similarity`` (minus :data:`EPSILON`) are left out;
        equal similarities among the results are ordered by row.
        """
        if k <= 0 or len(self) == 0:
            return []
        similarities, rows = self._index.search(as_matrix(query), min(k, len(self)))
        hits = [(int(r), float(s)) for r, s in zip(rows[0], similarities[0], strict=True)
                if r >= 0]
        if min_similarity is not None:
            hits = [(r, s) for r, s in hits if s >= min_similarity - EPSILON]
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))
