"""Value objects for the booking calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


class BookingError(Exception):
    """Base class for booking failures."""


class BookingConflict(BookingError):
    def __init__(self, wanted: "Booking", existing: list["Booking"]) -> None:
        names = ", ".join(b.title for b in existing)
        super().__init__(f"{wanted.title!r} clashes with {names}")
        self.wanted = wanted
        self.existing = existing


@dataclass(frozen=True)
class Booking:
    """A reservation of the room from ``start`` up to (not including) ``end``."""

    title: str
    start: datetime
    end: datetime
    owner: str = ""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise BookingError(f"{self.title!r}: end must be after start")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def on_day(self, day: datetime) -> bool:
        """True if any part of the booking falls on the calendar day of ``day``."""
        midnight = day.replace(hour=0, minute=0, second=0, microsecond=0)
        return self.start < midnight + timedelta(days=1) and midnight < self.end
