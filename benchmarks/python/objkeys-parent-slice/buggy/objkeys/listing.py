"""Emulate a delimiter listing ("directories" and "files") over a flat key set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from objkeys.keys import SEP, is_under, normalize, parent, split


@dataclass
class Listing:
    prefix: str
    folders: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.folders) + len(self.files)


def list_prefix(keys: Iterable[str], prefix: str = "") -> Listing:
    """The immediate children of ``prefix``: sub-prefixes and keys directly inside it."""
    prefix = normalize(prefix)
    depth = len(split(prefix))
    folders: set[str] = set()
    files: list[str] = []
    for key in map(normalize, keys):
        if not is_under(key, prefix):
            continue
        if parent(key) == prefix:
            files.append(key)
        else:
            folders.add(SEP.join(split(key)[: depth + 1]))
    return Listing(prefix, sorted(folders), sorted(files))


def total_size(sizes: dict[str, int], prefix: str = "") -> int:
    """Sum of the sizes of every key under ``prefix``, recursively."""
    return sum(size for key, size in sizes.items() if is_under(key, prefix))
