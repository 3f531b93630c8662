"""Rate limiting primitives: a sliding-window limiter and a token bucket."""

from throttle.bucket import TokenBucket
from throttle.window import SlidingWindowLimiter

__all__ = ["SlidingWindowLimiter", "TokenBucket"]
