"""Inclusive ranges of calendar dates.

A ``DateRange`` covers every day from ``start`` to ``end``, both included.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def month_end(day: date) -> date:
    """Last day of the month containing ``day``."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=last)


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")

    @classmethod
    def parse(cls, text: str) -> DateRange:
        """Parse ``"YYYY-MM-DD..YYYY-MM-DD"``."""
        first, sep, last = text.partition("..")
        if not sep:
            raise ValueError(f"expected 'start..end', got {text!r}")
        return cls(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))

    def __len__(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __iter__(self) -> Iterator[date]:
        return self.days()

    def days(self, step: int = 1) -> Iterator[date]:
        """Iterate over the days of the range, ``step`` days apart."""
        if step < 1:
            raise ValueError("step must be positive")
        current = self.start
        while current <= self.end:
            yield current
            current += timedelta(days=step)

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    def intersection(self, other: DateRange) -> DateRange | None:
        """The days both ranges share, or None when they are disjoint."""
        if not self.overlaps(other):
            return None
        return DateRange(max(self.start, other.start), min(self.end, other.end))

    def shift(self, days: int) -> DateRange:
        delta = timedelta(days=days)
        return DateRange(self.start + delta, self.end + delta)

    def split_by_month(self) -> list[DateRange]:
        """Cut the range at month boundaries, one sub-range per calendar month."""
        chunks: list[DateRange] = []
        cursor = self.start
        while cursor <= self.end:
            last = min(month_end(cursor), self.end)
            chunks.append(DateRange(self.start, last))
            cursor = last + ONE_DAY
        return chunks

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def business_days(rng: DateRange, holidays: Iterable[date] = ()) -> int:
    """Number of weekdays in ``rng`` that are not listed in ``holidays``."""
    skip = set(holidays)
    return sum(1 for day in rng if day.weekday() < 5 and day not in skip)
