"""Sliding-window rate limiter.

The limiter keeps the timestamps of recent events per key and allows a new
event only while fewer than ``limit`` events happened in the last ``window``
seconds. The clock is injectable so callers (and tests) can control time.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """Allow at most ``limit`` events per ``window`` seconds for each key."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit <= 0:
            raise ValueError("limit must be positive")
        if window <= 0:
            raise ValueError("window must be positive")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> tuple[deque[float], float]:
        """Return the live event deque for ``key`` and the current time.

        Timestamps that have fallen out of the window are discarded first.
        """
        now = self._clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] > self.window:
            events.popleft()
        return events, now

    def allow(self, key: str = "default") -> bool:
        """Record an event for ``key`` if it is within the limit.

        Returns True when the event is allowed (and recorded), False when the
        caller should be throttled.
        """
        events, now = self._recent(key)
        if len(events) < self.limit:
            events.append(now)
            return True
        return False

    def remaining(self, key: str = "default") -> int:
        """Number of events ``key`` may still perform right now."""
        events, _ = self._recent(key)
        return self.limit - len(events)

    def retry_after(self, key: str = "default") -> float:
        """Seconds until ``key`` may perform another event (0.0 if it may now)."""
        events, now = self._recent(key)
        if len(events) < self.limit:
            return 0.0
        return events[0] + self.window - now

    def reset(self, key: str | None = None) -> None:
        """Forget recorded events for ``key``, or for every key when None."""
        if key is None:
            self._events.clear()
        else:
            self._events.pop(key, None)
