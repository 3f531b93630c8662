"""Parsers turning the raw text of an environment variable into a value.

Every parser raises ValueError when the text is not acceptable.
"""

from __future__ import annotations

import re

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_DURATION_RE = re.compile(r"(\d+)\s*(ms|s|m|h|d)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def parse_list(raw: str) -> list[str]:
    """Comma-separated items; blanks are dropped."""
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_duration(raw: str) -> float:
    """Seconds in a duration such as "90s", "5m" or "1h 30m"; a bare number is seconds."""
    text = raw.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    pos, total = 0, 0.0
    for match in _DURATION_RE.finditer(text):
        if text[pos:match.start()].strip():
            break
        total += int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos == 0 or text[pos:].strip():
        raise ValueError(f"not a duration: {raw!r}")
    return total
