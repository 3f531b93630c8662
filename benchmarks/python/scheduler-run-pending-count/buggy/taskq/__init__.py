"""A priority scheduler for delayed tasks."""

from taskq.scheduler import Scheduler

__all__ = ["Scheduler"]
