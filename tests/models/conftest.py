"""Fixtures for the model tests: a tiny T5 checkpoint built once per session, and pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PAIRS = [
    {"language": "python", "buggy": "        if low <= v < high:",
     "fixed": "        if low <= v <= high:",
     "context": "def count_in_range(values, low, high):\n    count = 0\n    for v in values:\n"
                "        if low <= v < high:\n            count += 1\n    return count"},
    {"language": "python", "buggy": "    for i in range(n - 1):", "fixed": "    for i in range(n):",
     "context": "def total(xs, n):\n    s = 0\n    for i in range(n - 1):\n        s += xs[i]\n"
                "    return s"},
    {"language": "java", "buggy": "    return a - b;", "fixed": "    return a + b;",
     "context": "int add(int a, int b) {\n    return a - b;\n}"},
    {"language": "javascript", "buggy": "  if (xs.length == 0) {",
     "fixed": "  if (xs.length === 0) {",
     "context": "function last(xs) {\n  if (xs.length == 0) {\n    return null;\n  }\n}"},
    {"language": "c", "buggy": "  return a < b ? a : b;", "fixed": "  return a > b ? a : b;",
     "context": "int max(int a, int b) {\n  return a < b ? a : b;\n}"},
    {"language": "python", "buggy": "    return value", "fixed": "",
     "context": "def f(value):\n    return value"},
]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random T5 checkpoint directory (built once; treat it as read-only)."""
    from apr.models.tiny import build_tiny_model

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        return build_tiny_model(tmp_path_factory.mktemp("tiny-t5"))


@pytest.fixture
def pairs_file(tmp_path: Path) -> Path:
    """A JSONL file of six pairs (the last has an empty fix, which training skips)."""
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PAIRS), encoding="utf-8")
    return path
