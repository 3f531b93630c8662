"""Template-based candidate generation: TBar's fix-pattern families, for every language.

For a hunk (a statement, or a compound statement's header) each family proposes small rewrites of
the original file, as byte-range edits (an insertion is an edit with ``start == end``). Each
language's families, in decreasing prior, are a row of :data:`TABLES`; Python's are
:data:`FAMILIES` (the table below). The families every language shares are written once in
:mod:`apr.generate.core`; Python's others are in :mod:`apr.generate.expressions`,
:mod:`apr.generate.statements` and :mod:`apr.generate.mutations`, the brace languages' in
:mod:`apr.generate.brace_templates`.

Score of a candidate::

    score = hunk.score * PRIORS[family] * weight * size_penalty(replaced text, inserted text)

``weight`` is 1 but for a family's less likely variants (an argument removed: 0.8, added: 0.7).

Priors, roughly from how often each family fixes real bugs (TBar's and GAMMA's Defects4J results,
QuixBugs' one-line bugs): operator and literal mutations and condition changes are the most
productive, statement deletion and moves the least.

====================  =====  ==========================================================
family                prior  rewrites
====================  =====  ==========================================================
mutate_operator       0.9    ``<`` -> ``<=``, ``+`` -> ``-``, ``and`` -> ``or``, ``+=`` -> ``-=``
mutate_literal        0.8    ``n`` -> ``n +/- 1``, ``True`` <-> ``False``, ``None``, strings
mutate_condition      0.8    negate, drop an ``and``/``or`` operand, add a donor clause
mutate_range          0.7    ``range``/slice bounds and indices +/- 1, slice bounds dropped/added
mutate_variable       0.6    a variable / attribute -> another in scope
mutate_call           0.6    ``min`` <-> ``max``, ``append`` <-> ``extend``, same-arity callees
insert_guard          0.5    ``if v is None: return r`` (or ``continue``) before the statement
mutate_return         0.5    the returned expression -> another return value / variable
mutate_arguments      0.4    swap, remove or add an argument
mutate_expression     0.4    drop/swap operands, +/- 1 on arguments, unwrap calls (mutations.py)
delete_statement      0.3    delete the statement (``pass`` if its block needs one)
insert_raise_guard    0.3    ``if c: raise ...`` before the statement, both copied from the file
insert_statement      0.25   add to a local collection / assign a read variable (mutations.py)
move_statement        0.2    swap the statement with its previous / next sibling
====================  =====  ==========================================================

Size penalty: ``SIZE_DECAY ** (tokens - 2)`` (``SIZE_DECAY`` = 0.97), where ``tokens`` counts the
words and symbols a token diff of the replaced and the inserted text removes and adds, each
distinct change once (the measure the correctness estimate uses: wrapping ``e`` as
``max(m, e)`` is 5 tokens, however long ``e``), clamped to ``[2, 20]``: ``<`` -> ``<=`` costs
one step, an inserted guard several, so among equal priors smaller edits come first, without
burying large ones for good.
Ties keep generation order (family order, then round-robin over the sites of the hunk).

Each family yields at most ``max_per_family`` candidates per hunk; a rewrite already proposed by
an earlier family, or leaving the source unchanged, is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from apr.errors import UsageError
from apr.generate import brace_templates
from apr.generate.base import Context
from apr.generate.brace_scopes import CSite, JsSite
from apr.generate.brace_site import JavaSite
from apr.generate.core import (
    delete_statement,
    move_statement,
    mutate_arguments,
    mutate_operator,
    mutate_return,
)
from apr.generate.declarations import Project
from apr.generate.expressions import mutate_call, mutate_literal, mutate_range, mutate_variable
from apr.generate.mutations import insert_statement, mutate_expression
from apr.generate.site import FileIndex, Rewrite, Site
from apr.generate.statements import insert_guard, insert_raise_guard, mutate_condition
from apr.lang import diff
from apr.lang.text import decode_source, encode_source
from apr.model import Candidate, Edit, Hunk

Family = Callable[[Site], Iterable[Rewrite]]

FAMILIES: dict[str, Family] = {
    "mutate_operator": mutate_operator,
    "mutate_literal": mutate_literal,
    "mutate_condition": mutate_condition,
    "mutate_range": mutate_range,
    "mutate_variable": mutate_variable,
    "mutate_call": mutate_call,
    "insert_guard": insert_guard,
    "mutate_return": mutate_return,
    "mutate_arguments": mutate_arguments,
    "mutate_expression": mutate_expression,
    "delete_statement": delete_statement,
    "insert_raise_guard": insert_raise_guard,
    "insert_statement": insert_statement,
    "move_statement": move_statement,
}
PRIORS: dict[str, float] = {
    "mutate_operator": 0.9,
    "mutate_literal": 0.8,
    "mutate_condition": 0.8,
    "mutate_range": 0.7,
    "mutate_variable": 0.6,
    "mutate_call": 0.6,
    "insert_guard": 0.5,
    "mutate_return": 0.5,
    "mutate_arguments": 0.4,
    "mutate_expression": 0.4,
    "delete_statement": 0.3,
    "insert_raise_guard": 0.3,
    "insert_statement": 0.25,
    "move_statement": 0.2,
}
MAX_PER_FAMILY = 30
SIZE_DECAY = 0.97
#: Per language: the Site class that reads its syntax, its families (in order) and their priors.
#: Each Site class carries its language's table (``syntax``: :data:`~apr.generate.syntax.PYTHON`,
#: the brace languages' :class:`~apr.generate.syntax.Syntax`, which lists their families).
TABLES: dict[str, tuple[type[Site], dict[str, Callable[..., Iterable[Rewrite]]],
                        dict[str, float]]] = {
    "python": (Site, FAMILIES, PRIORS),
    "java": (JavaSite, brace_templates.families_of(JavaSite.syntax), brace_templates.PRIORS),
    "javascript": (JsSite, brace_templates.families_of(JsSite.syntax), brace_templates.PRIORS),
    "c": (CSite, brace_templates.families_of(CSite.syntax), brace_templates.PRIORS),
}
LANGUAGES = frozenset(TABLES)
"""The languages whose node types the families know."""

_TOKEN = re.compile(r"\w+|[^\w\s]")


def size_penalty(removed: str, inserted: str) -> float:
    """``SIZE_DECAY ** (tokens - 2)``, ``tokens`` the size of the change
    (:func:`apr.lang.diff.diff_size`, the estimate's measure), clamped to ``[2, 20]``."""
    tokens = diff.diff_size(_TOKEN.findall(removed), _TOKEN.findall(inserted))
    return float(SIZE_DECAY ** (min(max(tokens, 2), 20) - 2))


class TemplateGenerator:
    """Yields TBar-style template candidates for the languages of :data:`TABLES` (Python, Java;
    nothing for other languages).

    Args:
        families: the families to run, in order (default: all of the hunk's language's, in
            :data:`TABLES`); a family another language has is skipped for this one.
        max_per_family: the most candidates one family yields for one hunk.

    Raises:
        UsageError: a family name is unknown, or ``max_per_family`` is negative.

    The generator keeps the syntax index of the last file it saw, so the hunks of one file are
    best generated one after the other. Not thread-safe: one instance per thread.
    """

    name = "template"

    def __init__(
        self, families: Sequence[str] | None = None, max_per_family: int = MAX_PER_FAMILY
    ) -> None:
        names = {name: None for _, table, _ in TABLES.values() for name in table}
        chosen = None if families is None else tuple(families)
        unknown = [f for f in chosen or () if f not in names]
        if unknown or max_per_family < 0:
            known = ", ".join(names)
            bad = unknown or max_per_family
            raise UsageError(f"bad template settings {bad} (families: {known})")
        self.families = tuple(FAMILIES) if chosen is None else chosen
        self._every = chosen is None  # each language's own families, in its order
        self.max_per_family = max_per_family
        self._last: FileIndex | None = None

    def generate(self, hunk: Hunk, context: Context) -> Iterator[Candidate]:
        """Candidates for ``hunk``, family by family, each family capped; see the module doc."""
        if context.language.name not in TABLES:
            return
        if not 0 <= hunk.start < hunk.end <= len(context.source):
            return
        site_type, table, priors = TABLES[context.language.name]
        index = self._index(context)
        project = Project(context.root, context.file) if context.root is not None else None
        site = site_type(context.source, context.language, hunk.start, hunk.end, index, project)
        seen: set[tuple[int, int, str]] = set()
        for family in tuple(table) if self._every else self.families:
            if family not in table:
                continue  # a family of another language
            for rewrite in self._rewrites(table[family], site, seen):
                yield self._candidate(hunk, context, family, rewrite, priors[family])

    def _index(self, context: Context) -> FileIndex:
        """The index of ``context.source``, kept for the next hunk of the same file."""
        last = self._last
        if last is None or last.language is not context.language or last.source != context.source:
            last = self._last = FileIndex(context.source, context.language)
        return last

    def _rewrites(
        self, family: Callable[[Site], Iterable[Rewrite]], site: Site,
        seen: set[tuple[int, int, str]],
    ) -> Iterator[Rewrite]:
        count = 0
        for rewrite in family(site):
            if count >= self.max_per_family:
                return
            key = (rewrite.start, rewrite.end, rewrite.text)
            unchanged = site.source[rewrite.start : rewrite.end] == encode_source(rewrite.text)
            if key in seen or unchanged:
                continue
            seen.add(key)
            count += 1
            yield rewrite

    @staticmethod
    def _candidate(hunk: Hunk, context: Context, family: str, rewrite: Rewrite,
                   prior: float) -> Candidate:
        removed = decode_source(context.source[rewrite.start : rewrite.end])
        penalty = size_penalty(removed, rewrite.text)
        score = hunk.score * prior * rewrite.weight * penalty
        edit = Edit(context.file, rewrite.start, rewrite.end, rewrite.text)
        return Candidate((edit,), "template", family, score, rewrite.description)
