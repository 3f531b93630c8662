"""Models: loading checkpoints, a tiny model for tests, mining bug-fix pairs, training.

Importing this package is light: torch, transformers, tokenizers, GitPython and pygments are
imported inside the functions that use them.

- :func:`load_seq2seq` loads a checkpoint directory or hub id (offline-aware) into a
  :class:`Seq2SeqModel`, whose :meth:`~Seq2SeqModel.generate` (beam search) and
  :meth:`~Seq2SeqModel.fill_masks` (``<extra_id_N>`` infilling) the generators call;
  :func:`choose_device` is the one place that picks the device.
- :func:`format_input` / :func:`format_target` are MultiMend's text formats, shared by training
  and generation.
- :func:`mine` writes bug-fix pairs from git history as JSONL (``apr mine``).
- :func:`train` fine-tunes (or trains from scratch) on such pairs (``apr train``).
- :func:`build_tiny_model` writes a tiny random T5 for tests.
"""

from __future__ import annotations

from apr.models.formats import format_input, format_target, language_label
from apr.models.loading import choose_device, load_pretrained, load_seq2seq
from apr.models.mine import BugFixPair, MineConfig, MineSummary, mine, mine_repository
from apr.models.scratch import T5Sizes
from apr.models.seq2seq import Seq2SeqModel
from apr.models.tiny import build_tiny_model
from apr.models.train import TrainConfig, TrainResult, checkpoints, latest_checkpoint, train

__all__ = [
    "BugFixPair", "MineConfig", "MineSummary", "Seq2SeqModel", "T5Sizes", "TrainConfig",
    "TrainResult", "build_tiny_model", "checkpoints", "choose_device", "format_input",
    "format_target", "language_label", "latest_checkpoint", "load_pretrained", "load_seq2seq",
    "mine", "mine_repository", "train",
]
