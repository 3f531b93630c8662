"""Decide whether and when to retry a failed operation.

A ``RetryPolicy`` answers two questions: should attempt number ``n`` be
retried, given the exception or HTTP status it ended with, and how long to
wait before the next attempt (exponential backoff with optional jitter).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class RetryPolicy:
    def __init__(
        self,
        max_attempts: int = 3,
        base_delay: float = 0.5,
        multiplier: float = 2.0,
        max_delay: float = 30.0,
        jitter: float = 0.0,
        retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError),
        retry_statuses: frozenset[int] = RETRYABLE_STATUSES,
        rng: random.Random | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0.0 <= jitter <= 1.0:
            raise ValueError("jitter must be between 0 and 1")
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.multiplier = multiplier
        self.max_delay = max_delay
        self.jitter = jitter
        self.retry_on = retry_on
        self.retry_statuses = retry_statuses
        self._rng = rng or random.Random()

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = self.base_delay * self.multiplier ** (attempt - 1)
        capped = min(raw, self.max_delay)
        if self.jitter:
            capped *= 1 - self.jitter * self._rng.random()
        return capped

    def delays(self) -> Iterator[float]:
        """The waits between all attempts allowed by this policy."""
        for attempt in range(1, self.max_attempts):
            yield self.delay(attempt)

    def should_retry(
        self,
        attempt: int,
        exc: BaseException | None = None,
        status: int | None = None,
    ) -> bool:
        """Whether the operation that failed on attempt ``attempt`` may run again."""
        if attempt >= self.max_attempts:
            return False
        if exc is not None and isinstance(exc, self.retry_on):
            return False
        if status is not None and status not in self.retry_statuses:
            return False
        return exc is not None or status is not None


def call_with_retry(
    func: Callable[[], T],
    policy: RetryPolicy,
    sleep: Callable[[float], Any] = time.sleep,
) -> T:
    """Call ``func`` until it succeeds or ``policy`` says to give up.

    The last exception is re-raised when the policy gives up.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return func()
        except Exception as exc:
            if not policy.should_retry(attempt, exc=exc):
                raise
            sleep(policy.delay(attempt))
