"""The Test Anything Protocol (TAP 12/13/14), as C test programs print it.

::

    1..4
    ok 1 - push grows the stack
    not ok 2 - pop returns the last item
    # expected 3, got 2
    ok 3 - peek on empty # SKIP not implemented
    not ok 4 - resize # TODO known bug
    Bail out! out of memory

Each test line becomes a :class:`TapTest`: ``ok`` passed, ``not ok`` failed, ``# SKIP``
skipped, and ``not ok ... # TODO`` skipped too (an expected failure does not count, as TAP
says; ``ok ... # TODO`` passed). The lines after a ``not ok`` up to the next test line (``#``
diagnostics, a YAML block, whatever the program printed) are its trace. A test without a
description is named ``test N``; a name seen twice in one stream gets `` (2)``, `` (3)``...
Indented lines (TAP 14 subtests) are not tests of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apr.model import TestStatus

_TEST = re.compile(r"^(not )?ok\b[ \t]*(\d+)?[ \t]*(?:-[ \t]*)?(.*)$")
_DIRECTIVE = re.compile(r"(?<!\\)#\s*(skip\w*|todo)\b\s*(.*)$", re.I)
_PLAN = re.compile(r"^1\.\.(\d+)")
_BAIL = re.compile(r"^Bail out!\s*(.*)$")


@dataclass(frozen=True, slots=True)
class TapTest:
    """One test line: its name (unique in its stream), status and trace."""

    name: str
    status: TestStatus
    trace: str = ""


@dataclass(slots=True)
class TapStream:
    """What one TAP stream said: its tests in order, its plan, whether it bailed out."""

    tests: list[TapTest] = field(default_factory=list)
    planned: int | None = None
    bailed: str | None = None

    @property
    def complete(self) -> bool:
        """Whether every planned test was reported and the stream did not bail out (a stream
        without a plan is complete when it did not bail out)."""
        if self.bailed is not None:
            return False
        return self.planned is None or len(self.tests) >= self.planned


def parse_tap(text: str) -> TapStream:
    """The tests of one TAP stream (several plans in ``text`` are read as one stream)."""
    stream = TapStream()
    seen: dict[str, int] = {}
    trace: list[str] = []
    for line in text.splitlines():
        test = _TEST.match(line)
        if test is not None:
            _close(stream, trace)
            stream.tests.append(_test(test, len(stream.tests) + 1, seen))
            continue
        plan, bail = _PLAN.match(line), _BAIL.match(line)
        if plan is not None:
            stream.planned = (stream.planned or 0) + int(plan.group(1))
        elif bail is not None:
            stream.bailed = bail.group(1).strip() or "no reason given"
        elif stream.tests and line.strip():
            trace.append(line)
    _close(stream, trace)
    return stream


def _test(match: re.Match[str], position: int, seen: dict[str, int]) -> TapTest:
    failed, number, rest = bool(match.group(1)), match.group(2), match.group(3)
    directive = _DIRECTIVE.search(rest)
    description = (rest[: directive.start()] if directive else rest).strip()
    name = description or f"test {number or position}"
    seen[name] = seen.get(name, 0) + 1
    if seen[name] > 1:
        name = f"{name} ({seen[name]})"
    kind = directive.group(1).lower() if directive else ""
    if kind.startswith("skip") or (kind == "todo" and failed):
        return TapTest(name, TestStatus.SKIPPED)
    return TapTest(name, TestStatus.FAILED if failed else TestStatus.PASSED,
                   match.group(0) if failed else "")


def _close(stream: TapStream, trace: list[str]) -> None:
    """Give the lines gathered since the last test to it, when it failed."""
    if trace and stream.tests and stream.tests[-1].status is TestStatus.FAILED:
        last = stream.tests[-1]
        stream.tests[-1] = TapTest(last.name, last.status, "\n".join([last.trace, *trace]))
    trace.clear()
