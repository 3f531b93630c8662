"""Run tasks at or after a given time, highest priority first.

Tasks are identified by a string id. Entries live in a binary heap ordered by
(run_at, -priority, insertion order); cancelled or rescheduled entries are
marked inactive and skipped lazily when they reach the top of the heap.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any

_RUN_AT, _PRIORITY, _SEQ, _TASK, _ACTIVE = range(5)


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[list[Any]] = []
        self._entries: dict[str, list[Any]] = {}
        self._counter = itertools.count()

    def __len__(self) -> int:
        """Number of pending (not cancelled, not yet run) tasks."""
        return len(self._entries)

    def __contains__(self, task_id: str) -> bool:
        return task_id in self._entries

    def schedule(self, task_id: str, run_at: float = 0.0, priority: int = 0) -> None:
        """Add ``task_id``, replacing any pending entry with the same id."""
        if task_id in self._entries:
            self.cancel(task_id)
        entry = [run_at, -priority, next(self._counter), task_id, True]
        self._entries[task_id] = entry
        heapq.heappush(self._heap, entry)

    def cancel(self, task_id: str) -> bool:
        """Cancel a pending task; return whether there was one to cancel."""
        entry = self._entries.pop(task_id, None)
        if entry is None:
            return False
        entry[_ACTIVE] = False
        return True

    def _discard_inactive(self) -> None:
        while self._heap and not self._heap[0][_ACTIVE]:
            heapq.heappop(self._heap)

    def next_run_time(self) -> float | None:
        """When the earliest pending task is due, or None if nothing is pending."""
        self._discard_inactive()
        return self._heap[0][_RUN_AT] if self._heap else None

    def pop_due(self, now: float) -> list[str]:
        """Remove and return the ids of all tasks due at ``now``, in run order."""
        due = []
        self._discard_inactive()
        while self._heap and self._heap[0][_RUN_AT] <= now:
            entry = heapq.heappop(self._heap)
            del self._entries[entry[_TASK]]
            due.append(entry[_TASK])
            self._discard_inactive()
        return due

    def run_pending(self, now: float, handler: Callable[[str], Any]) -> int:
        """Call ``handler`` for every task due at ``now``; return how many ran."""
        due = self.pop_due(now)
        for task_id in due:
            handler(task_id)
        return len(self)

    def postpone(self, task_id: str, delay: float) -> float:
        """Push a pending task back by ``delay`` seconds; return its new run time."""
        entry = self._entries[task_id]
        new_time = entry[_RUN_AT] + delay
        self.schedule(task_id, run_at=new_time, priority=-entry[_PRIORITY])
        return new_time
