"""Merging configuration mappings.

Later layers win. By default nested mappings are merged key by key, so an
override such as ``{"db": {"port": 5433}}`` keeps the other ``db`` settings of
the base; pass ``deep=False`` to replace whole sub-sections instead.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

DELETE = object()
"""Sentinel value: an override mapping a key to DELETE removes that key."""


def merge(base: Mapping[str, Any], override: Mapping[str, Any], *,
          deep: bool = False) -> dict[str, Any]:
    """Return a new dict with ``override`` layered on top of ``base``.

    Neither argument is modified.
    """
    result = copy.deepcopy(dict(base))
    for key, value in override.items():
        if value is DELETE:
            result.pop(key, None)
        elif deep and isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merge(result[key], value, deep=True)
        else:
            result[key] = copy.deepcopy(value)
    return result


def merge_all(layers: Iterable[Mapping[str, Any]], *, deep: bool = False) -> dict[str, Any]:
    """Merge any number of layers, lowest priority first."""
    result: dict[str, Any] = {}
    for layer in layers:
        result = merge(result, layer, deep=deep)
    return result


def diff(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of keys that were added, removed or changed."""
    changed = []
    for key in sorted(set(old) | set(new)):
        path = f"{prefix}{key}"
        if key not in old or key not in new:
            changed.append(path)
        elif isinstance(old[key], Mapping) and isinstance(new[key], Mapping):
            changed.extend(diff(old[key], new[key], prefix=path + "."))
        elif old[key] != new[key]:
            changed.append(path)
    return changed
