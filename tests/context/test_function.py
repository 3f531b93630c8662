from __future__ import annotations

from apr.context.function import (
    buggy_text,
    context_span,
    function_span,
    function_text,
    source_lines,
)
from apr.lang import get_language
from tests.context.samples import STATS, hunk

PY = get_language("python")


def test_source_lines_split_like_tree_sitter_rows() -> None:
    assert source_lines(b"a\r\nb\n\nc") == ["a", "b", "", "c"]
    assert source_lines(b"a\n") == ["a"]
    assert source_lines(b"") == []


def test_buggy_text_is_the_hunk_lines_as_written() -> None:
    assert buggy_text(hunk(20), STATS) == "        if low <= v < high:"
    assert buggy_text(hunk(20, 21), STATS) == (
        "        if low <= v < high:\n            count += 1")


def test_enclosing_function_text() -> None:
    assert function_span(hunk(20), STATS, PY) == (17, 22)
    assert function_text(hunk(20, 21), STATS, PY) == "\n".join([
        "def count_in_range(values, low, high):",
        "    count = 0",
        "    for v in values:",
        "        if low <= v < high:",
        "            count += 1",
        "    return count",
    ])


def test_outside_a_function_three_lines_either_side() -> None:
    assert function_span(hunk(5), STATS, PY) is None
    assert context_span(hunk(5), STATS, PY) == (2, 8)
    assert function_text(hunk(5), STATS, PY).splitlines()[1] == "import math"


def test_window_is_clamped_to_the_file() -> None:
    assert context_span(hunk(1), STATS, PY) == (1, 4)
    assert context_span(hunk(26), STATS, None) == (23, 26)


def test_without_a_language_the_window_is_used() -> None:
    assert function_span(hunk(20), STATS, None) is None
    assert context_span(hunk(20), STATS, None) == (17, 23)


def test_hunk_running_past_its_function_uses_the_window() -> None:
    assert function_span(hunk(21, 25), STATS, PY) is None
    assert context_span(hunk(21, 25), STATS, PY) == (18, 26)
