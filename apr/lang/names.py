"""Identifiers as words: shared by retrieval (lexical embeddings) and the templates (which names
a developer confuses)."""

from __future__ import annotations

import re

_SUBWORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def subwords(identifier: str) -> list[str]:
    """``identifier`` split at underscores and camelCase humps, lowercased (``getHTTPCode`` ->
    ``get``, ``http``, ``code``)."""
    return [w.lower() for w in _SUBWORD.findall(identifier)]
