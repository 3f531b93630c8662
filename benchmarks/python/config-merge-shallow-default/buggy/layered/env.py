"""Configuration overrides taken from environment variables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def _coerce(raw: str) -> Any:
    """Interpret numbers, booleans, null and JSON lists; anything else stays a string."""
    lowered = raw.strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def from_env(environ: Mapping[str, str], prefix: str = "APP", sep: str = "__") -> dict[str, Any]:
    """Build a nested override from variables such as ``APP__DB__PORT=5433``."""
    start = prefix + sep
    result: dict[str, Any] = {}
    for name, raw in sorted(environ.items()):
        if not name.startswith(start):
            continue
        path = [part.lower() for part in name[len(start):].split(sep) if part]
        if not path:
            continue
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"{name}: {part!r} is both a value and a section")
        node[path[-1]] = _coerce(raw)
    return result
