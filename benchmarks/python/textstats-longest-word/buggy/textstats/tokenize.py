"""Split text into words and sentences."""

from __future__ import annotations

import re

_WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_SENTENCE_END_RE = re.compile(r"[.!?]+")


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``; apostrophes inside words are kept."""
    return [w.lower() for w in _WORD_RE.findall(text)]


def sentences(text: str) -> list[str]:
    """Sentences of ``text``, split on runs of ``.``, ``!`` and ``?``."""
    parts = (part.strip() for part in _SENTENCE_END_RE.split(text))
    return [part for part in parts if part]


def syllables(word: str) -> int:
    """Rough syllable count: groups of vowels, ignoring a trailing silent 'e'."""
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith("le") and count > 1:
        count -= 1
    return max(count, 1)
