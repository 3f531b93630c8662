from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from apr.context.cache import EmbeddingCache, cache_key
from apr.context.embed import (
    LexicalEmbedder,
    default_embedder,
    l2_normalize,
    minilm_path,
    subwords,
)


def cosine(embedder: LexicalEmbedder, a: str, b: str) -> float:
    vectors = embedder.encode([a, b])
    return float(vectors[0] @ vectors[1])


def test_rows_are_unit_float32() -> None:
    vectors = LexicalEmbedder(dim=256).encode(["x = 1", "return low <= v <= high", "import os"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 256)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_inputs() -> None:
    embedder = LexicalEmbedder()
    assert embedder.encode([]).shape == (0, embedder.dim)
    assert not embedder.encode([""]).any()


def test_latin1_bytes_are_features_too() -> None:
    embedder = LexicalEmbedder()
    escaped = 'label = "Z\udce4hler"'  # a Latin-1 line decoded byte for byte
    assert cosine(embedder, escaped, escaped) == pytest.approx(1.0)


def test_identical_lines_have_similarity_one() -> None:
    assert cosine(LexicalEmbedder(), "count += 1", "count += 1") == pytest.approx(1.0, abs=1e-5)


def test_deterministic_across_instances_and_batches() -> None:
    one = LexicalEmbedder().encode(["if low <= v < high:"])
    two = LexicalEmbedder().encode(["x", "if low <= v < high:"])[1:]
    np.testing.assert_array_equal(one, two)


def test_similar_lines_score_above_unrelated_ones() -> None:
    embedder = LexicalEmbedder()
    similar = cosine(embedder, "if low <= v < high:", "if low <= v <= high:")
    renamed = cosine(embedder, "maxValue = compute(a)", "max_value = compute(a)")
    unrelated = cosine(embedder, "import os", "return a + b")
    assert similar > 0.7 and renamed > 0.6
    assert abs(unrelated) < 0.2


def test_subwords_split_camel_and_snake_case() -> None:
    assert subwords("getHTTPResponse_code2") == ["get", "http", "response", "code", "2"]
    assert subwords("_") == []


def test_l2_normalize_keeps_zero_rows() -> None:
    out = l2_normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_default_embedder_is_minilm_when_installed() -> None:
    expected = "all-MiniLM-L6-v2" if minilm_path() is not None else LexicalEmbedder().name
    assert default_embedder().name == expected


# --- cache ----------------------------------------------------------------------------------


class CountingEmbedder:
    def __init__(self, name: str = "counting") -> None:
        self.name = name
        self.dim = 8
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return LexicalEmbedder(dim=8).encode(texts)


def test_cache_encodes_each_content_once() -> None:
    cache, embedder = EmbeddingCache(), CountingEmbedder()
    first = cache.encode(embedder, ["a = 1", "b = 2"])
    again = cache.encode(embedder, ["a = 1", "b = 2"])
    cache.encode(embedder, ["b = 2", "a = 1"])
    assert again is first and not first.flags.writeable
    assert len(embedder.calls) == 2 and len(cache) == 2


def test_cache_keys_differ_by_embedder_and_text() -> None:
    assert cache_key("x", ["a"]) != cache_key("y", ["a"])
    assert cache_key("x", ["a", "b"]) != cache_key("x", ["a\x00b"])
    assert "/" not in cache_key("sentence-transformers:/some/path", ["a"])


def test_cache_persists_as_npy(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    vectors = EmbeddingCache(tmp_path).encode(embedder, ["a = 1", "b = 2"])
    assert len(list(tmp_path.glob("*.npy"))) == 1
    reloaded = EmbeddingCache(tmp_path).encode(embedder, ["a = 1", "b = 2"])
    np.testing.assert_array_equal(reloaded, vectors)
    assert len(embedder.calls) == 1


def test_cache_recomputes_a_broken_file(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    EmbeddingCache(tmp_path).encode(embedder, ["a = 1"])
    next(tmp_path.glob("*.npy")).write_bytes(b"not numpy")
    vectors = EmbeddingCache(tmp_path).encode(embedder, ["a = 1"])
    assert vectors.shape == (1, 8) and len(embedder.calls) == 2
