from __future__ import annotations

import json
import subprocess
import sys

import pytest

import apr.context
from apr.context import HunkContext, StaticRetriever, build_context
from apr.context.embed import LexicalEmbedder
from apr.context.retrieve import EmbeddingRetriever
from apr.errors import UsageError
from apr.lang import get_language
from apr.model import from_json, to_json
from tests.context.samples import STATS, hunk


def test_context_of_a_hunk_in_a_function() -> None:
    context = build_context(hunk(20), STATS, "python", StaticRetriever(["a", "b"]), k=1)
    assert context.language == "python"
    assert context.buggy == "        if low <= v < high:"
    assert context.function.startswith("def count_in_range(values, low, high):\n")
    assert context.function.endswith("    return count")
    assert context.retrieved == ("a",)


def test_language_from_the_file_name_or_none() -> None:
    assert build_context(hunk(20), STATS).language == "python"
    plain = build_context(hunk(20, file="notes.txt"), STATS)
    assert plain.language == "" and plain.function.count("\n") == 6
    assert build_context(hunk(20), STATS, get_language("python")).retrieved == ()


def test_unknown_language_name() -> None:
    with pytest.raises(UsageError, match="unknown language"):
        build_context(hunk(20), STATS, "cobol")


def test_hunk_context_round_trips_through_json() -> None:
    retriever = EmbeddingRetriever(LexicalEmbedder())
    context = build_context(hunk(20), STATS, "python", retriever, threshold=0.6)
    assert context.retrieved
    data = json.loads(json.dumps(to_json(context)))
    assert from_json(HunkContext, data) == context


def test_exports_resolve() -> None:
    for name in apr.context.__all__:
        assert getattr(apr.context, name) is not None, name


def test_importing_the_package_loads_no_model_code() -> None:
    code = ("import sys, apr.context; "
            "print([m for m in ('torch', 'transformers', 'sentence_transformers', 'faiss') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
