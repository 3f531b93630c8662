"""Time entries and the sheet that collects them.

All durations are integer seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MAX_ENTRY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Entry:
    project: str
    start: datetime
    end: datetime
    billable: bool = True
    note: str = ""

    @property
    def duration(self) -> int:
        """Length of the entry in seconds."""
        return int((self.end - self.start).total_seconds())


@dataclass
class Timesheet:
    person: str
    entries: list[Entry] = field(default_factory=list)

    def add(self, project: str, start: datetime, end: datetime, *,
            billable: bool = True, note: str = "") -> Entry:
        entry = Entry(project, start, end, billable, note)
        if entry.duration <= 0:
            raise ValueError("an entry must end after it starts")
        if entry.duration > MAX_ENTRY_SECONDS:
            raise ValueError("an entry cannot be longer than a day")
        self.entries.append(entry)
        return entry

    def projects(self) -> list[str]:
        return sorted({e.project for e in self.entries})

    def entries_for(self, project: str) -> list[Entry]:
        return [e for e in self.entries if e.project == project]

    def total(self, project: str | None = None) -> int:
        """Seconds tracked, for one project or for all of them."""
        chosen = self.entries if project is None else self.entries_for(project)
        return sum(e.duration for e in chosen)
