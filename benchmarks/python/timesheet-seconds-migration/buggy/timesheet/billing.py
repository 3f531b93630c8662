"""Billing rules: entries are billed in whole increments, rounded up."""

from __future__ import annotations

from collections.abc import Mapping

from timesheet.entries import Timesheet


def round_up(seconds: int, increment: int = 15) -> int:
    """Round a duration up to the next multiple of ``increment`` minutes."""
    if increment <= 0:
        raise ValueError("increment must be positive")
    step = increment
    return -(-seconds // step) * step


def billable_seconds(sheet: Timesheet, project: str, increment: int = 15) -> int:
    """Billable time of a project; each entry is rounded up on its own."""
    return sum(round_up(e.duration, increment)
               for e in sheet.entries_for(project) if e.billable)


def billable_hours(sheet: Timesheet, project: str, increment: int = 15) -> float:
    """Billable time of a project in (fractional) hours."""
    return billable_seconds(sheet, project, increment) / 60


def invoice_amounts(sheet: Timesheet, rates: Mapping[str, int],
                    increment: int = 15) -> dict[str, int]:
    """Amount owed per project in cents, given hourly rates in cents."""
    amounts = {}
    for project in sheet.projects():
        if project not in rates:
            raise KeyError(f"no hourly rate for project {project!r}")
        hours = billable_hours(sheet, project, increment)
        if hours:
            amounts[project] = round(hours * rates[project])
    return amounts
