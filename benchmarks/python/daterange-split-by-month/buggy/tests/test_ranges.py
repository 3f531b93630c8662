from datetime import date

import pytest

from daterange.ranges import DateRange, business_days, month_end


def test_length_is_inclusive():
    assert len(DateRange(date(2024, 3, 1), date(2024, 3, 31))) == 31


def test_rejects_reversed_range():
    with pytest.raises(ValueError):
        DateRange(date(2024, 3, 2), date(2024, 3, 1))


def test_parse_and_str():
    rng = DateRange.parse("2024-01-30 .. 2024-02-02")
    assert str(rng) == "2024-01-30..2024-02-02"
    assert date(2024, 2, 1) in rng


def test_days_with_step():
    rng = DateRange(date(2024, 1, 1), date(2024, 1, 10))
    assert [d.day for d in rng.days(step=3)] == [1, 4, 7, 10]


def test_intersection():
    a = DateRange(date(2024, 1, 1), date(2024, 1, 20))
    b = DateRange(date(2024, 1, 15), date(2024, 2, 5))
    assert a.intersection(b) == DateRange(date(2024, 1, 15), date(2024, 1, 20))
    assert a.intersection(DateRange(date(2024, 3, 1), date(2024, 3, 2))) is None


def test_month_end_leap_year():
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)


def test_split_within_one_month():
    rng = DateRange(date(2024, 5, 3), date(2024, 5, 9))
    assert rng.split_by_month() == [rng]


def test_split_across_months():
    rng = DateRange(date(2024, 1, 20), date(2024, 3, 10))
    assert [str(r) for r in rng.split_by_month()] == [
        "2024-01-20..2024-01-31",
        "2024-02-01..2024-02-29",
        "2024-03-01..2024-03-10",
    ]


def test_split_chunks_cover_every_day_once():
    rng = DateRange(date(2023, 11, 15), date(2024, 2, 14))
    assert sum(len(chunk) for chunk in rng.split_by_month()) == len(rng)


def test_business_days_skips_weekends_and_holidays():
    rng = DateRange(date(2024, 12, 23), date(2024, 12, 29))
    assert business_days(rng) == 5
    assert business_days(rng, holidays=[date(2024, 12, 25)]) == 4
