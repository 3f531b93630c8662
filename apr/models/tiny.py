"""A tiny T5 and tokenizer for tests: random weights, built in well under a second.

It loads like any checkpoint (:func:`apr.models.load_seq2seq`), so every code path that takes a
model can be tested offline, on a CPU, without downloading anything. Its outputs are noise.
"""

from __future__ import annotations

from pathlib import Path

from apr.models.scratch import T5Sizes, new_t5, train_tokenizer

TINY_SIZES = T5Sizes(d_model=32, layers=1, heads=4, d_ff=64, vocab_size=400, sentinels=10,
                     dropout=0.0)

SAMPLE_CODE = (
    "def count_in_range(values, low, high):\n    count = 0\n    for v in values:\n"
    "        if low <= v <= high:\n            count += 1\n    return count\n",
    "public int sum(int[] a) { int s = 0; for (int i = 0; i < a.length; i++) { s += a[i]; }"
    " return s; }\n",
    "function last(xs) { if (xs.length === 0) { return null; } return xs[xs.length - 1]; }\n",
    "int max(int a, int b) { return a > b ? a : b; }\n",
    "Python return x + 1 : def f(x): return x + 1\n",
    "if value is None:\n    raise ValueError('missing value')\nreturn value\n",
)


def build_tiny_model(out_dir: str | Path, *, sizes: T5Sizes = TINY_SIZES, seed: int = 0) -> Path:
    """Write a tiny T5 checkpoint (config, weights, tokenizer files) into ``out_dir``.

    Deterministic for a given ``sizes`` and ``seed``. Returns ``out_dir``.
    """
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(list(SAMPLE_CODE) * 4, sizes)
    model = new_t5(tokenizer, sizes, seed=seed)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
