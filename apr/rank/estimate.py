"""A correctness estimate for plausible patches, feature by feature, to put the likely one first.

Tests that a patch passes do not make it correct: search-based repair overfits weak tests in a
few typical ways. The estimate adds up, for one plausible patch, weighted features read from
the patch itself, from the run and (behaviour) from the patches' own runs of the tests:

- **anti-patterns** (Tan et al., FSE 2016, "Anti-patterns in search-based program repair"),
  each found one costs :data:`ANTI_PATTERN`: a condition weakened (an ``and``/``&&`` clause
  dropped, an ``or``/``||`` clause or a ``True`` added: ``weaken_condition``; a null check of a
  name the condition then dereferences, ``x is None or x.next``, is a guard, not a weakening);
  a condition or statement deleted (``delete_statement``); an early exit added (``return``,
  ``break``, ``continue``, ``raise``, ``throw``: ``early_exit``); a string literal replaced by a
  piece of itself (``shorten_string``); ``None``/``null`` put where a value was, not compared
  with (``null_value``); an operation with its identity element added (``1 * e``, ``e + 0``,
  ``e ** 1``, ``e << 0``, ``1 + e - 1``: ``identity_operation``), a smaller change in disguise
  (it deletes an operand or an operator, and passes the tests for that reason); a loop
  variable no longer read in the changed lines that bind it (``any(f(goal) for n in
  node.successors)``: the loop goes on but ignores its items, ``unused_loop_variable``);
- **a prior** (``assign_target``, :data:`ASSIGN_TARGET`): an assignment whose target changed
  and whose value did not (``dp[i, j + 1] = v`` for ``dp[i, j] = v``). Real fixes change the
  value: of the one-line changes to an assignment in the Defects4J and BugsInPy patches outside
  the held-out projects, 181 changed the value alone and 5 the target alone, 3 of those only
  its declared type (``benchmarks/scripts/assign_stats.py``). Storing the same value
  elsewhere is a way to make a test pass that the developer seldom takes;
- **localization**: the suspiciousness of the patched place, relative to the most suspicious
  one (1 at the top), times :data:`LOCALIZATION`;
- **size**: ``log(1 + changed tokens)`` times :data:`SIZE` (negative), the tokens a token diff
  removes and adds, each distinct change once (:func:`apr.lang.diff.diff_size`: a wrapped
  ``(e & 0xff)`` is 4 tokens, not ``e`` twice): of two patches that make the tests pass, the
  smaller change is the likelier fix;
- **naturalness**: how much more (or less) probable the patched lines are than the buggy ones
  under the project's token language model, in mean log-probability per token, clipped to
  [-2, 2], times :data:`NATURALNESS` (buggy lines are less natural than their fixes: Ray et
  al., ICSE 2016);
- **behaviour** (only when every plausible patch of the run was observed: see
  :mod:`apr.rank.behaviour`, and :func:`apr.pipeline.observed`, which runs them): how far the
  patch moves the passing tests that cover its files off the buggy program's paths (their line
  coverage), 0 to 1 on average, times :data:`BEHAVIOUR` (PATCH-SIM's signal: a correct patch
  leaves them on their paths); for Python also ``behaviour_values``: how far it moves the values
  the changed files' functions return in those tests, 0 to 1 on average, times
  :data:`BEHAVIOUR` (a correct patch leaves the values of the tests that passed as they were);
- **order**: ``log(1 + i)`` times :data:`ORDER` (negative), ``i`` the patch's 0-based position in
  the order candidates were offered to validation (the generators' ranking, then the search for
  more patches): the ranking already holds the families' priors, and a patch found first should
  lose its place only to one the other features clearly prefer, not to a hair's difference in
  naturalness.

``total`` is the sum of the parts. :func:`rank_plausible` sorts by it, highest first, and keeps
the validation order among equal totals. The weights were set by hand, looking at QuixBugs-Python
(the development benchmark): numbers measured on it are not held out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from apr.generate.tokenlm import NEWLINE
from apr.lang.base import LanguageSupport
from apr.lang.diff import diff_size
from apr.lang.text import decode_source
from apr.model import Candidate, Edit, ValidationResult
from apr.rank.behaviour import Behaviour

ANTI_PATTERN = -1.0
LOCALIZATION = 1.0
SIZE = -0.15
NATURALNESS = 0.5
ORDER = -0.05
ANTI_PATTERN_NAMES = ("weaken_condition", "delete_statement", "early_exit", "shorten_string",
                      "null_value", "identity_operation", "unused_loop_variable")
BEHAVIOUR = -1.0
ASSIGN_TARGET = -0.5
STATIC_NAMES = (*ANTI_PATTERN_NAMES, "assign_target")
"""The parts read from the changed tokens alone (:func:`static_parts`)."""

Tokenize = Callable[[str, LanguageSupport], list[str]]
Naturalness = Callable[[str, bytes, tuple[int, int], tuple[int, int]], float]
"""``(file, source, (start, end), place)`` -> the mean log-probability per token of the bytes
``[start, end)`` of ``source`` (a version of the file) under the project's language model, the
original lines ``place`` left out of its counts
(:class:`apr.generate.naturalness.Naturalness`)."""

_AND, _OR = frozenset({"and", "&&"}), frozenset({"or", "||"})
_TRUE = frozenset({"True", "true"})
_EXITS = frozenset({"return", "break", "continue", "raise", "throw"})
_NULLS = frozenset({"None", "null", "nil", "NULL", "undefined"})
_EQUALITY = frozenset({"is", "==", "!=", "===", "!=="})
_ZERO_OPS = frozenset({"+", "-", "<<", ">>", ">>>", "|", "^"})  # e OP 0 == e
_ONE_OPS = frozenset({"*", "/", "//", "**"})  # e OP 1 == e
_BINDS_TIGHTER = frozenset({"*", "/", "//", "%", "**", ".", "(", "["})
_DEREFERENCE = frozenset({".", "[", "->", "?."})
_CONTROL = frozenset({"if", "while", "for", "elif", "else", "return", "break", "continue"})


@dataclass(frozen=True, slots=True)
class Region:
    """The whole lines a candidate changes in one file, before and after."""

    file: str
    old: str
    new: str
    old_span: tuple[int, int]  # bytes of the original source
    new_span: tuple[int, int]  # bytes of the patched source
    patched: bytes


@dataclass(frozen=True)
class Estimator:
    """What the estimate reads: the original sources, the language, how suspicious a
    candidate's place is (0..1), and the naturalness of a stretch of code (optional)."""

    sources: Mapping[str, bytes]
    language: LanguageSupport
    tokenize: Tokenize
    suspiciousness: Callable[[Candidate], float] = lambda _: 0.0
    naturalness: Naturalness | None = None
    behaviours: Mapping[Candidate, Behaviour] = field(default_factory=dict)


def estimate(candidate: Candidate, est: Estimator, index: int = 0) -> dict[str, float]:
    """The weighted features of ``candidate``, offered to validation at position ``index``
    (only the anti-patterns found appear), and their ``total``."""
    regions = changed_regions(candidate.edits, est.sources)
    old = [t for r in regions for t in est.tokenize(r.old, est.language)]
    new = [t for r in regions for t in est.tokenize(r.new, est.language)]
    parts = static_parts(old, new)
    parts["localization"] = LOCALIZATION * est.suspiciousness(candidate)
    parts["size"] = size_part(old, new)
    if est.naturalness is not None and regions:
        parts["naturalness"] = NATURALNESS * _naturalness_gain(regions, est)
    if (seen := est.behaviours.get(candidate)) is not None:
        parts["behaviour"] = BEHAVIOUR * seen.passing
        if seen.values is not None:
            parts["behaviour_values"] = BEHAVIOUR * seen.values
    parts["order"] = order_part(index)
    parts = {k: round(v, 4) + 0.0 for k, v in parts.items()}  # + 0.0: no -0.0
    parts["total"] = round(sum(parts.values()), 4)
    return parts


def size_part(old: Sequence[str], new: Sequence[str]) -> float:
    """The ``size`` feature of a change from tokens ``old`` to tokens ``new``."""
    return SIZE * math.log1p(diff_size(old, new))


def order_part(index: int) -> float:
    """The ``order`` feature of a patch offered to validation at 0-based position ``index``."""
    return ORDER * math.log1p(index)


def rank_plausible(results: Sequence[ValidationResult], est: Estimator,
                   ) -> list[ValidationResult]:
    """``results`` with their ``estimate`` filled in, highest total first (validation order
    among equal totals)."""
    scored = [replace(r, estimate=estimate(r.candidate, est, r.index)) for r in results]
    return sorted(scored, key=lambda r: (-r.estimate["total"], r.index))


def static_parts(old: Sequence[str], new: Sequence[str]) -> dict[str, float]:
    """The weighted parts read from a change from tokens ``old`` to ``new`` alone: each
    anti-pattern found, and the ``assign_target`` prior (only those found appear)."""
    parts: dict[str, float] = {}
    for name in anti_patterns(old, new):
        parts[name] = parts.get(name, 0.0) + ANTI_PATTERN
    if moved := moved_assignments(old, new):
        parts["assign_target"] = ASSIGN_TARGET * moved
    return parts


def moved_assignments(old: Sequence[str], new: Sequence[str]) -> int:
    """How many statements of ``new`` assign the value of their ``old`` statement (same
    operator, same tokens after it) to another target; statements paired in order, and only
    where the change keeps their number."""
    before, after = statements(old), statements(new)
    if len(before) != len(after):
        return 0
    moved = 0
    for a, b in zip(before, after, strict=True):
        x, y = assignment(a), assignment(b)
        if x and y and x[0] != y[0] and x[1:] == y[1:]:
            moved += 1
    return moved


_ASSIGN = frozenset({"=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=",
                     "<<=", ">>=", ">>>=", ":="})
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


def statements(tokens: Sequence[str]) -> list[list[str]]:
    """``tokens`` cut at the line ends and ``;`` outside brackets (the cuts left out)."""
    out: list[list[str]] = [[]]
    for token, depth in _depths(tokens):
        if depth <= 0 and token in (NEWLINE, ";"):
            out.append([])
        else:
            out[-1].append(token)
    return [s for s in out if s]


def assignment(statement: Sequence[str]) -> tuple[tuple[str, ...], str, tuple[str, ...]] | None:
    """(target, operator, value) of an assignment statement: its first assignment operator
    outside brackets."""
    for i, (token, depth) in enumerate(_depths(statement)):
        if depth == 0 and token in _ASSIGN and i:
            return tuple(statement[:i]), token, tuple(statement[i + 1:])
    return None


def _depths(tokens: Sequence[str]) -> Iterator[tuple[str, int]]:
    """Each token with the bracket depth after it (negative past an unmatched closer)."""
    depth = 0
    for token in tokens:
        depth += (token in _OPEN) - (token in _CLOSE)
        yield token, depth


def anti_patterns(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """The anti-patterns a change from tokens ``old`` to ``new`` shows (see the module doc)."""
    def more(words: frozenset[str]) -> bool:
        return _count(new, words) > _count(old, words)

    found = []
    added_or = _count(new, _OR) - _null_guards(new) > _count(old, _OR) - _null_guards(old)
    if _count(new, _AND) < _count(old, _AND) or added_or or more(_TRUE):
        found.append("weaken_condition")
    if _deleted(old, new):
        found.append("delete_statement")
    if more(_EXITS):
        found.append("early_exit")
    if _shortened_string(old, new):
        found.append("shorten_string")
    if _null_values(new) > _null_values(old):
        found.append("null_value")
    if _identities(new) > _identities(old):
        found.append("identity_operation")
    if _unread_loop_variables(new) - _unread_loop_variables(old):
        found.append("unused_loop_variable")
    return found


def changed_regions(edits: Sequence[Edit], sources: Mapping[str, bytes]) -> list[Region]:
    """Per file, the whole lines from the first edit to the last, before and after the edits."""
    regions = []
    for file in sorted({e.file for e in edits}):
        mine = sorted((e for e in edits if e.file == file), key=lambda e: e.start)
        source = sources.get(file)
        if source is None:
            continue
        start = source.rfind(b"\n", 0, mine[0].start) + 1
        end = source.find(b"\n", mine[-1].end)
        end = len(source) if end < 0 else end
        patched, pos = bytearray(), 0
        for edit in mine:
            patched += source[pos:edit.start] + edit.text.encode("utf-8")
            pos = edit.end
        patched += source[pos:]
        new_end = end + len(patched) - len(source)
        regions.append(Region(file, decode_source(source[start:end]),
                              decode_source(bytes(patched[start:new_end])), (start, end),
                              (start, new_end), bytes(patched)))
    return regions


def _naturalness_gain(regions: Sequence[Region], est: Estimator) -> float:
    assert est.naturalness is not None  # checked by the caller
    gains = []
    for region in regions:
        place = region.old_span
        before = est.naturalness(region.file, est.sources[region.file], place, place)
        after = est.naturalness(region.file, region.patched, region.new_span, place)
        gains.append(after - before)
    return max(-2.0, min(2.0, sum(gains) / len(gains)))


def _count(tokens: Sequence[str], words: frozenset[str]) -> int:
    return sum(1 for t in tokens if t in words)


def _deleted(old: Sequence[str], new: Sequence[str]) -> bool:
    """A statement deleted (nothing, or ``pass``, left), or a control keyword gone."""
    code = [t for t in new if t not in ("pass", ";", NEWLINE)]
    if old and not code:
        return True
    return _count(new, _CONTROL) < _count(old, _CONTROL)


def _null_guards(tokens: Sequence[str]) -> int:
    """The ``or``/``||`` whose left clause tests a name for null (``x is None``, ``x == null``,
    ``!x``, ``not x``) that the tokens after it dereference (``x.next``, ``x[0]``)."""
    found = 0
    for i, token in enumerate(tokens):
        if token not in _OR:
            continue
        name = _null_tested(tokens[:i])
        if name and any(tokens[j] == name and tokens[j + 1] in _DEREFERENCE
                        for j in range(i + 1, len(tokens) - 1)):
            found += 1
    return found


def _null_tested(clause: Sequence[str]) -> str | None:
    """The name the end of ``clause`` tests for null, if it does."""
    if len(clause) >= 2 and clause[-2] in ("!", "not") and clause[-1].isidentifier():
        return clause[-1]
    if len(clause) >= 3 and clause[-2] in _EQUALITY:
        left, right = clause[-3], clause[-1]
        if right in _NULLS and left.isidentifier() and (len(clause) < 4 or clause[-4] != "."):
            return left
        if left in _NULLS and right.isidentifier():
            return right
    return None


def _null_values(tokens: Sequence[str]) -> int:
    """The null words used as values: not compared with (``x is None``, ``null != p``)."""
    return sum(1 for i, t in enumerate(tokens) if t in _NULLS
               and not (i > 0 and tokens[i - 1] in _EQUALITY | {"not"})
               and not (i + 1 < len(tokens) and tokens[i + 1] in _EQUALITY))


def _identities(tokens: Sequence[str]) -> int:
    """Operations with their identity element: ``e * 1``, ``e + 0``, ``1 * e``, ``0 + e``,
    and a literal added and taken away again in one expression (``1 + e - 1``)."""
    found = 0
    signed: set[tuple[str, str]] = set()
    for i, token in enumerate(tokens):
        unit = _unit(token)
        if unit is None:
            continue
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        binary = _is_operand(tokens[i - 2] if i >= 2 else "")
        right = (unit == "0" and before in _ZERO_OPS) or (unit == "1" and before in _ONE_OPS)
        if right and binary and after not in _BINDS_TIGHTER:
            found += 1
        elif before not in _BINDS_TIGHTER and ((unit == "1" and after == "*")
                                              or (unit == "0" and after == "+")):
            found += 1
        if after in _BINDS_TIGHTER:
            continue
        if before in ("+", "-") and binary:
            signed.add((before, token))
        elif after in ("+", "-") and before not in _BINDS_TIGHTER | {"-"}:
            signed.add(("+", token))
    return found + sum(1 for sign, lit in signed if sign == "-" and ("+", lit) in signed)


def _unit(token: str) -> str | None:
    """``"0"`` or ``"1"`` for a numeric literal of that value (``0``, ``1.0``, ``1L``)."""
    digits = token.rstrip("lLfFdDuU")
    if not digits or not digits[0].isdigit():
        return None
    try:
        value = float(digits)
    except ValueError:
        return None
    return "0" if value == 0 else "1" if value == 1 else None


def _is_operand(token: str) -> bool:
    """Whether ``token`` can end an operand (so that an operator after it is binary)."""
    return bool(token) and (token[-1].isalnum() or token[-1] in "_)]\"'")


def _unread_loop_variables(tokens: Sequence[str]) -> set[str]:
    """Names that a ``for NAME in`` of ``tokens`` binds and that no other token reads (a
    ``_`` says so on purpose)."""
    bound = {tokens[i + 1] for i in range(len(tokens) - 2)
             if tokens[i] == "for" and tokens[i + 2] == "in" and tokens[i + 1].isidentifier()}
    return {name for name in bound if name != "_" and tokens.count(name) == 1}


def _shortened_string(old: Sequence[str], new: Sequence[str]) -> bool:
    before = {t for t in old if _is_string(t)}
    after = {t for t in new if _is_string(t)} - before
    return any(_body(a) in _body(b) and len(_body(a)) < len(_body(b))
               for a in after for b in before)


def _is_string(token: str) -> bool:
    return len(token) >= 2 and token[-1] in "\"'" and token.lstrip("rbufRBUF")[:1] in ("'", '"')


def _body(token: str) -> str:
    return token.lstrip("rbufRBUF").strip("\"'")
