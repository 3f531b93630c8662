"""A single room's calendar: booking, cancelling and finding free time."""

from __future__ import annotations

from datetime import datetime, timedelta

from bookings.models import Booking, BookingConflict, BookingError


class RoomCalendar:
    def __init__(self, room: str) -> None:
        self.room = room
        self._bookings: list[Booking] = []

    def __len__(self) -> int:
        return len(self._bookings)

    def is_free(self, start: datetime, end: datetime) -> bool:
        """True if nothing is booked anywhere in [start, end)."""
        if end <= start:
            raise BookingError("end must be after start")
        return not any(b.start <= end and start <= b.end for b in self._bookings)

    def book(self, title: str, start: datetime, end: datetime, owner: str = "") -> Booking:
        """Reserve the room, refusing bookings that clash with existing ones."""
        wanted = Booking(title, start, end, owner)
        clashes = self.conflicts(start, end)
        if clashes:
            raise BookingConflict(wanted, clashes)
        self._bookings.append(wanted)
        self._bookings.sort(key=lambda b: b.start)
        return wanted

    def cancel(self, title: str) -> Booking:
        for booking in self._bookings:
            if booking.title == title:
                self._bookings.remove(booking)
                return booking
        raise KeyError(title)

    def conflicts(self, start: datetime, end: datetime) -> list[Booking]:
        """Existing bookings that share some time with [start, end)."""
        return [b for b in self._bookings if b.start <= end and start <= b.end]

    def bookings_on(self, day: datetime) -> list[Booking]:
        return [b for b in self._bookings if b.on_day(day)]

    def free_slots(self, open_at: datetime, close_at: datetime,
                   minimum: timedelta = timedelta(minutes=30)) -> list[tuple[datetime, datetime]]:
        """Gaps of at least ``minimum`` between bookings inside opening hours."""
        slots = []
        cursor = open_at
        for b in self._bookings:
            if b.end <= open_at or b.start >= close_at:
                continue
            if b.start - cursor >= minimum:
                slots.append((cursor, b.start))
            cursor = max(cursor, b.end)
        if close_at - cursor >= minimum:
            slots.append((cursor, close_at))
        return slots
