"""An in-memory LRU cache and a memoizing decorator built on it."""

from memo.lru import LRUCache, lru_memoize

__all__ = ["LRUCache", "lru_memoize"]
