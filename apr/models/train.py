"""Fine-tuning a seq2seq model on bug-fix pairs (``apr train``), with resumable checkpoints.

A plain torch loop: AdamW, a linear schedule with optional warmup, gradient clipping at 1.0,
optional bf16 autocast on CUDA. Inputs and targets are MultiMend's
(:mod:`apr.models.formats`); training inputs have no retrieved lines, as in MultiMend.

Checkpoints are ``OUT/checkpoint-<step>/``: the model and tokenizer (loadable with ``--model``),
``optimizer.pt``, ``scheduler.pt``, ``rng_state.pt`` and ``trainer_state.json``. Each is written
under a temporary name and renamed, so the latest checkpoint is always complete. The final model
(weights and tokenizer only) is also written into ``OUT`` itself.

The data order is a function of the seed and the epoch only, so a resumed run sees the same
batches an uninterrupted run would have seen (given the same data, batch size and seed).
"""

from __future__ import annotations

import json
import math
import random
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apr.errors import UsageError
from apr.models.formats import format_input, format_target
from apr.models.loading import choose_device, load_pretrained
from apr.models.scratch import T5Sizes, new_t5, train_tokenizer

Log = Callable[[str], None]
Example = tuple[list[int], list[int]]

REQUIRED_KEYS = ("language", "buggy", "fixed", "context")
STATE_FILE = "trainer_state.json"


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """One training run.

    Attributes:
        data: a JSONL file of pairs (``apr mine``'s records; ``language``, ``buggy``, ``fixed``,
            ``context`` are required).
        out: the output directory (checkpoints, and the final model).
        model: a checkpoint directory or hub id to start from; unused with ``from_scratch``
            and when resuming from a checkpoint.
        epochs: passes over the data (ignored when ``max_steps`` is set).
        lr: peak learning rate.
        batch_size: pairs per step.
        max_steps: stop after this many optimizer steps in all (overrides ``epochs``).
        save_every: steps between checkpoints (default: five per epoch, as MultiMend); a
            checkpoint is always written at the last step.
        log_every: steps between loss reports.
        keep_checkpoints: the most recent checkpoints kept (None: all).
        warmup_steps: steps of linear warmup before the linear decay.
        resume: continue from the latest checkpoint in ``out`` (start fresh if there is none).
        from_scratch: train a tokenizer on the data and a new T5 of ``sizes``.
        sizes: the model built by ``from_scratch``.
        seed: seeds initialization, data order and dropout.
        max_input: input tokens kept (longer inputs are truncated).
        max_output: pairs whose target is longer (in tokens) are skipped.
        bf16: bfloat16 autocast on CUDA (ignored on other devices).
        device: torch device (default: :func:`apr.models.loading.choose_device`).
    """

    data: Path
    out: Path
    model: str | None = None
    epochs: int = 2
    lr: float = 1e-4
    batch_size: int = 8
    max_steps: int | None = None
    save_every: int | None = None
    log_every: int = 50
    keep_checkpoints: int | None = 5
    warmup_steps: int = 0
    resume: bool = False
    from_scratch: bool = False
    sizes: T5Sizes = field(default_factory=T5Sizes)
    seed: int = 0
    max_input: int = 512
    max_output: int = 256
    bf16: bool = False
    device: str | None = None

    def __post_init__(self) -> None:
        positive = {"epochs": self.epochs, "batch_size": self.batch_size,
                    "log_every": self.log_every, "max_input": self.max_input,
                    "max_output": self.max_output, "max_steps": self.max_steps,
                    "save_every": self.save_every, "keep_checkpoints": self.keep_checkpoints}
        bad = [name for name, value in positive.items() if value is not None and value < 1]
        if bad or self.lr <= 0 or self.warmup_steps < 0:
            raise UsageError(f"train: invalid {', '.join(bad) or 'lr/warmup_steps'} "
                             "(counts and the learning rate must be positive)")
        if self.model is None and not self.from_scratch and not self.resume:
            raise UsageError("train: give --model DIR_OR_ID to fine-tune, or --from-scratch")


@dataclass(frozen=True, slots=True)
class TrainResult:
    """What a run left: the final step, its checkpoint, the mean loss of its last steps."""

    out: Path
    step: int
    checkpoint: Path | None
    loss: float | None


def train(config: TrainConfig, log: Log | None = None) -> TrainResult:
    """Train as ``config`` says; checkpoints and the final model go to ``config.out``.

    Raises:
        UsageError: bad data, no usable pair, or ``out`` already holds checkpoints and
            ``resume`` is off.
        ModelUnavailable: the starting model cannot be loaded.
    """
    say = log or _stderr
    records = read_pairs(config.data)
    checkpoint = _starting_checkpoint(config, say)
    model, tokenizer = _starting_model(config, checkpoint, records)
    examples = encode_pairs(records, tokenizer, config.max_input, config.max_output)
    if not examples:
        raise UsageError(f"{config.data}: no pair fits (non-empty fix of at most "
                         f"{config.max_output} tokens)")
    say(f"train: {len(examples)} of {len(records)} pairs usable")
    return _Loop(config, model, tokenizer, examples, say).run(checkpoint)


def read_pairs(path: Path) -> list[dict[str, str]]:
    """The records of a pairs JSONL file (blank lines skipped).

    Raises:
        UsageError: the file is missing, a line is not a JSON object, or lacks a required key.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read pairs from {path}: {exc.strerror or exc}") from exc
    records = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            records.append(_record(path, number, line))
    return records


def _record(path: Path, number: int, line: str) -> dict[str, str]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{number}: not JSON ({exc.msg})") from exc
    if not isinstance(record, dict):
        raise UsageError(f"{path}:{number}: expected a JSON object")
    missing = [key for key in REQUIRED_KEYS if not isinstance(record.get(key), str)]
    if missing:
        raise UsageError(f"{path}:{number}: missing or non-string {', '.join(missing)}")
    return {key: record[key] for key in REQUIRED_KEYS}


def encode_pairs(records: list[dict[str, str]], tokenizer: Any, max_input: int,
                 max_output: int) -> list[Example]:
    """Token ids ``(input, target)`` per usable record, in order: inputs truncated to
    ``max_input``; records with an empty target or one over ``max_output`` tokens dropped."""
    inputs, targets = model_texts(records, tokenizer.eos_token or "", tokenizer.unk_token or "")
    examples: list[Example] = []
    for start in range(0, len(records), 1024):
        sources = tokenizer(inputs[start:start + 1024], truncation=True,
                            max_length=max_input)["input_ids"]
        labels = tokenizer(targets[start:start + 1024])["input_ids"]
        for source, label, text in zip(sources, labels, targets[start:start + 1024],
                                       strict=True):
            if text and len(label) <= max_output:
                examples.append((list(source), list(label)))
    return examples


def model_texts(records: list[dict[str, str]], eos_token: str,
                unk_token: str) -> tuple[list[str], list[str]]:
    """The input and target texts of ``records`` (no retrieved lines: training data)."""
    inputs = [format_input(r["language"], r["buggy"], r["context"], eos_token=eos_token,
                           unk_token=unk_token) for r in records]
    targets = [format_target(r["fixed"], eos_token=eos_token, unk_token=unk_token)
               for r in records]
    return inputs, targets


def checkpoints(out: Path) -> list[Path]:
    """The complete checkpoints ``out/checkpoint-<step>`` in step order (oldest first)."""
    if not Path(out).is_dir():
        return []
    found = [(int(p.name.split("-", 1)[1]), p) for p in Path(out).iterdir()
             if p.name.startswith("checkpoint-") and p.name.split("-", 1)[1].isdigit()
             and (p / STATE_FILE).is_file()]
    return [path for _, path in sorted(found)]


def latest_checkpoint(out: Path) -> Path | None:
    """The checkpoint with the highest step in ``out``, or None."""
    found = checkpoints(out)
    return found[-1] if found else None


def linear_factor(warmup: int, total: int) -> Callable[[int], float]:
    """The learning-rate multiplier at a step: up linearly over ``warmup``, then down to 0 at
    ``total`` (the schedule of transformers' ``get_linear_schedule_with_warmup``)."""
    def factor(step: int) -> float:
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return factor


def _starting_checkpoint(config: TrainConfig, say: Log) -> Path | None:
    latest = latest_checkpoint(config.out)
    if latest is not None and not config.resume:
        raise UsageError(f"{config.out} already holds checkpoints (latest {latest.name}); pass "
                         "--resume to continue, or choose another --out")
    if config.resume and latest is None:
        if config.model is None and not config.from_scratch:
            raise UsageError(f"--resume: no checkpoint in {config.out}, and no --model to start "
                             "from")
        say(f"train: no checkpoint in {config.out}; starting from the beginning")
    return latest


def _starting_model(config: TrainConfig, checkpoint: Path | None,
                    records: list[dict[str, str]]) -> tuple[Any, Any]:
    if checkpoint is not None:
        return load_pretrained(checkpoint)
    if config.from_scratch:
        inputs, targets = model_texts(records, "</s>", "<unk>")
        tokenizer = train_tokenizer(inputs + targets, config.sizes)
        return new_t5(tokenizer, config.sizes, seed=config.seed), tokenizer
    assert config.model is not None  # TrainConfig checks it
    return load_pretrained(config.model)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Loop:
    """The state of one run: model, optimizer, schedule, data order; :meth:`run` drives it."""

    def __init__(self, config: TrainConfig, model: Any, tokenizer: Any,
                 examples: list[Example], say: Log) -> None:
        import torch

        self.config, self.tokenizer, self.examples, self.say = config, tokenizer, examples, say
        self.device = config.device or choose_device()
        self.model = model.to(self.device)
        self.per_epoch = math.ceil(len(examples) / config.batch_size)
        self.total = config.max_steps or config.epochs * self.per_epoch
        self.save_every = config.save_every or max(1, self.per_epoch // 5)
        self.factor = linear_factor(config.warmup_steps, self.total)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=config.lr)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, self.factor)
        self.step = 0
        self.losses: list[float] = []

    def run(self, checkpoint: Path | None) -> TrainResult:
        import torch

        torch.manual_seed(self.config.seed)
        if checkpoint is not None:
            self._restore(checkpoint)
        self.say(f"train: step {self.step} of {self.total} ({self.per_epoch} per epoch, batch "
                 f"{self.config.batch_size}) on {self.device}")
        if self.config.bf16 and not self.device.startswith("cuda"):
            self.say(f"train: --bf16 ignored on {self.device} (CUDA only)")
        self.model.train()
        last = None
        started, first = time.monotonic(), self.step
        while self.step < self.total:
            self.losses.append(self._train_step(self._batch(self.step)))
            self.step += 1
            if self.step % self.config.log_every == 0 or self.step == self.total:
                self._report(started, first)
            if self.step % self.save_every == 0 or self.step == self.total:
                last = self._save()
        self._save_final()
        recent = self.losses[-self.config.log_every:]
        loss = sum(recent) / len(recent) if recent else None
        return TrainResult(self.config.out, self.step, last or checkpoint, loss)

    def _batch(self, step: int) -> list[Example]:
        epoch, index = divmod(step, self.per_epoch)
        order = list(range(len(self.examples)))
        random.Random(f"{self.config.seed}:{epoch}").shuffle(order)
        size = self.config.batch_size
        return [self.examples[i] for i in order[index * size:(index + 1) * size]]

    def _train_step(self, batch: list[Example]) -> float:
        import torch

        ids, mask, labels = self._tensors(batch)
        bf16 = self.config.bf16 and self.device.startswith("cuda")
        precision = torch.autocast("cuda", dtype=torch.bfloat16) if bf16 else nullcontext()
        with precision:
            loss = self.model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return float(loss.detach())

    def _tensors(self, batch: list[Example]) -> tuple[Any, Any, Any]:
        import torch

        pad = self.tokenizer.pad_token_id
        width = max(len(source) for source, _ in batch)
        height = max(len(target) for _, target in batch)
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        labels = torch.full((len(batch), height), -100, dtype=torch.long)
        for row, (source, target) in enumerate(batch):
            ids[row, :len(source)] = torch.tensor(source)
            labels[row, :len(target)] = torch.tensor(target)
        return ids.to(self.device), (ids != pad).long().to(self.device), labels.to(self.device)

    def _report(self, started: float, first: int) -> None:
        recent = self.losses[-self.config.log_every:]
        rate = (self.step - first) / max(time.monotonic() - started, 1e-9)
        self.say(f"train: step {self.step}/{self.total} loss {sum(recent) / len(recent):.4f} "
                 f"lr {self.scheduler.get_last_lr()[0]:.3g} ({rate:.2f} steps/s)")

    def _state(self) -> dict[str, Any]:
        c = self.config
        return {"step": self.step, "total_steps": self.total, "epoch": self.step / self.per_epoch,
                "loss": self.losses[-1] if self.losses else None, "seed": c.seed,
                "batch_size": c.batch_size, "lr": c.lr, "data": str(c.data), "model": c.model,
                "from_scratch": c.from_scratch}

    def _save(self) -> Path:
        import torch

        final = self.config.out / f"checkpoint-{self.step}"
        scratch = self.config.out / f".checkpoint-{self.step}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        self._save_model(scratch)
        torch.save(self.optimizer.state_dict(), scratch / "optimizer.pt")
        torch.save(self.scheduler.state_dict(), scratch / "scheduler.pt")
        torch.save(_rng_state(), scratch / "rng_state.pt")
        (scratch / STATE_FILE).write_text(json.dumps(self._state(), indent=2) + "\n")
        shutil.rmtree(final, ignore_errors=True)
        scratch.rename(final)
        self._prune()
        return final

    def _save_model(self, directory: Path) -> None:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        directory.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(directory)
        self.tokenizer.save_pretrained(directory)

    def _save_final(self) -> None:
        self._save_model(self.config.out)

    def _prune(self) -> None:
        keep = self.config.keep_checkpoints
        if keep is not None:
            for old in checkpoints(self.config.out)[:-keep]:
                shutil.rmtree(old)

    def _restore(self, checkpoint: Path) -> None:
        import torch

        state = json.loads((checkpoint / STATE_FILE).read_text())
        self.step = int(state["step"])
        self.optimizer.load_state_dict(torch.load(checkpoint / "optimizer.pt",
                                                  map_location=self.device, weights_only=True))
        self.scheduler.load_state_dict(torch.load(checkpoint / "scheduler.pt", weights_only=True))
        self.scheduler.base_lrs = [self.config.lr for _ in self.optimizer.param_groups]
        for group in self.optimizer.param_groups:  # this run's lr and schedule, not the old one's
            group["initial_lr"] = self.config.lr
            group["lr"] = self.config.lr * self.factor(self.step)
        _set_rng_state(torch.load(checkpoint / "rng_state.pt", weights_only=True))
        self.say(f"train: resumed from {checkpoint} at step {self.step}")


def _rng_state() -> dict[str, Any]:
    import torch

    state: dict[str, Any] = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    import torch

    torch.set_rng_state(state["cpu"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
