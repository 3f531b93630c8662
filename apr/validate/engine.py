"""The validation engine: warm test workers, the cold path, and a check that they agree.

``engine`` (config and ``--engine``) chooses how candidates' tests run:

- ``warm`` (default): the driver's warm workers (a fork server for pytest, a JVM that loads
  each candidate's classes in a fresh class loader for JUnit) where the driver has them and the
  project allows them; the driver falls back to the cold path by itself, saying why.
- ``cold``: a fresh test process per run, as a user would run the tests.
- ``check``: every validation run goes both ways and the outcomes must agree, test by test;
  the first difference stops the run (:class:`EngineMismatch`, exit 4) with the tests that
  differ and the candidate's diff. Size the sample with ``--budget``. The baseline and coverage
  runs are cold in every mode. The junit driver's cold side builds into a folder of its own
  (``.apr-build-cold``): in the warm side's build it would leave each candidate compiled, and
  the warm JVM would run those classes instead of compiling (and compiling ahead) its own.
  The warm side is shown the coming candidates (``foresee``) as a warm engine's driver is.

A difference where either run hit a time limit is not counted (a timeout measures the
machine's load as much as the code); the count of runs compared is kept in ``compared``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from apr import proc
from apr.errors import AprError
from apr.model import TestRun, TestStatus
from apr.project.base import TestDriver

ENGINES = ("warm", "cold", "check")


class EngineMismatch(AprError):
    """Warm and cold validation of the same candidate gave different outcomes (exit 4)."""


def engine_driver(make: Callable[[bool], TestDriver], engine: str) -> TestDriver:
    """The driver for ``engine``: ``make(warm)`` builds a driver warm or cold."""
    if engine == "check":
        return CheckedDriver(make(True), make(False))
    return make(engine == "warm")


class CheckedDriver:
    """A TestDriver that runs each validation run warm and cold and compares the outcomes."""

    def __init__(self, warm: TestDriver, cold: TestDriver) -> None:
        self.warm, self.cold = warm, cold
        if hasattr(cold, "build_dir"):  # the junit driver: its own build, apart from warm's
            from apr.project.junit import CHECK_BUILD_DIR

            cold.build_dir = CHECK_BUILD_DIR
        self.name = cold.name
        self.compared = 0
        self._lock = threading.Lock()

    def run(self, project_dir: Path, repo_root: Path, tests: Sequence[str] | None = None, *,
            coverage: bool = False, fail_fast: bool = False, timeout: float | None = None,
            test_timeout: float | None = None) -> TestRun:
        """The cold run's result, after checking the warm run's against it.

        Raises:
            EngineMismatch: the two runs' per-test outcomes, or whether they compiled, differ.
        """
        def go(driver: TestDriver) -> TestRun:
            return driver.run(project_dir, repo_root, tests, coverage=coverage,
                              fail_fast=fail_fast, timeout=timeout, test_timeout=test_timeout)

        cold = go(self.cold)
        if coverage:
            return cold
        warm = go(self.warm)
        if not (_hit_limit(cold) or _hit_limit(warm)):
            problem = difference(warm, cold)
            if problem:
                raise EngineMismatch(f"warm and cold validation differ: {problem}\n"
                                     f"{_diff(repo_root)}")
            with self._lock:
                self.compared += 1
        return cold

    def prepare(self, project_dir: Path, repo_root: Path) -> None:
        """Start the warm driver's worker ahead (the cold one keeps none), as the pipeline
        does for a plain warm engine: the check covers runs of workers started so."""
        prepare = getattr(self.warm, "prepare", None)
        if callable(prepare):
            prepare(project_dir, repo_root)

    def foresee(self, project_dir: Path, repo_root: Path,
                coming: Sequence[Mapping[str, bytes]]) -> None:
        """Show the warm driver what the next candidates write (the junit driver compiles
        them ahead in batches): the check covers runs answered so."""
        foresee = getattr(self.warm, "foresee", None)
        if callable(foresee):
            foresee(project_dir, repo_root, coming)

    def zygote_runs(self) -> tuple[int, int]:
        """How many of the warm runs went through the pytest worker's project zygote (their
        candidate's functions swapped into modules already loaded: docs/warm.md), and how
        many of those through one of its kept pytest sessions (the tests collected already)."""
        paths = getattr(getattr(self.warm, "warm", None), "paths", None)
        if not isinstance(paths, dict):
            return 0, 0
        return int(paths.get("zygote", 0) + paths.get("session", 0)), int(paths.get("session", 0))

    def is_test_file(self, file: str) -> bool:
        return self.cold.is_test_file(file)

    def argv(self, project_dir: Path) -> list[str]:
        return self.cold.argv(project_dir)

    def describe(self, project_dir: Path) -> str:
        describe = getattr(self.cold, "describe", None)
        text = describe(project_dir) if callable(describe) else " ".join(self.argv(project_dir))
        return f"{text} (--engine check: every validation run warm and cold)"

    def close(self) -> None:
        self.warm.close()
        self.cold.close()


def difference(warm: TestRun, cold: TestRun) -> str:
    """What differs between two runs of the same tests ("" if nothing that matters)."""
    if bool(warm.errors) != bool(cold.errors) and not (warm.outcomes or cold.outcomes):
        return (f"compile or collection errors warm: {bool(warm.errors)}, "
                f"cold: {bool(cold.errors)}")
    tests = sorted(set(warm.outcomes) | set(cold.outcomes))
    differing = [f"{t}: warm {_status(warm, t)}, cold {_status(cold, t)}" for t in tests
                 if warm.outcomes.get(t) != cold.outcomes.get(t)]
    return "; ".join(differing[:10])


def _status(run: TestRun, test: str) -> str:
    status = run.outcomes.get(test)
    return "not run" if status is None else str(status)


def _hit_limit(run: TestRun) -> bool:
    return run.timed_out or TestStatus.TIMEOUT in run.outcomes.values()


def _diff(repo_root: Path) -> str:
    res = proc.run(["git", "diff", "--no-color", "--no-ext-diff"], cwd=repo_root, timeout=30)
    return res.output[-4000:]
