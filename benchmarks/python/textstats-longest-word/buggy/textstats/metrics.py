"""Aggregate statistics computed from a text."""

from __future__ import annotations

from collections import Counter

from textstats.tokenize import sentences, syllables, words


def word_count(text: str) -> int:
    return len(words(text))


def sentence_count(text: str) -> int:
    return len(sentences(text))


def word_frequencies(text: str, top: int | None = None) -> list[tuple[str, int]]:
    """(word, count) pairs, most frequent first; ties are broken alphabetically."""
    counts = Counter(words(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked if top is None else ranked[:top]


def longest_word(text: str) -> str:
    """The longest word in ``text`` (the first one on ties); "" for no words."""
    tokens = words(text)
    if not tokens:
        return ""
    return min(tokens, key=len)


def average_word_length(text: str) -> float:
    tokens = words(text)
    if not tokens:
        return 0.0
    return sum(len(t) for t in tokens) / len(tokens)


def lexical_diversity(text: str) -> float:
    """Distinct words divided by total words."""
    tokens = words(text)
    return len(set(tokens)) / len(tokens) if tokens else 0.0


def flesch_reading_ease(text: str) -> float:
    """Flesch reading-ease score, rounded to one decimal place."""
    tokens = words(text)
    n_sentences = sentence_count(text)
    if not tokens or not n_sentences:
        return 0.0
    n_syllables = sum(syllables(t) for t in tokens)
    score = 206.835 - 1.015 * (len(tokens) / n_sentences) - 84.6 * (n_syllables / len(tokens))
    return round(score, 1)


def summary(text: str) -> dict[str, object]:
    """All statistics at once, e.g. for a report."""
    return {
        "words": word_count(text),
        "sentences": sentence_count(text),
        "longest_word": longest_word(text),
        "average_word_length": round(average_word_length(text), 2),
        "reading_ease": flesch_reading_ease(text),
    }
