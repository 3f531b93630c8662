import pytest

from throttle.bucket import TokenBucket


class FakeClock:
    def __init__(self, now=0.0):
        self.now = now

    def __call__(self):
        return self.now


def test_starts_full():
    bucket = TokenBucket(capacity=5, rate=1, clock=FakeClock())
    assert bucket.tokens == 5


def test_consume_until_empty():
    bucket = TokenBucket(capacity=2, rate=1, clock=FakeClock())
    assert bucket.consume() is True
    assert bucket.consume() is True
    assert bucket.consume() is False


def test_refill_is_capped_at_capacity():
    clock = FakeClock()
    bucket = TokenBucket(capacity=4, rate=2, clock=clock)
    bucket.consume(4)
    clock.now = 1.0
    assert bucket.tokens == 2
    clock.now = 100.0
    assert bucket.tokens == 4


def test_wait_time():
    clock = FakeClock()
    bucket = TokenBucket(capacity=4, rate=2, clock=clock)
    bucket.consume(4)
    assert bucket.wait_time(3) == 1.5
    clock.now = 2.0
    assert bucket.wait_time(3) == 0.0


def test_consume_more_than_capacity_rejected():
    bucket = TokenBucket(capacity=2, rate=1, clock=FakeClock())
    with pytest.raises(ValueError):
        bucket.consume(3)
