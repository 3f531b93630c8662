"""Plain-text rendering of histograms."""

from __future__ import annotations

from collections.abc import Sequence


def render(counts: Sequence[float], edges: Sequence[float], width: int = 20, char: str = "#") -> str:
    """One line per bin: the bin's range, a bar scaled to ``width``, and the count."""
    if len(edges) != len(counts) + 1:
        raise ValueError("need exactly one more edge than counts")
    peak = max(counts, default=0) or 1
    lines = []
    for i, count in enumerate(counts):
        bar = char * round(count / peak * width)
        lines.append(f"[{edges[i]:g}, {edges[i + 1]:g}) {bar} {count:g}".rstrip())
    return "\n".join(lines)
