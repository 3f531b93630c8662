"""Equal-width histogram binning."""

from __future__ import annotations

from collections.abc import Sequence


def bin_edges(lo: float, hi: float, bins: int) -> list[float]:
    """``bins + 1`` equally spaced edges from ``lo`` to ``hi``."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    if hi <= lo:
        raise ValueError("hi must be greater than lo")
    width = (hi - lo) / bins
    return [lo + i * width for i in range(bins)] + [hi]


def bin_index(x: float, lo: float, hi: float, bins: int) -> int | None:
    """Index of the bin holding ``x``; the last bin includes ``hi``.

    Returns None for values outside ``[lo, hi]``.
    """
    if x < lo or x > hi:
        return None
    if x == hi:
        return bins - 1
    return int((x - lo) / (hi - lo) * bins)


def normalize(counts: Sequence[int]) -> list[float]:
    """Turn counts into fractions of the total."""
    total = sum(counts)
    return [c / total for c in counts]


def histogram(
    values: Sequence[float],
    bins: int = 10,
    value_range: tuple[float, float] | None = None,
    density: bool = False,
) -> tuple[list[float], list[float]]:
    """Count ``values`` into ``bins`` equal-width bins.

    Without ``value_range`` the bins span the data; a constant data set gets a
    unit-wide range around its value. Values outside ``value_range`` are
    ignored. With ``density=True`` the counts are returned as fractions.
    """
    if value_range is None:
        if values:
            lo, hi = min(values), max(values)
        else:
            lo, hi = 0.0, 1.0
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
    else:
        lo, hi = value_range
    edges = bin_edges(lo, hi, bins)
    counts = [0] * bins
    for x in values:
        index = bin_index(x, lo, hi, bins)
        if index is not None:
            counts[index] += 1
    if density:
        return normalize(counts), edges
    return [float(c) for c in counts], edges


def cumulative(counts: Sequence[float]) -> list[float]:
    """Running totals of ``counts``."""
    out: list[float] = []
    running = 0.0
    for c in counts:
        running += c
        out.append(running)
    return out
