"""Sources and hunks shared by the context tests."""

from __future__ import annotations

from apr.model import Hunk

STATS = b'''"""Summary statistics."""

import math

LIMIT = 10  # the largest count


def clamp(value, low, high):
    # keep value inside the interval
    if value < low:
        return low
    if value > high:
        return high
    return value


def count_in_range(values, low, high):
    count = 0
    for v in values:
        if low <= v < high:
            count += 1
    return count


def in_range(value, low, high):
    return low <= value <= high
'''
"""Line 20 (``if low <= v < high:``) is the bug; ``count_in_range`` spans lines 17-22."""


def hunk(first: int, last: int | None = None, source: bytes = STATS,
         file: str = "stats/summary.py") -> Hunk:
    """A hunk over whole lines ``first..last`` of ``source``."""
    last = first if last is None else last
    lines = source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: first - 1])
    end = sum(len(line) for line in lines[:last])
    return Hunk(file, first, last, start, end, score=1.0)
