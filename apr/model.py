"""The domain values every stage exchanges.

Each value is a frozen dataclass that round-trips through JSON (:func:`to_json` /
:func:`from_json`), so a stage's output can be written into the run folder and read back.

Positions: ``file`` is always a POSIX path relative to the repository root; lines are 1-based;
``Edit.start``/``Edit.end`` are byte offsets into the file's original (buggy) content.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Location:
    """A suspicious line, with its suspiciousness score (higher is more suspicious)."""

    file: str
    line: int
    score: float


@dataclass(frozen=True, slots=True)
class Hunk:
    """A statement-level region to repair: bytes ``[start, end)`` spanning lines ``first..last``."""

    file: str
    first_line: int
    last_line: int
    start: int
    end: int
    score: float
    rank: int = 0


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace bytes ``[start, end)`` of ``file`` (original content) with ``text``."""

    file: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed patch: non-overlapping edits, where it came from, and its prior score."""

    edits: tuple[Edit, ...]
    generator: str
    template: str
    score: float
    description: str = ""

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({e.file for e in self.edits}))


class TestStatus(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class TestRun:
    """What one run of a test command produced.

    ``coverage`` maps test id -> file -> covered lines (only when coverage was asked for).
    ``traces`` maps a failing test id -> its failure text (tracebacks), for localization.
    ``errors`` holds collection/setup errors that are not tied to a test.
    ``durations`` maps test id -> seconds it took (setup, call and teardown).
    ``values`` maps test id -> digest -> count: what the functions of the files asked for
    returned in the test (only from a driver that records them, when asked: ``values``).
    """

    __test__ = False  # not a pytest test class

    outcomes: dict[str, TestStatus]
    seconds: float
    returncode: int | None
    timed_out: bool = False
    output: str = ""
    coverage: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    traces: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    durations: dict[str, float] = field(default_factory=dict)
    values: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def failing(self) -> tuple[str, ...]:
        bad = (TestStatus.FAILED, TestStatus.TIMEOUT)
        return tuple(sorted(t for t, s in self.outcomes.items() if s in bad))

    @property
    def passing(self) -> tuple[str, ...]:
        return tuple(sorted(t for t, s in self.outcomes.items() if s is TestStatus.PASSED))


TestStatus.__test__ = False  # type: ignore[attr-defined]  # not a pytest test class


class Outcome(enum.StrEnum):
    """How a candidate fared in validation."""

    PLAUSIBLE = "plausible"
    PARTIAL = "partial"  # fixes some of the target tests and breaks no passing test
    TEST_FAILED = "test_failed"
    COMPILE_FAILED = "compile_failed"
    TIMEOUT = "timeout"
    APPLY_FAILED = "apply_failed"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """How one candidate fared.

    ``failing_tests``: the targets still failing and the tests it broke; ``fixed_tests``: the
    targets it made pass; ``test_stages``: per validation stage (``targets``, ``selected``,
    ``full``) the tests run (``<stage>_tests``) and the seconds the runs took
    (``<stage>_seconds``), and what test selection left out (``skipped_tests``,
    ``skipped_seconds`` at the baseline's speed); ``estimate``: the correctness estimate of a
    plausible patch, feature by feature, with its ``total`` (:mod:`apr.rank`; empty when not
    estimated). ``duplicate_of``: the index of an earlier candidate that made the same program
    (:mod:`apr.validate.programs`), whose result this is; a duplicate is never a patch of its own.
    """

    candidate: Candidate
    outcome: Outcome
    seconds: float
    tests_run: int
    failing_tests: tuple[str, ...] = ()
    diff: str = ""
    index: int = 0
    detail: str = ""
    fixed_tests: tuple[str, ...] = ()
    test_stages: dict[str, float] = field(default_factory=dict)
    estimate: dict[str, float] = field(default_factory=dict)
    duplicate_of: int | None = None

    @property
    def is_patch(self) -> bool:
        """A plausible patch of its own (not the same program as an earlier one)."""
        return self.outcome is Outcome.PLAUSIBLE and self.duplicate_of is None


class RepairStatus(enum.StrEnum):
    PLAUSIBLE = "plausible"
    PARTIAL = "partial"  # no plausible patch; some fix part of the target tests
    NONE = "none"
    NOTHING_TO_FIX = "nothing_to_fix"
    CANNOT_REPRODUCE = "cannot_reproduce"


@dataclass(frozen=True, slots=True)
class RepairResult:
    status: RepairStatus
    patches: tuple[ValidationResult, ...]
    localization: tuple[Location, ...]
    failing_tests: tuple[str, ...]
    candidates_generated: int
    candidates_validated: int
    seconds: float
    stages: dict[str, float]
    message: str = ""
    outcomes: dict[str, int] = field(default_factory=dict)
    first_plausible_seconds: float | None = None  # from the start of the run
    # failing at the baseline but not targets (they may go on failing), and flaky there
    preexisting_failures: tuple[str, ...] = ()
    flaky_tests: tuple[str, ...] = ()
    test_stages: dict[str, float] = field(default_factory=dict)  # summed over the results


# --- JSON round trip -------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """Turn a value (dataclasses, enums, tuples, dicts) into plain JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def from_json(cls: type[T], data: Any) -> T:
    """Rebuild a value of type ``cls`` from what :func:`to_json` produced."""
    return typing.cast(T, _build(cls, data))


def _build(tp: Any, data: Any) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any or data is None:
        return data
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _build(options[0], data) if len(options) == 1 else data
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {f.name: _build(hints[f.name], data[f.name])
                  for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)  # type: ignore[operator]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if origin is tuple:
        item = args[0] if args else Any
        return tuple(_build(item, v) for v in data)
    if origin is list:
        return [_build(args[0] if args else Any, v) for v in data]
    if origin is dict:
        key_t, val_t = args if args else (Any, Any)
        return {_build(key_t, k): _build(val_t, v) for k, v in data.items()}
    return data
