"""Which failing tests a patch must fix, and how one test run is judged against that.

At the baseline some tests fail. The *targets* are those the patch must make pass: the tests the
user names (``--failing``), or else every failing test. A test that fails at the baseline and
is not a target is a *pre-existing* failure (a missing tool, the JDK, the network): it may fail
before and after. A failing test that passes when run again at the baseline is *flaky*: never a
target, and its outcome is ignored. Every other test that passed at the baseline must still pass
(Defects4J's rule: the trigger tests pass and no previously passing test fails).

A patch that makes every target pass (and breaks nothing) is plausible; one that fixes some
targets and breaks nothing is *partial*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from apr.errors import CannotReproduce, UsageError
from apr.model import Outcome, TestRun, TestStatus

_BAD = (TestStatus.FAILED, TestStatus.TIMEOUT)


@dataclass(frozen=True, slots=True)
class Expectation:
    """What validation expects of a patch (see the module docstring)."""

    targets: tuple[str, ...]
    preexisting: tuple[str, ...] = ()
    flaky: tuple[str, ...] = ()

    @property
    def tolerated(self) -> frozenset[str]:
        """Tests whose failure after a patch is no reason to reject it."""
        return frozenset((*self.preexisting, *self.flaky))


def expectation(baseline: TestRun, rerun: TestRun | None, named: Sequence[str] = ()
                ) -> Expectation:
    """The targets, pre-existing failures and flaky tests of a baseline.

    Args:
        baseline: the first run of the whole suite.
        rerun: the baseline's failing tests run once more (None: not rerun); a test that passes
            there is flaky.
        named: the tests the user says the patch must fix (``--failing``); each is a test id,
            the end of one (``test_x::test_y``, ``Class#method``), or a file (all its tests).

    Raises:
        UsageError: a named test matches no test of the suite.
        CannotReproduce: a named test passes at the baseline.
    """
    failing = set(baseline.failing)
    flaky = {t for t in failing if rerun is not None and rerun.outcomes.get(t) is
             TestStatus.PASSED}
    if named:
        targets = set(match_tests(named, baseline.outcomes))
        passing = sorted(t for t in targets if t not in failing)
        if passing:
            raise CannotReproduce(f"--failing {passing[0]}: it passes on the unpatched code"
                                  + (f" (and {len(passing) - 1} more)" if len(passing) > 1
                                     else ""))
        flaky -= targets  # named by the user: a target even if it passed once
    else:
        targets = failing - flaky
    return Expectation(targets=tuple(sorted(targets)),
                       preexisting=tuple(sorted(failing - targets - flaky)),
                       flaky=tuple(sorted(flaky)))


def match_tests(named: Sequence[str], known: Iterable[str]) -> list[str]:
    """The test ids of ``known`` that the user's names stand for.

    A name matches an id equal to it, an id that ends with it after a separator (``::``, ``#``,
    ``.``, ``/``), or, for a file (``tests/test_x.py``), every id in that file.

    Raises:
        UsageError: a name matches nothing.
    """
    ids = sorted(set(known))
    found: list[str] = []
    for name in named:
        hits = _matches(name.strip(), ids)
        if not hits:
            raise UsageError(f"--failing {name}: no such test in the suite"
                             + _suggest(name, ids))
        found += [h for h in hits if h not in found]
    return found


def _matches(name: str, ids: Sequence[str]) -> list[str]:
    if name in ids:
        return [name]
    ends = [t for t in ids if any(t.endswith(sep + name) for sep in ("::", "#", ".", "/"))]
    return ends or [t for t in ids if t.startswith(name.rstrip("/") + "::")]


def _suggest(name: str, ids: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, ids, n=1, cutoff=0.5)
    return f" (did you mean {close[0]}?)" if close else ""


def read_failing(values: Iterable[str]) -> tuple[str, ...]:
    """``--failing`` values, each a test name or ``@FILE`` (one name a line; ``#`` comments).

    Raises:
        UsageError: a ``@FILE`` that cannot be read.
    """
    names: list[str] = []
    for value in values:
        if not value.startswith("@"):
            names.append(value)
            continue
        try:
            text = open(value[1:], encoding="utf-8").read()  # noqa: SIM115 -- read at once
        except OSError as exc:
            raise UsageError(f"--failing {value}: cannot read it: {exc.strerror}") from None
        names += [line.strip() for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")]
    return tuple(names)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One run judged: ``outcome`` is PLAUSIBLE when nothing went wrong in it (no error, no
    test broken); ``fixed``/``unfixed`` are the targets that ran and passed / failed; ``hung``
    whether an unfixed target ran past its time."""

    outcome: Outcome
    fixed: frozenset[str] = frozenset()
    unfixed: frozenset[str] = frozenset()
    broken: tuple[str, ...] = ()
    hung: bool = False


def judge(run: TestRun, expect: Expectation, asked: Sequence[str] | None = None) -> Verdict:
    """Judge one run of the tests ``asked`` (None: the whole suite) against ``expect``."""
    if run.errors:
        return Verdict(Outcome.COMPILE_FAILED)
    if run.timed_out:
        return Verdict(Outcome.TIMEOUT)
    bad = {t for t, s in run.outcomes.items() if s in _BAD}
    targets = set(expect.targets)
    broken = tuple(sorted(bad - targets - expect.tolerated))
    fixed = frozenset(t for t in targets if run.outcomes.get(t) in (TestStatus.PASSED,))
    unfixed = frozenset(t for t in targets if t in bad)
    if broken:
        timeouts = all(run.outcomes[t] is TestStatus.TIMEOUT for t in broken)
        return Verdict(Outcome.TIMEOUT if timeouts else Outcome.TEST_FAILED, fixed, unfixed,
                       broken)
    missing = asked is not None and set(asked) - set(run.outcomes)
    if not run.outcomes or missing or (run.returncode not in (0, None) and not bad):
        return Verdict(Outcome.ERROR, fixed, unfixed)
    hung = any(run.outcomes[t] is TestStatus.TIMEOUT for t in unfixed)
    return Verdict(Outcome.PLAUSIBLE, fixed, unfixed, hung=hung)
