"""MultiMend's input/target formats and the sentinel helpers: pure functions, no model."""

from __future__ import annotations

import pytest

from apr.models.formats import format_input, format_target, language_label
from apr.models.infill import fill_sentinels, sentinel, sentinel_count, split_spans


def test_input_without_retrieval_is_multimends_training_format() -> None:
    text = format_input("python", "        if low <= v < high:\n            count += 1\n",
                        "def f(values):\n    for v in values:\n        if low <= v < high:")
    assert text == ("Python if low <= v < high: count += 1 : "
                    "def f(values): for v in values: if low <= v < high:")


def test_input_with_retrieved_lines_sits_between_buggy_and_context() -> None:
    text = format_input("java", "return a - b;", "int add(int a, int b) { return a - b; }",
                        ["  int c = a + b;", "", "return c;"])
    assert text == "Java return a - b; : int c = a + b; return c; int add(int a, int b) " \
                   "{ return a - b; }"


def test_eos_in_code_becomes_unk() -> None:
    text = format_input("javascript", "s = '</s>';", "", eos_token="</s>", unk_token="<unk>")
    assert text == "JavaScript s = '<unk>'; :"
    assert format_target("  x = '</s>'\n") == "x = '<unk>'"


def test_target_is_dedented_and_keeps_newlines() -> None:
    assert format_target("        if x:\n            y()\n") == "if x:\n    y()"


def test_language_labels() -> None:
    assert [language_label(n) for n in ("python", "JavaScript", "c", "rust")] == \
        ["Python", "JavaScript", "C", "Rust"]


def test_spans_are_read_in_sentinel_order() -> None:
    assert split_spans("<extra_id_0> a + 1 <extra_id_1>b", 2) == ["a + 1", "b"]
    assert split_spans("junk<extra_id_1>b<extra_id_0>a", 2) == ["a", "b"]
    assert split_spans("<extra_id_0>a", 2) is None
    assert split_spans("a + 1", 1) == ["a + 1"]


def test_fill_sentinels() -> None:
    masked = f"return x {sentinel(0)} {sentinel(1)}"
    assert sentinel_count(masked) == 2
    assert fill_sentinels(masked, ["+", "1"]) == "return x + 1"
    with pytest.raises(ValueError, match="extra_id_1"):
        fill_sentinels(masked, ["+"])
