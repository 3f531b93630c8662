"""Mask-template generation (GAMMA): TBar's fix patterns with blanks, filled by a model.

GAMMA (Zhang et al. 2023) keeps the fix-pattern families of TBar but leaves their donor code
blank (``<mask>``) and lets a masked language model predict it: the model reaches fillings no
donor list holds, and orders them by how likely they are in context. For each hunk the
generator

1. lists the masked variants of the buggy statement (:mod:`apr.generate.fill.masks` for Python,
   :mod:`apr.generate.fill.brace_masks` for Java, JavaScript and C): operators, literals,
   variables, method names, arguments, an added argument, ``return <mask>``, an added
   ``and``/``or`` clause, an inserted guard, a null check, and Java's and C's declared types;
2. asks a :class:`~apr.generate.fill.base.Filler` for the ``fills`` best fillings of each blank:
   ``local-lm`` (default: the project's own token n-gram model, no weights) or ``codet5``
   (CodeT5 span infilling in GAMMA's input format; needs ``--model``);
3. yields one :class:`~apr.model.Candidate` per filling (generator ``"maskfill"``, template =
   the mask pattern) scored ``hunk.score * prior * normalized(rank)``.

The prior is the pattern's template family's (:data:`apr.generate.templates.TABLES`), so mask
candidates and template candidates share one scale, and :func:`rank` keeps the better score of
two equal patches. The normalized filler score depends on the filling's rank within its blank,
``lead * DECAY ** rank``, not on the filler's raw score: GAMMA, too, keeps each mask's beam in
order, and the raw scores do not compare across blanks (a local n-gram model's probabilities
depend on the blank's length and on how rare the original tokens are).

``lead`` (setting ``mask_weight``) places the fillings against the templates. With 1 (the gamma
pipeline) a model's best fillings stand level with the templates of their family. The default,
0.2, puts the local model's fillings after the template candidates of the same hunk: on our
benchmark suite the templates' curated rewrites (``<`` -> ``<=``, ``min`` -> ``max``, ``True``
-> ``False``) came first more often than the local model's favourite filling, and letting its
fillings lead pushed fixes down (docs/maskfill.md); after the templates they add reach, donors
the templates do not try.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from apr.errors import UsageError
from apr.generate.base import Context
from apr.generate.fill.base import MASK, Filler, MaskedCode, Scored
from apr.generate.fill.brace_masks import BRACE_PATTERN_FAMILIES, brace_masks
from apr.generate.fill.codet5 import BEAM, CodeT5Filler
from apr.generate.fill.local import LocalLMFiller
from apr.generate.fill.masks import PATTERN_FAMILIES, python_masks
from apr.generate.site import FileIndex, Site
from apr.generate.templates import TABLES
from apr.model import Candidate, Edit, Hunk

if TYPE_CHECKING:
    from apr.config import RepairConfig

FILLS = 10
"""Fillings asked per blank by default (GAMMA keeps a beam of 25 per mask; the gamma pipeline
asks for 25)."""
LEAD = 0.2
"""The factor of a blank's best filling by default (against 1 for a template candidate of its
family): the local model's fillings come after the templates' (see the module doc)."""
DECAY = 0.8
"""Each next filling of a blank gets this much of the one before."""
DEFAULT_PRIOR = 0.3
"""The prior of a pattern whose family the language's template table lacks."""

#: Per language: the mask patterns of a hunk, and each pattern's template family.
MASKS: dict[str, tuple[Callable[[Site], Iterator[MaskedCode]], dict[str, str]]] = {
    "python": (python_masks, PATTERN_FAMILIES),
    "java": (brace_masks, BRACE_PATTERN_FAMILIES),
    "javascript": (brace_masks, BRACE_PATTERN_FAMILIES),
    "c": (brace_masks, BRACE_PATTERN_FAMILIES),
}


def make_filler(name: str, model: str | None = None, beam: int = BEAM,
                retrieve_k: int = 0, retriever: str = "lexical") -> Filler:
    """The filler registered under ``name`` (:data:`FILLERS`); ``retrieve_k`` lines retrieved
    by ``retriever`` add donors to the ``local-lm`` filler's pools.

    Raises:
        UsageError: no filler has that name.
        ModelUnavailable: ``codet5`` without a model.
    """
    if name not in FILLERS:
        raise UsageError(f"unknown filler {name!r}; known: {', '.join(FILLERS)}")
    return FILLERS[name](model, beam, retrieve_k, retriever)


FILLERS: dict[str, Callable[[str | None, int, int, str], Filler]] = {
    "local-lm": lambda model, beam, k, retriever: LocalLMFiller(retrieve_k=k,
                                                                retriever=retriever),
    "codet5": lambda model, beam, k, retriever: CodeT5Filler(model, beam),
}


def normalized(rank: int, lead: float = LEAD) -> float:
    """The factor of a blank's ``rank``-th filling (0 = the filler's best): see the module doc."""
    return lead * DECAY ** max(rank, 0)


class MaskFillGenerator:
    """Yields GAMMA-style mask-template candidates for Python and Java hunks.

    Args:
        filler: what fills the blanks (default: a :class:`LocalLMFiller`).
        fills: fillings asked per blank.
        lead: the factor of a blank's best filling (:func:`normalized`).

    Keeps the syntax index of the last file it saw; not thread-safe: one instance per thread.
    """

    name = "maskfill"

    def __init__(self, filler: Filler | None = None, fills: int = FILLS,
                 lead: float = LEAD) -> None:
        if fills < 1 or lead <= 0:
            raise UsageError(f"fills must be at least 1 and lead positive, got {fills}, {lead}")
        self.filler = filler if filler is not None else LocalLMFiller()
        self.fills = fills
        self.lead = lead
        self._index: FileIndex | None = None

    @property
    def late(self) -> bool:
        """Whether the fillings rank after the templates (``lead < 1``): the pipeline then
        lets them wait for the multi-hunk phase (:func:`apr.pipeline.validation_order`)."""
        return self.lead < 1

    @classmethod
    def from_config(cls, config: RepairConfig) -> MaskFillGenerator:
        """Built from the run's ``filler``, ``model`` (the first one), ``beam``, ``mask_fills``
        and ``mask_weight`` settings (``codet5`` keeps at most ``beam`` fillings per blank);
        with ``mask_retrieval``, the ``retrieve_k`` lines ``retriever`` finds add donors.

        Raises:
            UsageError: an unknown filler.
            ModelUnavailable: the ``codet5`` filler without a model.
        """
        model = config.model[0] if config.model else None
        k = config.retrieve_k if config.mask_retrieval else 0
        filler = make_filler(config.filler, model, config.beam, k, config.retriever)
        fills = min(config.mask_fills, config.beam) if filler.name == "codet5" \
            else config.mask_fills
        return cls(filler, fills, config.mask_weight)

    def generate(self, hunk: Hunk, context: Context) -> Iterator[Candidate]:
        """Candidates for ``hunk``, blank by blank (see the module doc)."""
        language = context.language.name
        if language not in MASKS or language not in TABLES:
            return
        if not 0 <= hunk.start < hunk.end <= len(context.source):
            return
        site_type, _, priors = TABLES[language]
        masks, families = MASKS[language]
        site = site_type(context.source, context.language, hunk.start, hunk.end,
                         self._file_index(context))
        for masked in masks(site):
            masked = dataclasses.replace(masked, root=context.root, file=context.file)
            prior = priors.get(families.get(masked.pattern, ""), DEFAULT_PRIOR)
            yield from self._candidates(context, masked, hunk.score * prior)

    def _file_index(self, context: Context) -> FileIndex:
        index = self._index
        if index is None or index.language is not context.language \
                or index.source != context.source:
            index = self._index = FileIndex(context.source, context.language)
        return index

    def _candidates(self, context: Context, masked: MaskedCode,
                    weight: float) -> Iterator[Candidate]:
        """One candidate per filling of ``masked``, scored ``weight * normalized(rank)``."""
        fillings = [text for text, _ in self.filler.fill(masked, self.fills)
                    if text != masked.original]
        for rank, text in enumerate(fillings):
            edit = Edit(context.file, masked.start, masked.end, masked.replacement(text))
            yield Candidate((edit,), self.name, masked.pattern,
                            weight * normalized(rank, self.lead), _description(masked, text))


def _description(masked: MaskedCode, text: str) -> str:
    described = masked.describe()
    if len(described) > 60:
        described = described[:57] + "..."
    return f"{masked.pattern}: `{described}` with {MASK} = `{text}`"


__all__ = ["FILLERS", "FILLS", "MASKS", "MaskFillGenerator", "Scored", "make_filler",
           "normalized"]
