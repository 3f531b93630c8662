from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from apr.context import embed
from apr.context.embed import LexicalEmbedder
from apr.context.index import VectorIndex
from apr.context.retrieve import (
    RETRIEVERS,
    EmbeddingRetriever,
    StaticRetriever,
    make_retriever,
)
from apr.errors import ModelUnavailable, UsageError
from tests.context.samples import STATS, hunk


class TableEmbedder:
    """Fixed 2-D unit vectors per text (unknown texts point along y)."""

    name = "table"
    dim = 2

    def __init__(self, angles: dict[str, float]) -> None:
        self.angles = angles

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        angles = np.radians([self.angles.get(t, 90.0) for t in texts])
        return np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)


SOURCE = b"a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\n"
# cos(0)=1, cos(30)=0.87, cos(50)=0.64, cos(70)=0.34, cos(100)=-0.17: the query is `a = 1`.
ANGLES = {"a = 1": 0.0, "b = 2": 50.0, "c = 3": 30.0, "d = 4": 100.0, "e = 5": 70.0}


def table_retriever() -> EmbeddingRetriever:
    return EmbeddingRetriever(TableEmbedder(ANGLES))


def test_index_returns_nearest_first_within_k() -> None:
    vectors = TableEmbedder(ANGLES).encode(list(ANGLES))
    index = VectorIndex(vectors)
    query = vectors[0]
    assert [row for row, _ in index.search(query, k=3)] == [0, 2, 1]
    assert [row for row, _ in index.search(query, k=10, min_similarity=0.5)] == [0, 2, 1]
    assert index.search(query, k=0) == []
    assert VectorIndex(np.zeros((0, 2), np.float32)).search(query, k=3) == []


def test_top_k_nearest_first() -> None:
    found = table_retriever().search(hunk(1, source=SOURCE, file="m.py"), SOURCE, k=2,
                                     threshold=1.0)
    assert [hit.line.text for hit in found] == ["c = 3", "b = 2"]
    assert found[0].similarity == pytest.approx(np.cos(np.radians(30)), abs=1e-5)


def test_threshold_is_a_cosine_distance() -> None:
    retrieve = table_retriever().retrieve
    here = hunk(1, source=SOURCE, file="m.py")
    assert retrieve(here, SOURCE, k=5, threshold=0.5) == ["c = 3", "b = 2"]
    assert retrieve(here, SOURCE, k=5, threshold=0.2) == ["c = 3"]
    assert retrieve(here, SOURCE, k=5, threshold=2.0) == [
        "c = 3", "b = 2", "e = 5", "f = 6", "d = 4"]


def test_lexical_retrieval_on_real_code() -> None:
    retriever = EmbeddingRetriever(LexicalEmbedder())
    found = retriever.search(hunk(20), STATS, k=3, threshold=1.0)
    assert found[0].line.text == "return low <= value <= high"
    assert [h.similarity for h in found] == sorted((h.similarity for h in found), reverse=True)
    assert {h.line.text for h in found} == {
        "return low <= value <= high", "if value < low:", "if value > high:"}
    assert retriever.retrieve(hunk(20), STATS) == ["return low <= value <= high"]


def test_the_enclosing_function_is_left_out_unless_asked() -> None:
    lines = {h.line.line for h in EmbeddingRetriever(LexicalEmbedder()).search(
        hunk(20), STATS, k=50, threshold=2.0)}
    assert lines.isdisjoint(range(17, 23)) and 26 in lines
    lines = {h.line.line for h in EmbeddingRetriever(LexicalEmbedder(), exclude_function=False)
             .search(hunk(20), STATS, k=50, threshold=2.0)}
    assert 20 not in lines and {17, 18, 19, 21, 22} <= lines


def test_punctuation_only_query_retrieves_nothing() -> None:
    source = b"def f(x):\n    return [\n        x,\n        x + 1,\n    ]\n"
    retriever = EmbeddingRetriever(LexicalEmbedder(), exclude_function=False)
    assert retriever.retrieve(hunk(4, source=source, file="m.py"), source, threshold=2.0) != []
    assert retriever.retrieve(hunk(5, source=source, file="m.py"), source, threshold=2.0) == []


def test_comment_only_hunk_retrieves_nothing() -> None:
    source = b"x = 1\n# just a comment\ny = x + 1\n"
    retriever = EmbeddingRetriever(LexicalEmbedder())
    assert retriever.retrieve(hunk(2, source=source, file="m.py"), source, threshold=2.0) == []


def test_project_scope_adds_files_of_the_same_language() -> None:
    project = {
        "stats/summary.py": b"stale = True\n",
        "stats/range.py": b"def inside(v, low, high):\n    return low <= v < high\n",
        "README.md": b"low <= v < high\n",
    }
    retriever = EmbeddingRetriever(LexicalEmbedder(), scope="project", project_files=project)
    found = retriever.search(hunk(20), STATS, k=2, threshold=0.5)
    assert [(h.line.file, h.line.text) for h in found][0] == (
        "stats/range.py", "return low <= v < high")
    assert all(h.line.file != "README.md" and h.line.text != "stale = True" for h in found)


def test_file_embeddings_are_computed_once() -> None:
    retriever = EmbeddingRetriever(LexicalEmbedder())
    retriever.retrieve(hunk(20), STATS)
    retriever.retrieve(hunk(11), STATS)
    assert len(retriever.cache) == 1


def test_static_retriever_is_the_fake() -> None:
    assert StaticRetriever(["a", "b", "c"]).retrieve(hunk(1), STATS, k=2) == ["a", "b"]
    assert StaticRetriever().retrieve(hunk(1), STATS) == []


def test_registry() -> None:
    assert set(RETRIEVERS) == {"none", "lexical", "minilm", "default"}
    lexical = make_retriever("lexical")
    assert isinstance(lexical, EmbeddingRetriever)
    assert lexical.embedder.name.startswith("lexical")
    assert isinstance(make_retriever("none"), StaticRetriever)
    assert isinstance(make_retriever("default"), EmbeddingRetriever)


def test_registry_errors() -> None:
    with pytest.raises(UsageError, match="unknown retriever"):
        make_retriever("bm25")
    with pytest.raises(UsageError, match="scope"):
        make_retriever("lexical", scope="repo")
    with pytest.raises(UsageError, match="project"):
        make_retriever("lexical", scope="project")


def test_minilm_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed, "minilm_path", lambda: None)
    with pytest.raises(ModelUnavailable, match="apr\\[embed\\]"):
        make_retriever("minilm")
    assert make_retriever("default").embedder.name == LexicalEmbedder().name  # type: ignore[attr-defined]
