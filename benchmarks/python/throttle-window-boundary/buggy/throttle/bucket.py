"""Token-bucket rate limiter."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """A bucket holding up to ``capacity`` tokens, refilled at ``rate`` per second.

    Each operation consumes one or more tokens; when the bucket runs dry the
    operation is refused until enough tokens have been refilled.
    """

    def __init__(
        self,
        capacity: float,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity <= 0 or rate <= 0:
            raise ValueError("capacity and rate must be positive")
        self.capacity = float(capacity)
        self.rate = float(rate)
        self._clock = clock
        self._tokens = float(capacity)
        self._last = clock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = now - self._last
        if elapsed > 0:
            self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
            self._last = now

    @property
    def tokens(self) -> float:
        """Tokens currently available."""
        self._refill()
        return self._tokens

    def consume(self, amount: float = 1) -> bool:
        """Take ``amount`` tokens if available; return whether it succeeded."""
        if amount > self.capacity:
            raise ValueError("cannot consume more than the bucket capacity")
        self._refill()
        if self._tokens >= amount:
            self._tokens -= amount
            return True
        return False

    def wait_time(self, amount: float = 1) -> float:
        """Seconds to wait before ``amount`` tokens will be available."""
        self._refill()
        deficit = amount - self._tokens
        if deficit <= 0:
            return 0.0
        return deficit / self.rate
