from datetime import datetime

import pytest

from timesheet.billing import billable_hours, billable_seconds, invoice_amounts, round_up
from timesheet.entries import Timesheet
from timesheet.report import format_duration, summary


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2024, 3, 11, hour, minute, second)


@pytest.fixture
def sheet() -> Timesheet:
    s = Timesheet("Grace")
    s.add("apollo", at(9), at(10, 30))
    s.add("apollo", at(11), at(11, 45))
    s.add("gemini", at(13), at(13, 15))
    s.add("gemini", at(14), at(14, 30), billable=False, note="internal meeting")
    return s


def test_entry_duration_in_seconds(sheet):
    assert [e.duration for e in sheet.entries] == [5400, 2700, 900, 1800]
    assert sheet.total("apollo") == 8100
    assert sheet.total() == 10800


def test_add_rejects_bad_entries():
    s = Timesheet("Grace")
    with pytest.raises(ValueError):
        s.add("apollo", at(10), at(9))
    with pytest.raises(ValueError):
        s.add("apollo", datetime(2024, 3, 11), datetime(2024, 3, 12, 1))


def test_format_duration():
    assert format_duration(5400) == "1:30"
    assert format_duration(3599) == "0:59"
    assert format_duration(0) == "0:00"


def test_summary_lists_projects_and_total(sheet):
    lines = summary(sheet).splitlines()
    assert lines[0] == "Timesheet of Grace"
    assert lines[1].split() == ["apollo", "2:15"]
    assert lines[2].split() == ["gemini", "0:45"]
    assert lines[3].split() == ["total", "3:00"]


def test_round_up_to_quarter_hour():
    assert round_up(60) == 900
    assert round_up(900) == 900
    assert round_up(901, increment=6) == 1080


def test_round_up_rejects_zero_increment():
    with pytest.raises(ValueError):
        round_up(100, increment=0)


def test_billable_hours_skip_non_billable(sheet):
    assert billable_hours(sheet, "apollo") == 2.25
    assert billable_hours(sheet, "gemini") == 0.25


def test_billable_time_rounds_each_entry_up():
    s = Timesheet("Grace")
    s.add("apollo", at(9), at(9, 1))
    s.add("apollo", at(10), at(10, 20, 30))
    assert billable_seconds(s, "apollo") == 900 + 1800
    assert billable_hours(s, "apollo") == 0.75


def test_invoice_amounts(sheet):
    assert invoice_amounts(sheet, {"apollo": 12000, "gemini": 8000}) == {
        "apollo": 27000,
        "gemini": 2000,
    }
    with pytest.raises(KeyError):
        invoice_amounts(sheet, {"apollo": 12000})
