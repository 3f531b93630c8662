"""Training the tiny model: checkpoints, resuming, determinism, from scratch, the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from apr.cli import main
from apr.errors import UsageError
from apr.models import TrainConfig, checkpoints, latest_checkpoint, load_seq2seq, train

CHECKPOINT_FILES = {"config.json", "model.safetensors", "tokenizer.json", "optimizer.pt",
                    "scheduler.pt", "rng_state.pt", "trainer_state.json"}

SCRATCH = ["--from-scratch", "--d-model", "32", "--layers", "1", "--heads", "2", "--d-ff", "64",
           "--vocab-size", "300"]


def config(pairs: Path, out: Path, model: Path | None, **changes: Any) -> TrainConfig:
    fields: dict[str, Any] = {"batch_size": 2, "log_every": 1, "device": "cpu", "seed": 3}
    fields.update(changes)
    return TrainConfig(data=pairs, out=out, model=str(model) if model else None, **fields)


def weights(directory: Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    return load_file(directory / "model.safetensors")


def same_weights(a: Path, b: Path) -> bool:
    import torch

    left, right = weights(a), weights(b)
    return left.keys() == right.keys() and all(torch.equal(left[k], right[k]) for k in left)


def adam_steps(checkpoint: Path) -> set[float]:
    import torch

    state = torch.load(checkpoint / "optimizer.pt", weights_only=True)["state"]
    return {float(s["step"]) for s in state.values()}


def test_train_checkpoints_and_resumes(pairs_file: Path, tiny_model_dir: Path,
                                       tmp_path: Path) -> None:
    out = tmp_path / "run"
    logged: list[str] = []
    first = train(config(pairs_file, out, tiny_model_dir, max_steps=3), log=logged.append)
    assert first.step == 3 and first.checkpoint == out / "checkpoint-3"
    assert CHECKPOINT_FILES <= {p.name for p in first.checkpoint.iterdir()}
    assert "train: 5 of 6 pairs usable" in logged  # the empty fix is skipped
    assert any(line.startswith("train: step 3/3 loss ") for line in logged)
    assert adam_steps(first.checkpoint) == {3.0}

    logged.clear()
    second = train(config(pairs_file, out, tiny_model_dir, max_steps=6, resume=True),
                   log=logged.append)
    assert second.step == 6 and latest_checkpoint(out) == out / "checkpoint-6"
    assert f"train: resumed from {out / 'checkpoint-3'} at step 3" in logged
    assert adam_steps(out / "checkpoint-6") == {6.0}  # the optimizer state was loaded
    state = json.loads((out / "checkpoint-6" / "trainer_state.json").read_text())
    assert state["step"] == 6 and state["total_steps"] == 6
    assert same_weights(out, out / "checkpoint-6")  # the final model sits in OUT itself
    assert load_seq2seq(out, device="cpu").generate(["Python x :"], beam=2, n=2, max_output=4)


def test_resuming_matches_an_uninterrupted_run(pairs_file: Path, tiny_model_dir: Path,
                                               tmp_path: Path) -> None:
    straight = tmp_path / "straight"
    train(config(pairs_file, straight, tiny_model_dir, max_steps=6, save_every=3),
          log=lambda _: None)
    assert [p.name for p in checkpoints(straight)] == ["checkpoint-3", "checkpoint-6"]
    interrupted = tmp_path / "interrupted"
    interrupted.mkdir()
    shutil.copytree(straight / "checkpoint-3", interrupted / "checkpoint-3")
    train(config(pairs_file, interrupted, None, max_steps=6, save_every=3, resume=True),
          log=lambda _: None)
    assert same_weights(straight / "checkpoint-6", interrupted / "checkpoint-6")


def test_refuses_to_overwrite_checkpoints(pairs_file: Path, tiny_model_dir: Path,
                                          tmp_path: Path) -> None:
    out = tmp_path / "run"
    train(config(pairs_file, out, tiny_model_dir, max_steps=1), log=lambda _: None)
    with pytest.raises(UsageError, match="--resume"):
        train(config(pairs_file, out, tiny_model_dir, max_steps=2), log=lambda _: None)


def test_from_scratch_is_deterministic_and_loadable(pairs_file: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    runs = [tmp_path / "a", tmp_path / "b"]
    for out in runs:
        assert main(["train", "--data", str(pairs_file), "--out", str(out), *SCRATCH,
                     "--max-steps", "2", "--batch-size", "4", "--seed", "7",
                     "--log-every", "1"]) == 0
    captured = capsys.readouterr()
    assert f"use the model with --model {runs[0]}" in captured.out
    assert "train: step 2/2 loss" in captured.err
    assert same_weights(runs[0], runs[1])
    model = load_seq2seq(runs[0], device="cpu")
    # 256 byte-level symbols and 103 special tokens come first: --vocab-size is a target
    assert model.model.config.vocab_size == len(model.tokenizer) <= 256 + 103 + 300
    assert model.model.config.d_model == 32
    assert len(model.generate(["Python x :", "C y :"], beam=3, n=2, max_output=4)[1]) == 2


def test_bad_data_and_flags_are_usage_errors(tmp_path: Path, tiny_model_dir: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"language": "python", "buggy": "x"}\n')
    out = str(tmp_path / "out")
    assert main(["train", "--data", str(data), "--out", out, "--model",
                 str(tiny_model_dir)]) == 2
    assert main(["train", "--data", str(data), "--out", out]) == 2  # no --model
    assert main(["train", "--data", str(tmp_path / "absent.jsonl"), "--out", out,
                 "--model", str(tiny_model_dir)]) == 2
    assert main(["train", "--data", str(data), "--out", out, "--model",
                 "apr-tests/no-such-model"]) == 2
    assert main(["train", "--data", str(data), "--out", out, *SCRATCH, "--heads", "5"]) == 2
    assert main(["train", "--data", str(data), "--out", out, *SCRATCH, "--max-steps", "0"]) == 2
