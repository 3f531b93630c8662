"""Plain-text summaries of a timesheet."""

from __future__ import annotations

from timesheet.entries import Timesheet


def format_duration(seconds: int) -> str:
    """Render a duration as ``H:MM``, dropping leftover seconds (5400 -> ``1:30``)."""
    hours, minutes = divmod(seconds, 60)
    return f"{hours}:{minutes:02d}"


def summary(sheet: Timesheet) -> str:
    """One line per project with its tracked time, then the grand total."""
    lines = [f"Timesheet of {sheet.person}"]
    for project in sheet.projects():
        lines.append(f"  {project:<16}{format_duration(sheet.total(project)):>8}")
    lines.append(f"  {'total':<16}{format_duration(sheet.total()):>8}")
    return "\n".join(lines)
