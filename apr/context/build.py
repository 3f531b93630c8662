"""One hunk's context, as the generators read it: buggy lines, function, retrieved lines."""

from __future__ import annotations

from dataclasses import dataclass

from apr.context.function import buggy_text, function_text
from apr.context.retrieve import Retriever
from apr.lang import LanguageSupport, get_language, language_for_path
from apr.model import Hunk


@dataclass(frozen=True, slots=True)
class HunkContext:
    """What the context stage found for one hunk; round-trips through :func:`apr.model.to_json`.

    Attributes:
        language: the language's name (``"python"``), or ``""`` when no grammar knows the file.
        buggy: the hunk's lines as in the file (newline-joined, indentation kept).
        function: the enclosing function's lines, else the hunk with three lines either side.
        retrieved: lines similar to the buggy ones, nearest first (normalized, one per item).
    """

    language: str
    buggy: str
    function: str
    retrieved: tuple[str, ...] = ()


def build_context(hunk: Hunk, source: bytes, language: LanguageSupport | str | None = None,
                  retriever: Retriever | None = None, k: int = 5,
                  threshold: float = 0.5) -> HunkContext:
    """The context of ``hunk`` in ``source`` (the content of ``hunk.file``).

    Args:
        hunk: the hunk to repair.
        source: the buggy file's content.
        language: its language, or a registered name; None: chosen by ``hunk.file``'s suffix.
        retriever: finds similar lines; None retrieves nothing.
        k: at most this many retrieved lines.
        threshold: the largest cosine distance of a retrieved line (MultiMend: 0.5).

    Raises:
        UsageError: ``language`` is a name no grammar is registered under.
    """
    support = _language(language, hunk.file)
    retrieved = retriever.retrieve(hunk, source, k, threshold) if retriever is not None else []
    return HunkContext(
        language=support.name if support is not None else "",
        buggy=buggy_text(hunk, source),
        function=function_text(hunk, source, support),
        retrieved=tuple(retrieved),
    )


def _language(language: LanguageSupport | str | None, file: str) -> LanguageSupport | None:
    if isinstance(language, str):
        return get_language(language)
    return language if language is not None else language_for_path(file)
