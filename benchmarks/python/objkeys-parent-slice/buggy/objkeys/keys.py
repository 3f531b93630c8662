"""Pure functions on '/'-separated object keys.

Keys have no leading slash; empty segments ("a//b") are ignored, and the empty
key "" is the bucket root.
"""

from __future__ import annotations

SEP = "/"


def split(key: str) -> list[str]:
    """The non-empty segments of ``key``."""
    return [part for part in key.split(SEP) if part]


def normalize(key: str) -> str:
    return SEP.join(split(key))


def join(*parts: str) -> str:
    segments: list[str] = []
    for part in parts:
        segments.extend(split(part))
    return SEP.join(segments)


def name(key: str) -> str:
    """The last segment ("" for the root)."""
    parts = split(key)
    return parts[-1] if parts else ""


def suffix(key: str) -> str:
    """The extension of the last segment, including the dot (".gz" for "a.tar.gz")."""
    base = name(key)
    dot = base.rfind(".")
    return base[dot:] if dot > 0 else ""


def stem(key: str) -> str:
    base = name(key)
    ext = suffix(key)
    return base[: len(base) - len(ext)] if ext else base


def parent(key: str) -> str:
    """The key's containing prefix ("" for top-level keys and the root)."""
    parts = split(key)
    return SEP.join(parts[1:])


def ancestors(key: str) -> list[str]:
    """Every containing prefix, nearest first, ending with the root ""."""
    result = []
    current = normalize(key)
    while current:
        current = parent(current)
        result.append(current)
    return result


def is_under(key: str, prefix: str) -> bool:
    """True when ``key`` lies strictly inside ``prefix``."""
    key_parts, prefix_parts = split(key), split(prefix)
    return len(key_parts) > len(prefix_parts) and key_parts[: len(prefix_parts)] == prefix_parts


def relative_to(key: str, prefix: str) -> str:
    if not is_under(key, prefix):
        raise ValueError(f"{key!r} is not under {prefix!r}")
    return SEP.join(split(key)[len(split(prefix)):])
