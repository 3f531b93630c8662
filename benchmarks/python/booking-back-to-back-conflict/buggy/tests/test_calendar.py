from datetime import datetime, timedelta

import pytest

from bookings.calendar import RoomCalendar
from bookings.models import Booking, BookingConflict, BookingError


def at(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2024, 6, day, hour, minute)


@pytest.fixture
def cal() -> RoomCalendar:
    c = RoomCalendar("Ada Lovelace room")
    c.book("standup", at(9), at(9, 30))
    c.book("planning", at(10), at(11))
    return c


def test_booking_rejects_empty_interval():
    with pytest.raises(BookingError):
        Booking("oops", at(10), at(10))


def test_overlapping_booking_is_refused(cal):
    with pytest.raises(BookingConflict) as info:
        cal.book("review", at(10, 30), at(11, 30))
    assert [b.title for b in info.value.existing] == ["planning"]
    assert len(cal) == 2


def test_back_to_back_booking_is_allowed(cal):
    cal.book("retro", at(11), at(12))
    cal.book("coffee", at(9, 30), at(10))
    assert len(cal) == 4


def test_conflicts_ignore_adjacent_bookings(cal):
    assert cal.conflicts(at(9, 30), at(10)) == []
    assert [b.title for b in cal.conflicts(at(9), at(12))] == ["standup", "planning"]


def test_is_free(cal):
    assert not cal.is_free(at(10, 15), at(10, 45))
    assert cal.is_free(at(13), at(14))


def test_room_is_free_right_after_a_meeting(cal):
    assert cal.is_free(at(11), at(11, 30))
    assert cal.is_free(at(8), at(9))


def test_cancel_frees_the_slot(cal):
    cal.cancel("planning")
    assert cal.is_free(at(10, 15), at(10, 45))
    with pytest.raises(KeyError):
        cal.cancel("planning")


def test_bookings_on_day(cal):
    cal.book("offsite", at(9, day=4), at(17, day=4))
    assert [b.title for b in cal.bookings_on(at(0, day=4))] == ["offsite"]
    assert len(cal.bookings_on(at(12))) == 2


def test_free_slots_between_meetings(cal):
    slots = cal.free_slots(at(8), at(12))
    assert slots == [(at(8), at(9)), (at(9, 30), at(10)), (at(11), at(12))]


def test_free_slots_respect_minimum(cal):
    slots = cal.free_slots(at(9), at(12), minimum=timedelta(hours=1))
    assert slots == [(at(11), at(12))]
