"""Beam search and span infilling on the tiny model (its outputs are noise; shapes are not)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apr.lang.text import encode_source
from apr.models import Seq2SeqModel, load_seq2seq

INPUTS = ["Python if low <= v < high: : def f(values): if low <= v < high:",
          "Java return a - b; : int add(int a, int b) { return a - b; }",
          "C x"]


@pytest.fixture(scope="module")
def model(tiny_model_dir: Path) -> Seq2SeqModel:
    return load_seq2seq(tiny_model_dir, device="cpu")


def test_generate_returns_n_scored_candidates_per_input(model: Seq2SeqModel) -> None:
    results = model.generate(INPUTS, beam=4, n=3, max_output=8, batch_size=2)
    assert len(results) == len(INPUTS)
    for candidates in results:
        assert len(candidates) == 3
        scores = [score for _, score in candidates]
        assert all(isinstance(text, str) for text, _ in candidates)
        assert scores == sorted(scores, reverse=True) and all(s <= 0 for s in scores)


def test_generate_is_deterministic_and_greedy_works(model: Seq2SeqModel) -> None:
    first = model.generate(INPUTS[:1], beam=3, n=2, max_output=6)
    assert model.generate(INPUTS[:1], beam=3, n=2, max_output=6) == first
    [[(text, score)]] = model.generate(INPUTS[:1], beam=1, n=1, max_output=6)
    assert isinstance(text, str) and score <= 0


def test_generate_checks_n_against_beam(model: Seq2SeqModel) -> None:
    with pytest.raises(ValueError, match="n <= beam"):
        model.generate(INPUTS, beam=2, n=3)


def test_repair_input_uses_the_tokenizers_special_tokens(model: Seq2SeqModel) -> None:
    assert model.repair_input("python", "x = '</s>'", "def f(): x = '</s>'", ["y = 1"]) == \
        "Python x = '<unk>' : y = 1 def f(): x = '<unk>'"


def test_fill_masks_replaces_every_sentinel(model: Seq2SeqModel) -> None:
    masked = "if low <extra_id_0> v <= high:"
    filled = model.fill_masks(masked, 4, beam=6, max_output=6)
    assert 1 <= len(filled) <= 4  # one mask: every answer fills it
    assert len({text for text, _ in filled}) == len(filled)
    for text, score in filled:
        assert "<extra_id_" not in text and score <= 0
        assert text.startswith("if low ") and text.endswith(" v <= high:")


def test_fill_masks_needs_a_sentinel(model: Seq2SeqModel) -> None:
    with pytest.raises(ValueError, match="sentinel"):
        model.fill_masks("x = 1", 2)


def test_latin1_bytes_reach_the_model_as_characters(model: Seq2SeqModel) -> None:
    escaped = "Java s = \"Gr\udcfc\udcdfe\"; : String s = \"Gr\udcfc\udcdfe\";"
    [candidates] = model.generate([escaped], beam=2, n=2, max_output=6)
    assert all(encode_source(text).decode("latin-1") for text, _ in candidates)
