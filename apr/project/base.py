"""The TestDriver seam: build and run a project's tests in a workspace, per test."""

from __future__ import annotations

import shlex
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Protocol

from apr.errors import UsageError
from apr.model import TestRun


class TestDriver(Protocol):
    """Runs tests in a workspace directory and reports per-test outcomes.

    Contract:
        ``run(project_dir, tests=None, coverage=False, fail_fast=False)`` runs ``tests`` (ids as
        this driver reported them; ``None`` for the whole suite) in ``project_dir``. It never
        raises for failing tests; it returns a :class:`TestRun` whose ``timed_out`` is set when
        the whole run passed its time limit. With ``coverage``, ``TestRun.coverage`` maps each
        test id to the lines it executed, per file relative to ``repo_root``.

    Optional (looked up with ``getattr``): ``prepare(project_dir, repo_root)`` starts a
    workspace's warm test workers ahead of its first run (:class:`~apr.validate.validator.
    WorkspacePool.warm_up`); ``foresee(project_dir, repo_root, coming)`` is shown, before a
    candidate's runs, the files the next candidates will write (``coming``: one mapping of
    repository path to content per candidate), so that the driver can prepare them (the
    junit driver compiles them ahead in batches). A driver whose ``records_values`` is true
    also takes ``run(..., values=FILES)`` (:class:`RecordsValues`).
    """

    name: str

    def run(
        self,
        project_dir: Path,
        repo_root: Path,
        tests: Sequence[str] | None = None,
        *,
        coverage: bool = False,
        fail_fast: bool = False,
        timeout: float | None = None,
        test_timeout: float | None = None,
    ) -> TestRun: ...

    def is_test_file(self, file: str) -> bool:
        """Whether ``file`` (relative to the repo root) belongs to the tests, not the code."""
        ...

    def argv(self, project_dir: Path) -> list[str]:
        """The test command as run (for messages)."""
        ...

    def close(self) -> None:
        """Remove whatever the driver set up (temporary files); safe to call twice."""
        ...


class RecordsValues(Protocol):
    """A driver that can record, per test, what the functions of some files return
    (``TestRun.values``; the pytest driver): ``run`` takes ``values``, those files relative
    to ``repo_root``."""

    records_values: bool

    def run(self, project_dir: Path, repo_root: Path, tests: Sequence[str] | None = None, *,
            coverage: bool = False, fail_fast: bool = False, timeout: float | None = None,
            test_timeout: float | None = None, values: Sequence[str] = ()) -> TestRun: ...


def records_values(driver: object) -> bool:
    """Whether ``driver`` takes ``run(..., values=FILES)`` (:class:`RecordsValues`)."""
    return bool(getattr(driver, "records_values", False))


def driver_options(command: str | None, keys: Collection[str], driver: str) -> dict[str, str]:
    """The ``key=value`` words of a driver's command string (``main=src release=11``).

    Raises:
        UsageError: a word that is not ``key=value`` with one of ``keys``.
    """
    options: dict[str, str] = {}
    for word in shlex.split(command or ""):
        key, sep, value = word.partition("=")
        if not sep or key not in keys:
            raise UsageError(f"{driver} driver: bad option {word!r}; use key=value with keys "
                             f"{', '.join(keys)}")
        options[key] = value
    return options
