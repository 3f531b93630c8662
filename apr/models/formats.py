"""The text formats a repair model reads and writes (MultiMend's, see docs/training.md).

Input: ``"<Language> <buggy lines> : <retrieved lines> <context>"``, where the buggy lines are
stripped and joined by single spaces, the retrieved lines (inference only; empty in training) are
joined by spaces, and the context (the enclosing function) is whitespace-normalized. Target: the
fixed lines, dedented, keeping their newlines so that multi-line Python fixes survive.

In both, the tokenizer's end-of-sequence token is replaced by its unknown token, so that code which
happens to contain ``</s>`` cannot end the sequence early (MultiMend does the same).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

LANGUAGE_LABELS: dict[str, str] = {
    "python": "Python",
    "java": "Java",
    "javascript": "JavaScript",
    "c": "C",
}


def language_label(language: str) -> str:
    """The word that starts a model input: ``"python"`` -> ``"Python"``; others capitalized."""
    return LANGUAGE_LABELS.get(language.lower(), language[:1].upper() + language[1:])


def join_lines(text: str) -> str:
    """Each line stripped, blank lines dropped, the rest joined by single spaces."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def format_input(language: str, buggy: str, context: str, retrieved: Sequence[str] = (), *,
                 eos_token: str = "</s>", unk_token: str = "<unk>") -> str:
    """The model input for one hunk.

    Args:
        language: a language name (``"python"``) or label (``"Python"``).
        buggy: the buggy lines, as in the file (indentation and newlines are normalized away).
        context: the enclosing function (or the lines around the hunk).
        retrieved: lines retrieved from the project for this hunk; empty in training.
        eos_token: the tokenizer's end-of-sequence token, replaced in the text by ``unk_token``.
        unk_token: the tokenizer's unknown token.

    Returns:
        ``"<Label> <buggy> : <retrieved> <context>"``; with nothing retrieved,
        ``"<Label> <buggy> : <context>"`` (one space, as in MultiMend's training data).
    """
    parts = [f"{language_label(language)} {join_lines(buggy)} :"]
    extra = " ".join(line.strip() for line in retrieved if line.strip())
    if extra:
        parts.append(extra)
    parts.append(" ".join(context.split()))
    return _escape(" ".join(part for part in parts if part), eos_token, unk_token)


def format_target(fixed: str, *, eos_token: str = "</s>", unk_token: str = "<unk>") -> str:
    """The training target: the fixed lines dedented and stripped, newlines kept."""
    return _escape(textwrap.dedent(fixed).strip(), eos_token, unk_token)


def _escape(text: str, eos_token: str, unk_token: str) -> str:
    return text.replace(eos_token, unk_token) if eos_token else text
