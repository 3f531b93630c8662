"""Retry policies with exponential backoff."""

from backoff.policy import RetryPolicy, call_with_retry

__all__ = ["RetryPolicy", "call_with_retry"]
