import pytest

from throttle.window import SlidingWindowLimiter


class FakeClock:
    def __init__(self, now=0.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def test_allows_up_to_limit():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=3, window=10, clock=clock)
    assert [limiter.allow() for _ in range(3)] == [True, True, True]


def test_denies_over_limit():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=2, window=10, clock=clock)
    limiter.allow()
    limiter.allow()
    assert limiter.allow() is False
    assert limiter.remaining() == 0


def test_keys_are_independent():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=1, window=10, clock=clock)
    assert limiter.allow("alice") is True
    assert limiter.allow("bob") is True
    assert limiter.allow("alice") is False


def test_old_events_expire():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=1, window=10, clock=clock)
    limiter.allow()
    clock.advance(15)
    assert limiter.allow() is True


def test_event_expires_exactly_at_window_end():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=2, window=10, clock=clock)
    limiter.allow()
    clock.advance(4)
    limiter.allow()
    clock.advance(6)
    assert limiter.allow() is True
    assert limiter.allow() is False


def test_remaining_recovers_at_window_end():
    clock = FakeClock(100.0)
    limiter = SlidingWindowLimiter(limit=3, window=60, clock=clock)
    for _ in range(3):
        limiter.allow("api")
    assert limiter.remaining("api") == 0
    clock.advance(60)
    assert limiter.remaining("api") == 3


def test_retry_after():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=2, window=10, clock=clock)
    limiter.allow()
    clock.advance(3)
    limiter.allow()
    clock.advance(2)
    assert limiter.retry_after() == 5.0
    assert limiter.retry_after("other") == 0.0


def test_reset_single_key():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(limit=1, window=10, clock=clock)
    limiter.allow("a")
    limiter.allow("b")
    limiter.reset("a")
    assert limiter.allow("a") is True
    assert limiter.allow("b") is False


def test_invalid_arguments():
    with pytest.raises(ValueError):
        SlidingWindowLimiter(limit=0, window=10)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(limit=1, window=0)
