"""T5-style span infilling: ``<extra_id_N>`` sentinels in, spans out.

CodeT5 was pretrained to fill masked spans: the input holds sentinels ``<extra_id_0>``,
``<extra_id_1>``, ... where spans were removed, and the model answers
``<extra_id_0> span0 <extra_id_1> span1 ...``. These helpers build and read that format; they need
no model.
"""

from __future__ import annotations

import re

_SENTINEL = re.compile(r"<extra_id_(\d+)>")


def sentinel(index: int) -> str:
    """The ``index``-th sentinel token, ``<extra_id_{index}>``."""
    return f"<extra_id_{index}>"


def sentinel_count(text: str) -> int:
    """How many distinct sentinels ``text`` holds."""
    return len(set(_SENTINEL.findall(text)))


def split_spans(generated: str, count: int) -> list[str] | None:
    """The ``count`` spans of a model's answer, in sentinel order.

    Text before the first sentinel is ignored; with one mask and no sentinel in the answer, the
    whole answer is the span. Spans are stripped of surrounding whitespace.

    Returns:
        the spans, or None when the answer lacks one of ``<extra_id_0>..<extra_id_{count-1}>``.
    """
    pieces = _SENTINEL.split(generated)
    if len(pieces) == 1:
        return [generated.strip()] if count == 1 else None
    spans: dict[int, str] = {}
    for number, text in zip(pieces[1::2], pieces[2::2], strict=True):
        spans.setdefault(int(number), text.strip())
    if any(i not in spans for i in range(count)):
        return None
    return [spans[i] for i in range(count)]


def fill_sentinels(masked: str, spans: list[str]) -> str:
    """``masked`` with each ``<extra_id_i>`` replaced by ``spans[i]``.

    Raises:
        ValueError: a sentinel's index has no span.
    """
    def replace(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(spans):
            raise ValueError(f"no span for {match.group(0)}")
        return spans[index]

    return _SENTINEL.sub(replace, masked)
