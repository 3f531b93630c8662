"""URL query-string helpers.

``build_query`` percent-encodes keys and values so that the result can be
appended after ``?`` to any URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

Params = Mapping[str, Any] | Iterable[tuple[str, Any]]


def encode_component(value: Any) -> str:
    """Percent-encode one key or value."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return quote(str(value))


def _pairs(params: Params) -> list[tuple[str, Any]]:
    items = params.items() if isinstance(params, Mapping) else params
    pairs: list[tuple[str, Any]] = []
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((key, v) for v in value if v is not None)
        else:
            pairs.append((key, value))
    return pairs


def build_query(params: Params, sort: bool = False) -> str:
    """Serialize ``params`` to ``k1=v1&k2=v2``.

    List values become repeated keys, None values are dropped and booleans are
    written as ``true``/``false``. With ``sort=True`` the pairs are ordered by
    key, which gives stable strings for caching and signing.
    """
    pairs = _pairs(params)
    if sort:
        pairs.sort(key=lambda pair: pair[0])
    return "&".join(f"{encode_component(k)}={encode_component(v)}" for k, v in pairs)


def parse_query(query: str) -> dict[str, list[str]]:
    """Parse ``k=v&k=w`` into ``{"k": ["v", "w"]}``; a leading ``?`` is ignored."""
    result: dict[str, list[str]] = {}
    for chunk in query.lstrip("?").split("&"):
        if not chunk:
            continue
        key, _, value = chunk.partition("=")
        result.setdefault(unquote(key), []).append(unquote(value.replace("+", " ")))
    return result


def add_query(url: str, params: Params) -> str:
    """Return ``url`` with ``params`` appended to any query it already has."""
    parts = urlsplit(url)
    extra = build_query(params)
    if not extra:
        return url
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
