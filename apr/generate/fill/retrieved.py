"""Donors from retrieval: the project's lines most like the hunk also feed the blanks' pools.

The design's order is localization -> retrieval-augmented context -> mask-template donor
prediction -> validation (MultiMend's retrieval, GAMMA's masks). The ``local-lm`` filler draws
donors nearest scope first (function, class, file, then the whole project by frequency); with
retrieval, the ``k`` lines of the project most similar to the hunk's lines
(:mod:`apr.context.retrieve`: ``lexical`` needs no weights) come right after the file's own
donors and before the project's, nearest first: a fix often repeats what a similar line
elsewhere does (the method called, the attribute read, the literal passed).

Each retrieved line is parsed alone (a fragment) and its nodes are read into the hunk's
vocabulary (:func:`apr.generate.fill.vocab.collect`), after the file's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from apr.context import Retriever
from apr.generate.fill.vocab import RULES, Vocabulary, collect
from apr.generate.site import Site, walk
from apr.generate.tokenlm import parse_fragment
from apr.lang.normal import node_text
from apr.lang.text import encode_source
from apr.model import Hunk

THRESHOLD = 0.5
"""The largest cosine distance of a retrieved line (MultiMend's)."""


class RetrievedDonors:
    """The retrieved lines of each hunk, read into its vocabulary.

    Args:
        k: lines retrieved per hunk (0: none).
        retriever: a name in :data:`apr.context.RETRIEVERS`.

    Not thread-safe (retrievers are not): one per filler.
    """

    def __init__(self, k: int, retriever: str = "lexical") -> None:
        self.k = k
        self.retriever = retriever
        self._retrievers: dict[Path | None, Retriever] = {}

    def add(self, site: Site, file: str, root: Path | None, files: Mapping[str, bytes],
            into: Vocabulary) -> list[str]:
        """Read the lines retrieved for ``site``'s hunk into ``into``; returns them."""
        rules = RULES.get(site.language.name)
        if self.k <= 0 or rules is None or not file:
            return []
        lines = self._retriever(root, files).retrieve(_hunk(site, file), site.source, self.k,
                                                      THRESHOLD)
        for line in lines:
            fragment = parse_fragment(encode_source(line), site.language)
            collect(walk(fragment), node_text, rules, into)
        return lines

    def _retriever(self, root: Path | None, files: Mapping[str, bytes]) -> Retriever:
        from apr.context import make_retriever

        if root not in self._retrievers:
            self._retrievers[root] = make_retriever(self.retriever, scope="project",
                                                    project_files=files)
        return self._retrievers[root]


def _hunk(site: Site, file: str) -> Hunk:
    first = site.source.count(b"\n", 0, site.start) + 1
    last = first + site.source.count(b"\n", site.start, max(site.end - 1, site.start))
    return Hunk(file, first, last, site.start, site.end, 1.0)
