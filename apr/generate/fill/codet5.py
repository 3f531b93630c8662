"""The ``codet5`` filler: CodeT5 span infilling, in GAMMA's input format.

GAMMA (Zhang et al. 2023) shows a pretrained model the buggy line as a comment, then the whole
enclosing method with the masked line, and keeps the beam (25) of predictions per mask. CodeT5
was pretrained to fill ``<extra_id_0>``-style sentinel spans, so the blank is the sentinel
``<extra_id_0>`` and :meth:`~apr.models.seq2seq.Seq2SeqModel.fill_masks` does the search. Without
an enclosing function the context is the three lines either side of the hunk.

The model (a checkpoint directory or hub id: ``--model`` or the pipeline's ``model``) is loaded
on the first blank; torch and transformers are imported only then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apr.errors import ModelUnavailable
from apr.generate.fill.base import MaskedCode, Scored

SENTINEL = "<extra_id_0>"
BEAM = 25
"""Predictions per mask, as in GAMMA."""
MAX_SPAN_TOKENS = 24
"""Tokens generated per answer: a blank holds an operator, a name, an expression or a clause."""
WINDOW = 3
"""Lines either side of the hunk when it lies outside any function."""
COMMENTS: dict[str, str] = {"python": "#", "java": "//", "javascript": "//", "c": "//"}


def gamma_input(masked: MaskedCode, mask: str = SENTINEL) -> str:
    """The model input for ``masked``: ``<comment> buggy line: <statement>``, a newline, then
    the enclosing function (else the lines around) with the blank as ``mask``."""
    site = masked.site
    low, high = masked.span
    first, last = _context(masked)
    comment = COMMENTS.get(site.language.name, "#")
    buggy = " ".join(site.slice(site.start, site.end).split())
    body = site.slice(first, low) + masked.lines(mask) + site.slice(high, last)
    return f"{comment} buggy line: {buggy}\n{body}"


def _context(masked: MaskedCode) -> tuple[int, int]:
    """Bytes of the enclosing function's lines, else of ``WINDOW`` lines around the blank."""
    site = masked.site
    low, high = masked.span
    function = site.function
    if function is not None and function.start_byte <= low and high <= function.end_byte:
        return site.line_start(function.start_byte), site.line_end(function.end_byte)
    first, last = low, high
    for _ in range(WINDOW):
        first = site.line_start(max(first - 1, 0))
        last = site.line_end(min(last + 1, len(site.source)))
    return first, last


class CodeT5Filler:
    """Fills blanks with a CodeT5-style model's beam of span predictions.

    Args:
        model: a checkpoint directory or hub id, or a loaded
            :class:`~apr.models.seq2seq.Seq2SeqModel`.
        beam: beam width (at least the number of fillings asked for).

    Raises:
        ModelUnavailable: no model was named (at construction), or it cannot be loaded (at the
            first :meth:`fill`).
    """

    name = "codet5"

    def __init__(self, model: Any, beam: int = BEAM) -> None:
        if model is None or model == "":
            raise ModelUnavailable("the codet5 filler needs a model: pass --model DIR_OR_ID "
                                   "(e.g. Salesforce/codet5-base) or set `model` in the "
                                   "pipeline file or [tool.apr]")
        if isinstance(model, str) and _path_like(model) and not Path(model).expanduser().is_dir():
            raise ModelUnavailable(f"cannot load model {model!r}: no such directory")
        self._model = model
        self.beam = beam

    def fill(self, masked: MaskedCode, n: int) -> list[Scored]:
        """The model's ``n`` best spans for the blank, best first, with their scores
        (length-normalized log-probabilities); empty, multi-line and repeated spans, and the
        blank's original text, are dropped."""
        if n < 1:
            return []
        text = gamma_input(masked)
        before, after = text.split(SENTINEL, 1)
        answers = self._loaded().fill_masks(text, n, beam=max(self.beam, n),
                                            max_output=MAX_SPAN_TOKENS)
        spans: dict[str, float] = {}
        for completed, score in answers:
            span = completed[len(before) : len(completed) - len(after)].strip()
            if span and "\n" not in span and span != masked.original:
                spans.setdefault(span, float(score))
        return list(spans.items())[:n]

    def _loaded(self) -> Any:
        if isinstance(self._model, str):
            try:
                from apr.models.loading import load_seq2seq
            except ImportError as exc:
                raise ModelUnavailable(f"cannot load model {self._model!r}: "
                                       f"{exc.name or exc} is not installed") from exc
            self._model = load_seq2seq(self._model)
        return self._model


def _path_like(name: str) -> bool:
    """Whether a model name is meant as a path, not a hub id (``owner/name``)."""
    return name.startswith(("/", ".", "~")) or "\\" in name or name.count("/") > 1
