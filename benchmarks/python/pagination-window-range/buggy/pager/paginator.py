"""A Django-style paginator for plain Python sequences."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


class InvalidPage(ValueError):
    """Raised when a page number is not an integer or is out of range."""


class Page:
    """One page of results."""

    def __init__(self, items: Sequence[Any], number: int, paginator: Paginator) -> None:
        self.items = list(items)
        self.number = number
        self.paginator = paginator

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"<Page {self.number} of {self.paginator.num_pages}>"

    @property
    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        """1-based index of the first item on this page (0 for an empty result)."""
        if self.paginator.count == 0:
            return 0
        return (self.number - 1) * self.paginator.per_page + 1

    @property
    def end_index(self) -> int:
        """1-based index of the last item on this page."""
        return self.start_index + len(self.items) - 1 if self.items else 0


class Paginator:
    """Split ``items`` into pages of ``per_page`` items.

    ``orphans`` lets the last page absorb a small remainder: if the final page
    would hold ``orphans`` items or fewer, they are appended to the page before.
    """

    def __init__(self, items: Sequence[Any], per_page: int, orphans: int = 0) -> None:
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self.items = items
        self.per_page = per_page
        self.orphans = orphans

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def num_pages(self) -> int:
        hits = max(1, self.count - self.orphans)
        return max(1, math.ceil(hits / self.per_page))

    def validate_number(self, number: Any) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise InvalidPage(f"page number {number!r} is not an integer") from None
        if number < 1 or number > self.num_pages:
            raise InvalidPage(f"page {number} is out of range 1..{self.num_pages}")
        return number

    def page(self, number: Any) -> Page:
        """Return the page with the given 1-based number."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(self.items[bottom:top], number, self)
