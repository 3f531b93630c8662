import random

import pytest

from backoff.policy import RetryPolicy, call_with_retry


class Flaky:
    """Raises the given exceptions in turn, then returns "ok"."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_exponential_delays():
    policy = RetryPolicy(max_attempts=5, base_delay=1.0, multiplier=2.0)
    assert list(policy.delays()) == [1.0, 2.0, 4.0, 8.0]


def test_delay_is_capped():
    policy = RetryPolicy(base_delay=1.0, multiplier=10.0, max_delay=5.0)
    assert policy.delay(4) == 5.0


def test_jitter_only_shortens_delay():
    policy = RetryPolicy(base_delay=2.0, jitter=0.5, rng=random.Random(7))
    delays = [policy.delay(1) for _ in range(20)]
    assert all(1.0 <= d <= 2.0 for d in delays)


def test_retryable_status_codes():
    policy = RetryPolicy()
    assert policy.should_retry(1, status=503)
    assert not policy.should_retry(1, status=404)


def test_retries_connection_errors():
    assert RetryPolicy().should_retry(1, exc=ConnectionError("reset"))


def test_does_not_retry_programming_errors():
    assert not RetryPolicy().should_retry(1, exc=KeyError("id"))


def test_gives_up_after_max_attempts():
    policy = RetryPolicy(max_attempts=3)
    assert not policy.should_retry(3, exc=TimeoutError())
    assert not policy.should_retry(3, status=503)


def test_call_with_retry_recovers():
    slept = []
    func = Flaky(ConnectionError(), TimeoutError())
    result = call_with_retry(func, RetryPolicy(max_attempts=3, base_delay=0.1), sleep=slept.append)
    assert result == "ok"
    assert func.calls == 3
    assert slept == [0.1, 0.2]


def test_call_with_retry_reraises_non_retryable_immediately():
    func = Flaky(ValueError("bad input"))
    with pytest.raises(ValueError):
        call_with_retry(func, RetryPolicy(max_attempts=5), sleep=lambda s: None)
    assert func.calls == 1


def test_invalid_policy():
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(jitter=1.5)
