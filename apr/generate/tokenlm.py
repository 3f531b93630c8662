"""A token n-gram language model of a project's own code, with a cache of the file under repair.

Code is repetitive and predictable ("naturalness of software", Hindle et al. 2012): an n-gram
model of a project's own tokens predicts its next token well. Code is also *local*: a token used
in the file being read is likely to recur there (Tu, Su and Devanbu 2014, a cache language
model), and buggy lines are less natural than their fixes (Ray et al. 2016). The ``local-lm``
filler (:mod:`apr.generate.fill.local`) uses this model to rank the fillings of a blank by the
probability of the whole filled line in its context.

Tokens are tree-sitter leaves (identifiers, keywords, operators, punctuation, literals): comments
are dropped, a string literal is one token (the grammar's atomic types), zero-width (missing)
leaves are dropped, and a :data:`NEWLINE` token stands where a line ends. Each file is one
sequence, opened by ``order - 1`` :data:`BOS` tokens.

Smoothing is interpolated Witten-Bell (Witten and Bell 1991; Chen and Goodman 1998), from order
``N`` down to a uniform distribution over the vocabulary and one unknown token::

    p(w | h) = (c(h w) + T(h) * p(w | h')) / (c(h) + T(h))     when c(h) > 0, else p(w | h')

where ``h'`` is ``h`` without its first token and ``T(h)`` counts the distinct tokens seen after
``h``. Witten-Bell needs raw counts only (no continuation counts, as Kneser-Ney would), so a token
sequence can be *left out* of a built model by subtracting its n-gram counts at query time
(:meth:`NgramModel.without`): the hunk under repair must not vouch for itself.

:class:`CacheModel` mixes a project-wide model with a model of the file under repair, both with
the hunk left out: ``p = (1 - lam) p_project + lam p_file``; both spread their unknown mass over
the same vocabulary, so the mixture is a distribution too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import tree_sitter

from apr.lang.base import LanguageSupport
from apr.lang.text import decode_source, encode_source

BOS = "<s>"
NEWLINE = "<nl>"
UNKNOWN = "<unk>"
ORDER = 4
"""Tokens per n-gram (history of three); Hindle et al. saw little gain beyond 3-4 on one project."""
CACHE_WEIGHT = 0.3
"""Weight of the file model in :class:`CacheModel` (Tu et al. tuned theirs on held-out files)."""

Counts = dict[tuple[str, ...], dict[str, int]]


@dataclass(frozen=True, slots=True)
class TokenStream:
    """A file's tokens with their byte ranges; a :data:`NEWLINE` token is empty at a line end."""

    texts: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def before(self, offset: int) -> int:
        """How many tokens end at or before byte ``offset``."""
        return _bisect(self.ends, offset)

    def first_from(self, offset: int) -> int:
        """The index of the first token starting at or after byte ``offset``."""
        return _bisect(self.starts, offset - 1)


def _bisect(values: Sequence[int], offset: int) -> int:
    """How many of the sorted ``values`` are at most ``offset``."""
    low, high = 0, len(values)
    while low < high:
        middle = (low + high) // 2
        if values[middle] <= offset:
            low = middle + 1
        else:
            high = middle
    return low


def token_stream(source: bytes, language: LanguageSupport,
                 root: tree_sitter.Node | None = None) -> TokenStream:
    """The tokens of ``source`` (see the module doc), in order.

    ``root`` is the root of ``source``'s syntax tree when the caller has one; else ``source`` is
    parsed with :func:`parse_fragment`.
    """
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    row = None
    tree = root if root is not None else parse_fragment(source, language)
    for leaf in _leaves(tree, language):
        if row is not None and leaf.start_point.row > row:
            texts.append(NEWLINE)
            starts.append(ends[-1])
            ends.append(ends[-1])
        texts.append(decode_source(leaf.text or b""))
        starts.append(leaf.start_byte)
        ends.append(leaf.end_byte)
        row = leaf.end_point.row
    return TokenStream(tuple(texts), tuple(starts), tuple(ends))


def tokens(text: str, language: LanguageSupport) -> list[str]:
    """The tokens of a code fragment (lines, an expression, an operator), as in a whole file.

    A fragment that does not parse alone (a lone header, an indented line) still yields its
    leaves.
    """
    out: list[str] = []
    row = None
    for leaf in _leaves(parse_fragment(encode_source(text), language), language):
        if row is not None and leaf.start_point.row > row:
            out.append(NEWLINE)
        out.append(decode_source(leaf.text or b""))
        row = leaf.end_point.row
    return out


_PARSERS: dict[str, tree_sitter.Parser] = {}


def parse_fragment(source: bytes, language: LanguageSupport) -> tree_sitter.Node:
    """The root of ``source``'s syntax tree, from a parser of our own.

    :meth:`LanguageSupport.parse` keeps the last tree for the stages that query one file many
    times; parsing other text there would evict it.
    """
    if language.name not in _PARSERS:
        _PARSERS[language.name] = tree_sitter.Parser(tree_sitter.Language(language.grammar.load()))
    return _PARSERS[language.name].parse(source).root_node


def _leaves(root: tree_sitter.Node, language: LanguageSupport) -> Iterator[tree_sitter.Node]:
    """The token nodes under ``root`` in order: leaves and atomic nodes, comments skipped."""
    grammar = language.grammar
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in grammar.comment_types or node.start_byte == node.end_byte:
            continue
        if node.child_count == 0 or node.type in grammar.atomic_types:
            yield node
        else:
            stack.extend(reversed(node.children))


# --- counts ----------------------------------------------------------------------------------


def count_ngrams(sequences: Iterable[Sequence[str]], order: int = ORDER) -> list[Counts]:
    """``tables[k][history][word]``: how often ``word`` followed ``history`` (``k`` tokens).

    Every position of every sequence counts once per order, after ``order - 1`` :data:`BOS`.
    """
    tables: list[Counts] = [{} for _ in range(order)]
    for sequence in sequences:
        padded = [BOS] * (order - 1) + list(sequence)
        _add(tables, padded, range(order - 1, len(padded)))
    return tables


def _add(tables: list[Counts], padded: Sequence[str], positions: Iterable[int]) -> None:
    for i in positions:
        word = padded[i]
        for k, table in enumerate(tables):
            row = table.setdefault(tuple(padded[i - k : i]), {})
            row[word] = row.get(word, 0) + 1


def ngrams_at(sequence: Sequence[str], first: int, last: int, order: int = ORDER) -> list[Counts]:
    """The n-grams of ``sequence`` that hold a token of ``sequence[first:last]``, counted as by
    :func:`count_ngrams`: those ending there, and those ending up to ``order - 1`` tokens later
    that reach back into it."""
    tables: list[Counts] = [{} for _ in range(order)]
    padded = [BOS] * (order - 1) + list(sequence)
    for i in range(max(first, 0), min(len(sequence), last + order - 1)):
        at = i + order - 1
        for k, table in enumerate(tables):
            if i - k < last:
                row = table.setdefault(tuple(padded[at - k : at]), {})
                row[padded[at]] = row.get(padded[at], 0) + 1
    return tables


class NgramModel:
    """An interpolated Witten-Bell n-gram model over counts (see the module doc).

    Args:
        tables: from :func:`count_ngrams` (shared, never modified).
        vocabulary: how many known tokens the uniform base spreads over (plus one unknown);
            default: the tokens of ``tables``.
        left_out: n-gram counts (:func:`ngrams_at`) subtracted from ``tables``.
    """

    def __init__(self, tables: list[Counts], vocabulary: int | None = None,
                 left_out: list[Counts] | None = None) -> None:
        self.tables = tables
        self.order = len(tables)
        unigrams = tables[0].get((), {})
        self.vocabulary = len(unigrams) if vocabulary is None else vocabulary
        self.left_out = left_out or [{} for _ in tables]
        self._rows: dict[tuple[int, tuple[str, ...]], tuple[int, int]] = {}

    def without(self, left_out: list[Counts]) -> NgramModel:
        """This model with the n-grams ``left_out`` subtracted (the tables are shared)."""
        return NgramModel(self.tables, self.vocabulary, left_out)

    def prob(self, word: str, history: Sequence[str]) -> float:
        """``p(word | history)``; only the last ``order - 1`` tokens of ``history`` matter."""
        p = 1.0 / (self.vocabulary + 1)
        depth = min(len(history), self.order - 1)
        for k in range(depth + 1):
            h = tuple(history[len(history) - k :]) if k else ()
            total, types = self._row(k, h)
            if total > 0:
                p = (self._count(k, h, word) + types * p) / (total + types)
        return p

    def _count(self, k: int, history: tuple[str, ...], word: str) -> int:
        seen = self.tables[k].get(history, {}).get(word, 0)
        return seen - self.left_out[k].get(history, {}).get(word, 0)

    def _row(self, k: int, history: tuple[str, ...]) -> tuple[int, int]:
        """(tokens seen after ``history``, distinct tokens seen after it), left-outs removed."""
        key = (k, history)
        if key not in self._rows:
            row = self.tables[k].get(history, {})
            gone = self.left_out[k].get(history, {})
            total = sum(row.values()) - sum(gone.values())
            emptied = sum(1 for w, c in gone.items() if row.get(w, 0) - c <= 0)
            self._rows[key] = (total, len(row) - emptied)
        return self._rows[key]

    def vocabulary_tokens(self) -> list[str]:
        """The known tokens (those the unigram table holds)."""
        return list(self.tables[0].get((), {}))


class CacheModel:
    """``(1 - weight) * project + weight * file``: a project model with a cache of one file.

    Both models must share their vocabulary size, so that the mixture sums to one.
    """

    def __init__(self, project: NgramModel, local: NgramModel,
                 weight: float = CACHE_WEIGHT) -> None:
        self.project = project
        self.local = local
        self.weight = weight
        self.order = project.order
        self._memo: dict[tuple[tuple[str, ...], str], float] = {}

    def prob(self, word: str, history: Sequence[str]) -> float:
        """The mixed probability of ``word`` after ``history`` (memoized)."""
        key = (tuple(history[max(len(history) - (self.order - 1), 0) :]), word)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = ((1 - self.weight) * self.project.prob(word, key[0])
                                       + self.weight * self.local.prob(word, key[0]))
        return found


def logprob(model: NgramModel | CacheModel, sequence: Sequence[str],
            context: Sequence[str] = ()) -> float:
    """The natural-log probability of ``sequence`` following ``context``, token by token."""
    history = list(context[len(context) - (model.order - 1) :]) if model.order > 1 else []
    total = 0.0
    for word in sequence:
        total += math.log(model.prob(word, history))
        history.append(word)
        if len(history) > model.order - 1:
            del history[0]
    return total
