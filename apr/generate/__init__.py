"""Candidate generation: a :class:`Generator` turns a hunk into candidate patches.

``GENERATORS`` is the explicit registry (name -> class) chosen by configuration: a class with a
``from_config(config)`` classmethod is built from the run's settings by it (the seq2seq
generator reads ``model``, ``beam``...), any other is called without arguments.
:func:`rank` filters, deduplicates and orders what the generators proposed.
"""

from __future__ import annotations

from collections.abc import Callable

from apr.generate.base import Context, Generator
from apr.generate.edits import apply_edits
from apr.generate.maskfill import MaskFillGenerator
from apr.generate.ranking import rank
from apr.generate.seq2seq import BatchGenerator, Seq2SeqGenerator
from apr.generate.templates import FAMILIES, PRIORS, TemplateGenerator

__all__ = [
    "FAMILIES",
    "GENERATORS",
    "PRIORS",
    "BatchGenerator",
    "Context",
    "Generator",
    "MaskFillGenerator",
    "Seq2SeqGenerator",
    "TemplateGenerator",
    "apply_edits",
    "rank",
]

GENERATORS: dict[str, Callable[..., Generator]] = {
    "template": TemplateGenerator,
    "maskfill": MaskFillGenerator,
    "seq2seq": Seq2SeqGenerator,
}
