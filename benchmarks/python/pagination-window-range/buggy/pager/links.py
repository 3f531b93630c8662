"""Page-number navigation for result listings."""

from __future__ import annotations


def page_window(current: int, num_pages: int, size: int = 5) -> list[int]:
    """Up to ``size`` consecutive page numbers centred on ``current``.

    The window is shifted so it never extends past page 1 or ``num_pages``.
    """
    if num_pages < 1:
        return []
    if not 1 <= current <= num_pages:
        raise ValueError(f"current page {current} is out of range 1..{num_pages}")
    half = size // 2
    start = max(1, current - half)
    end = min(num_pages, start + size - 1)
    start = max(1, end - size + 1)
    return list(range(start, end))


def page_labels(current: int, num_pages: int, size: int = 5) -> list[str]:
    """Navigation labels: first/last pages are always shown, gaps become "..."."""
    window = page_window(current, num_pages, size)
    if not window:
        return []
    labels = [str(n) for n in window]
    if window[0] > 1:
        labels = ["1"] + (["..."] if window[0] > 2 else []) + labels
    if window[-1] < num_pages:
        labels = labels + (["..."] if window[-1] < num_pages - 1 else []) + [str(num_pages)]
    return labels
