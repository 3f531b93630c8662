"""The seq2seq generator (MultiMend): inputs, merging, re-indenting, checkpoints, tiny model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from apr.config import RepairConfig
from apr.context import StaticRetriever
from apr.errors import ModelUnavailable, UsageError
from apr.generate import GENERATORS, BatchGenerator, Context, apply_edits
from apr.generate.seq2seq import (
    RANK_DECAY,
    LineSpan,
    Proposal,
    Seq2SeqGenerator,
    Seq2SeqSettings,
    candidate_texts,
    merge_proposals,
    reindent,
    resolve_checkpoints,
)
from apr.lang import get_language
from apr.model import Hunk
from tests.models.conftest import tiny_model_dir  # noqa: F401 -- the session fixture

PY = get_language("python")
SOURCE = (b"def count(values, low, high):\n"
          b"    n = 0\n"
          b"    for v in values:\n"
          b"        if low <= v < high:\n"
          b"            n += 1\n"
          b"    return n\n")


def hunk_at(line: int, source: bytes = SOURCE, score: float = 1.0) -> Hunk:
    span = PY.statement_at(source, line)
    assert span is not None
    return Hunk("m.py", span.first_line, span.last_line, span.start, span.end, score)


def context(source: bytes = SOURCE) -> Context:
    return Context(source=source, language=PY, file="m.py")


class FakeModel:
    """Answers each input with fixed outputs; records what it was asked."""

    def __init__(self, outputs: Sequence[tuple[str, float]]) -> None:
        self.outputs = list(outputs)
        self.calls: list[list[str]] = []

    def repair_input(self, language: str, buggy: str, context: str,
                     retrieved: Sequence[str] = ()) -> str:
        from apr.models.formats import format_input

        return format_input(language, buggy, context, retrieved)

    def generate(self, inputs: list[str], beam: int, n: int, max_input: int = 512,
                 max_output: int = 256, *, batch_size: int = 8) -> list[list[tuple[str, float]]]:
        self.calls.append(list(inputs))
        return [self.outputs[:n] for _ in inputs]


class Loader:
    def __init__(self, models: dict[str, FakeModel]) -> None:
        self.models = models
        self.loaded: list[str] = []

    def __call__(self, name: str) -> FakeModel:
        self.loaded.append(name)
        return self.models[name]


def make(models: dict[str, FakeModel], retrieved: Sequence[str] = (),
         **settings: int) -> tuple[Seq2SeqGenerator, Loader]:
    loader = Loader(models)
    gen = Seq2SeqGenerator(Seq2SeqSettings(models=tuple(models), **settings),  # type: ignore[arg-type]
                           loader=loader, retriever=StaticRetriever(retrieved))
    return gen, loader


def test_registered_and_batched() -> None:
    assert GENERATORS["seq2seq"] is Seq2SeqGenerator
    gen, _ = make({"m": FakeModel([])})
    assert isinstance(gen, BatchGenerator)


def test_input_is_multimends_format_with_retrieved_lines() -> None:
    model = FakeModel([("if low <= v <= high:", -0.1)])
    gen, _ = make({"m": model}, retrieved=["if low <= x:"])
    list(gen.generate(hunk_at(4), context()))
    [[text]] = model.calls
    assert text.startswith("Python if low <= v < high: : if low <= x: def count(values, low,")
    assert text.endswith("return n")


def test_deletion_first_then_outputs_reindented_and_scored_by_rank() -> None:
    model = FakeModel([("if low <= v <= high:", -0.1), ("if low < v < high:", -0.2)])
    gen, _ = make({"m": model})
    hunk = hunk_at(4, score=0.5)
    found = list(gen.generate(hunk, context()))
    assert [c.template for c in found] == ["delete", "rewrite", "rewrite"]
    patched = apply_edits(SOURCE, found[1].edits)
    assert b"        if low <= v <= high:\n            n += 1\n" in patched
    assert [c.score for c in found] == [0.5, 0.5 * RANK_DECAY, 0.5 * RANK_DECAY ** 2]
    assert apply_edits(SOURCE, found[0].edits).count(b"\n") == SOURCE.count(b"\n") - 1
    assert "beam rank 1" in found[1].description and found[0].description.startswith("seq2seq")


def test_checkpoints_merge_by_beam_rank_then_score_without_repeats_or_the_source() -> None:
    first = FakeModel([("return n + 1", -0.5), ("return n", -0.6), ("return 0", -0.9)])
    second = FakeModel([("return  n + 1", -0.2), ("return -n", -0.3), ("return 1", -0.4)])
    gen, loader = make({"a": first, "b": second}, beam=3, num_return=3)
    found = list(gen.generate(hunk_at(6), context()))
    texts = [c.edits[0].text for c in found]
    assert texts == ["", "    return  n + 1", "    return -n", "    return 1", "    return 0"]
    assert loader.loaded == ["a", "b"]


def test_prepare_batches_all_hunks_and_loads_each_checkpoint_once() -> None:
    model = FakeModel([("pass", -0.1)])
    gen, loader = make({"m": model})
    hunks = [hunk_at(2), hunk_at(4), hunk_at(6)]
    gen.prepare(hunks, [context()] * 3)
    for hunk in hunks:
        assert len(list(gen.generate(hunk, context()))) == 2
    assert [len(call) for call in model.calls] == [3]
    assert loader.loaded == ["m"]
    assert sorted(gen.stats()["hunk_seconds"]) == ["m.py:2-2", "m.py:4-4", "m.py:6-6"]


def test_candidate_texts_and_merge() -> None:
    props = [Proposal("x", -0.5, 1, "a"), Proposal("y", -0.1, 0, "b"), Proposal("z", -0.3, 0, "a"),
             Proposal(" y ", -0.2, 1, "b"), Proposal("same  line", -0.1, 2, "a")]
    merged = merge_proposals(props)
    assert [p.text for p in merged] == ["y", "z", " y ", "x", "same  line"]
    texts = [t for t, _ in candidate_texts(merged, "  same line")]
    assert texts == ["", "y", "z", "x"]


def test_reindent_keeps_relative_indentation_and_line_endings() -> None:
    assert reindent("if x:\n    y()\n\nz()", "  ") == "  if x:\n      y()\n\n  z()"
    assert reindent("a\nb", "\t", "\r\n") == "\ta\r\n\tb"
    source = b"def f():\r\n    return 1\r\n"
    hunk = hunk_at(2, source)
    span = LineSpan.of(hunk, source)
    assert (span.text, span.indent, span.newline) == ("    return 1", "    ", "\r\n")
    assert source[span.start:span.delete_end] == b"    return 1\r\n"


def test_resolve_checkpoints(tmp_path: Path) -> None:
    out = tmp_path / "run"
    for step in (10, 20, 30, 40, 50, 60, 70):
        (out / f"checkpoint-{step}").mkdir(parents=True)
        (out / f"checkpoint-{step}" / "trainer_state.json").write_text("{}")
    (out / "checkpoint-80").mkdir()  # incomplete: no trainer state
    plain = tmp_path / "plain"
    plain.mkdir()
    found = resolve_checkpoints([str(out), str(plain), "Salesforce/codet5-small"], last=5)
    assert [Path(p).name for p in found[:5]] == [f"checkpoint-{s}" for s in (30, 40, 50, 60, 70)]
    assert found[5:] == (str(plain), "Salesforce/codet5-small")
    with pytest.raises(ModelUnavailable, match="no such directory"):
        resolve_checkpoints([str(tmp_path / "missing")])


def test_needs_a_model_and_sane_settings() -> None:
    with pytest.raises(ModelUnavailable, match="--model"):
        Seq2SeqGenerator.from_config(RepairConfig(generators=("seq2seq",)))
    with pytest.raises(UsageError, match="beam"):
        Seq2SeqGenerator(Seq2SeqSettings(models=("x",), beam=0))


def test_from_config_reads_the_run_settings(tmp_path: Path) -> None:
    config = RepairConfig(model=(str(tmp_path),), beam=7, num_return=3, retriever="none",
                          retrieve_k=2, retrieve_threshold=0.3)
    gen = Seq2SeqGenerator.from_config(config)
    assert gen.checkpoints == (str(tmp_path),)
    assert (gen.settings.beam, gen.settings.num_return, gen.settings.retriever) == (7, 3, "none")


def test_a_broken_checkpoint_is_model_unavailable(tmp_path: Path) -> None:
    gen = Seq2SeqGenerator(Seq2SeqSettings(models=(str(tmp_path),), retriever="none"))
    with pytest.raises(ModelUnavailable, match="not a checkpoint"):
        list(gen.generate(hunk_at(4), context()))


def test_the_tiny_model_end_to_end(tiny_model_dir: Path) -> None:  # noqa: F811
    settings = Seq2SeqSettings(models=(str(tiny_model_dir), str(tiny_model_dir)), beam=4,
                               num_return=4, max_output=12)
    gen = Seq2SeqGenerator(settings)
    hunks = [hunk_at(4), hunk_at(5)]
    gen.prepare(hunks, [context()] * 2)
    first = [list(gen.generate(h, context())) for h in hunks]
    again = Seq2SeqGenerator(settings)
    assert [list(again.generate(h, context())) for h in hunks] == first
    for found in first:
        assert found[0].template == "delete"
        assert 1 <= len(found) <= 5
        for candidate in found:
            assert apply_edits(SOURCE, candidate.edits) != SOURCE
    assert gen.checkpoints == (str(tiny_model_dir),)
