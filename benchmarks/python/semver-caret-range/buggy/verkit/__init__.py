"""Semantic version parsing, ordering and range matching."""

from verkit.ranges import max_satisfying, satisfies
from verkit.version import Version

__all__ = ["Version", "max_satisfying", "satisfies"]
