"""Candidate generation: a :class:`Generator` turns a hunk into candidate patches.

``GENERATORS`` is the explicit registry (name -> class) chosen by configuration;
:func:`rank` filters, deduplicates and orders what the generators proposed.
"""

from __future__ import annotations

from collections.abc import Callable

from apr.generate.base import Context, Generator
from apr.generate.edits import apply_edits
from apr.generate.ranking import rank
from apr.generate.templates import FAMILIES, PRIORS, TemplateGenerator

__all__ = [
    "FAMILIES",
    "GENERATORS",
    "PRIORS",
    "Context",
    "Generator",
    "TemplateGenerator",
    "apply_edits",
    "rank",
]

GENERATORS: dict[str, Callable[[], Generator]] = {
    "template": TemplateGenerator,
}
