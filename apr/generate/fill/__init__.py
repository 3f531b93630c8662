"""Blanks and what fills them: GAMMA's mask patterns and the fillers.

- :class:`MaskedCode` is one blank in the code under repair; :func:`python_masks` and
  :func:`brace_masks` list a hunk's blanks, pattern by pattern.
- A :class:`Filler` proposes a blank's best fillings: :class:`LocalLMFiller` (``local-lm``, the
  project's own token n-gram model, no weights) or :class:`CodeT5Filler` (``codet5``, CodeT5 span
  infilling in GAMMA's input format).

The generator that turns fillings into candidates is
:class:`apr.generate.maskfill.MaskFillGenerator`.
"""

from __future__ import annotations

from apr.generate.fill.base import KINDS, MASK, Filler, MaskedCode, Scored
from apr.generate.fill.brace_masks import BRACE_PATTERN_FAMILIES, brace_masks
from apr.generate.fill.codet5 import CodeT5Filler, gamma_input
from apr.generate.fill.local import LocalLMFiller
from apr.generate.fill.masks import PATTERN_FAMILIES, python_masks

__all__ = [
    "BRACE_PATTERN_FAMILIES",
    "KINDS",
    "MASK",
    "PATTERN_FAMILIES",
    "CodeT5Filler",
    "Filler",
    "LocalLMFiller",
    "MaskedCode",
    "Scored",
    "gamma_input",
    "brace_masks",
    "python_masks",
]
