"""A blank in the code under repair (:class:`MaskedCode`) and what fills it (:class:`Filler`).

GAMMA (Zhang et al. 2023) keeps TBar's fix-pattern families but leaves the donor code blank: an
operator, a literal, a variable, a method name, an argument, a returned expression, an added
condition clause or guard becomes ``<mask>``, and a masked language model proposes what goes
there. A :class:`MaskedCode` is one such blank; a :class:`Filler` proposes its best fillings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from apr.generate.site import Node, Site

MASK = "<mask>"

# What a blank stands for: fillers draw candidates by kind (CodeT5 ignores it).
OPERATOR = "operator"  # hint: arithmetic, comparison, boolean, augmented
LITERAL = "literal"
NAME = "name"  # a variable
ATTRIBUTE = "attribute"  # the name after a dot; hint: the owner's text
CALLEE = "callee"  # a called function's or method's name; hint: "function" or "method"
ARGUMENT = "argument"  # an argument in place; hint: the callee's name
NEW_ARGUMENT = "new_argument"  # an argument added to a call; hint: the callee's name
EXPRESSION = "expression"  # a returned value
CONDITION = "condition"  # an added clause, a guard's condition
TYPE = "type"  # a declared type (Java)
EXCEPTION = "exception"  # the exception class an ``except`` clause catches
SLICE = "slice"  # the inside of a subscript's brackets, ``a[<mask>]``, when it is a slice
KINDS = (OPERATOR, LITERAL, NAME, ATTRIBUTE, CALLEE, ARGUMENT, NEW_ARGUMENT, EXPRESSION,
         CONDITION, TYPE, EXCEPTION, SLICE)


@dataclass(frozen=True, slots=True)
class MaskedCode:
    """One blank: bytes ``[start, end)`` of the file become ``prefix + filling + suffix``.

    Attributes:
        pattern: the mask pattern's name (the candidate's template).
        kind: what the blank stands for (one of :data:`KINDS`).
        start: first byte replaced (an insertion has ``start == end``).
        end: end of the bytes replaced.
        original: the text the blank replaced, None when the blank is inserted.
        site: the hunk, its file (``site.source``) and its syntax.
        node: the node the blank replaced or belongs to (a call for an added argument).
        prefix: text put before the filling (``", "`` for an added argument).
        suffix: text put after it.
        hint: more about the blank, per kind (see :data:`KINDS`).
        root: the project's root folder, when known (fillers may learn from its files).
        file: the file's path relative to ``root`` (POSIX).
    """

    pattern: str
    kind: str
    start: int
    end: int
    original: str | None
    site: Site = field(repr=False, compare=False)
    node: Node | None = field(default=None, repr=False, compare=False)
    prefix: str = ""
    suffix: str = ""
    hint: str = ""
    root: Path | None = None
    file: str = ""

    def replacement(self, filling: str) -> str:
        """What replaces bytes ``[start, end)`` for ``filling``."""
        return f"{self.prefix}{filling}{self.suffix}"

    @property
    def span(self) -> tuple[int, int]:
        """The whole lines that hold the hunk and the blank: ``(first byte, end of last line)``."""
        site = self.site
        return (site.line_start(min(self.start, site.start)),
                site.line_end(max(self.end, site.end)))

    def lines(self, filling: str) -> str:
        """The lines of :attr:`span` with the blank filled."""
        low, high = self.span
        return (self.site.slice(low, self.start) + self.replacement(filling)
                + self.site.slice(self.end, high))

    def buggy_lines(self) -> str:
        """The lines of :attr:`span` as they are."""
        return self.site.slice(*self.span)

    def describe(self) -> str:
        """The masked lines, stripped, for descriptions: ``if x <mask> y:``."""
        return " ".join(self.lines(MASK).split())


Scored = tuple[str, float]


class Filler(Protocol):
    """Proposes fillings for a blank.

    ``fill`` returns at most ``n`` ``(filling, score)`` pairs, best first, without repeats and
    without the blank's original text; a score is the filler's log-probability of the filled
    code (higher is better), comparable between the fillings of one blank only.
    """

    name: str

    def fill(self, masked: MaskedCode, n: int) -> list[Scored]: ...
