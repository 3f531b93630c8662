"""Loading seq2seq checkpoints (a local directory or a Hugging Face hub id), offline-aware.

torch and transformers are imported inside the functions here, never at module level, so that
``import apr`` stays light. :func:`choose_device` is the one place that picks the device.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from apr.errors import ModelUnavailable
from apr.models.seq2seq import Seq2SeqModel

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_TRUE = {"1", "true", "yes", "on"}


def choose_device() -> str:
    """The torch device models run on: ``$APR_DEVICE`` if set, else ``cuda`` when available, else
    ``cpu``. The value is passed to torch as is (``cuda:1``, ``mps``)."""
    override = os.environ.get("APR_DEVICE", "").strip()
    if override:
        return override
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def hub_offline() -> bool:
    """Whether the environment forbids the hub (``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE``).

    Read at call time: huggingface_hub reads these once, when first imported.
    """
    return any(os.environ.get(var, "").strip().lower() in _TRUE
               for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def load_pretrained(name_or_path: str | os.PathLike[str]) -> tuple[Any, Any]:
    """A seq2seq model (on the CPU, in eval mode) and its tokenizer.

    Args:
        name_or_path: a directory holding a checkpoint (``config.json``, weights, tokenizer
            files), or a hub id (``Salesforce/codet5-small``) that is in the local cache or, when
            the hub is allowed and reachable, can be downloaded.

    Raises:
        ModelUnavailable: nothing loadable under that name; the message says how to provide it.
    """
    name = os.fspath(name_or_path)
    directory = Path(name).expanduser()
    if directory.is_dir():
        return _load_directory(directory)
    if not _HUB_ID.match(name) or name.startswith((".", "~")):
        raise ModelUnavailable(f"cannot load model {name!r}: no such directory")
    return _load_hub(name)


def _load_directory(directory: Path) -> tuple[Any, Any]:
    if not (directory / "config.json").is_file():
        raise ModelUnavailable(f"cannot load model from {directory}: it is a directory but not a "
                               "checkpoint (no config.json)")
    try:
        return _from_pretrained(str(directory), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"cannot load model from {directory}: not a seq2seq checkpoint "
                               f"with its tokenizer ({_first_line(exc)})", detail=str(exc)) from exc


def _load_hub(name: str) -> tuple[Any, Any]:
    offline = hub_offline()
    try:
        return _from_pretrained(name, local_files_only=offline)
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(_hub_message(name, offline), detail=str(exc)) from exc


def _hub_message(name: str, offline: bool) -> str:
    why = ("the hub is disabled (HF_HUB_OFFLINE=1)" if offline
           else "the hub could not be reached or has no such model")
    return (f"cannot load model {name!r}: it is not a local directory, not in the Hugging Face "
            f"cache, and {why}. On a machine with network access run `hf download {name} "
            f"--local-dir DIR` (older huggingface_hub: `huggingface-cli download {name} "
            f"--local-dir DIR`), copy DIR here and pass `--model DIR`; or pre-populate the "
            f"Hugging Face cache (HF_HOME) with {name}")


def _from_pretrained(name: str, *, local_files_only: bool) -> tuple[Any, Any]:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(name, local_files_only=local_files_only)
    model = AutoModelForSeq2SeqLM.from_pretrained(name, local_files_only=local_files_only)
    model.eval()
    return model, tokenizer


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def load_seq2seq(name_or_path: str | os.PathLike[str], *,
                 device: str | None = None) -> Seq2SeqModel:
    """A :class:`~apr.models.seq2seq.Seq2SeqModel` ready to generate on ``device``.

    Args:
        name_or_path: as for :func:`load_pretrained`.
        device: a torch device; default :func:`choose_device`.

    Raises:
        ModelUnavailable: as for :func:`load_pretrained`.
    """
    model, tokenizer = load_pretrained(name_or_path)
    where = device or choose_device()
    return Seq2SeqModel(model.to(where), tokenizer, where, os.fspath(name_or_path))
