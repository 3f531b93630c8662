"""Loading checkpoints: local directories, hub ids offline, the device, lazy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from apr.errors import ExitCode, ModelUnavailable
from apr.models import choose_device, load_seq2seq


def test_loads_the_tiny_model_from_a_directory(tiny_model_dir: Path) -> None:
    model = load_seq2seq(tiny_model_dir, device="cpu")
    assert model.device == "cpu" and model.name == str(tiny_model_dir)
    assert model.tokenizer.eos_token == "</s>" and model.tokenizer.pad_token_id == 0
    assert not model.model.training


def test_an_uncached_hub_id_offline_says_how_to_provide_it() -> None:
    with pytest.raises(ModelUnavailable) as caught:
        load_seq2seq("apr-tests/no-such-model")
    message = str(caught.value)
    assert "'apr-tests/no-such-model'" in message and "HF_HUB_OFFLINE=1" in message
    assert "hf download apr-tests/no-such-model --local-dir DIR" in message
    assert "--model DIR" in message and "cache" in message
    assert caught.value.exit_code == ExitCode.USAGE


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="no such directory"):
        load_seq2seq(tmp_path / "absent")


def test_a_directory_without_a_checkpoint_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="no config.json"):
        load_seq2seq(tmp_path)
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelUnavailable, match="not a seq2seq checkpoint"):
        load_seq2seq(tmp_path)


def test_device_override(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_device() in {"cpu", "cuda"}
    monkeypatch.setenv("APR_DEVICE", "cpu")
    assert choose_device() == "cpu"


def test_importing_apr_models_loads_no_heavy_module() -> None:
    code = ("import sys, apr.models; heavy = [m for m in ('torch', 'transformers', 'tokenizers', "
            "'git', 'pygments') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
