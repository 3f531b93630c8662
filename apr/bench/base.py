"""One interface for every benchmark suite.

A :class:`Bug` says what a suite knows about one bug; a :class:`Benchmark` lists its bugs, checks
one out as a git repository (the buggy version, one commit), and gives the developer's patch as a
unified diff from the buggy to the fixed version, relative to the checkout's root. Adapters never
know a bug by its id: everything comes from the suite's own files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from apr.project.workspace import commit_all


@dataclass(frozen=True, slots=True)
class Bug:
    """One bug of a suite.

    Attributes:
        id: unique within the suite.
        language: ``python``, ``java``, ...
        failing_tests: the trigger tests, as the suite names them (may be empty if unknown).
        test_command: how to run the tests in a checkout; ``None`` = the driver's default.
        driver: the test driver (``junit``, ``pytest``...); ``None`` = detected from the checkout
            (a build file such as ``pom.xml`` picks its build tool's driver).
        hunks: how many separate places the developer's patch changes.
        kind: a short category (``"comparison operator"``), when the suite says.
    """

    id: str
    language: str
    failing_tests: tuple[str, ...] = ()
    test_command: str | None = None
    driver: str | None = None
    hunks: int = 1
    kind: str = ""
    description: str = ""


class Benchmark(Protocol):
    name: str

    def bugs(self) -> list[Bug]:
        """Every bug of the suite, in a stable order."""
        ...

    def checkout(self, bug: Bug, dest: Path) -> Path:
        """Write the buggy version into ``dest`` (new or empty) as a git repo with one commit."""
        ...

    def developer_patch(self, bug: Bug) -> str:
        """The fix as a unified diff (buggy -> fixed) relative to the checkout's root."""
        ...


def select(bugs: Sequence[Bug], ids: Sequence[str] | None) -> list[Bug]:
    """The bugs named in ``ids`` (all when ``None``), in suite order.

    Raises:
        UsageError: an id that the suite does not have.
    """
    from apr.errors import UsageError

    if not ids:
        return list(bugs)
    known = {b.id for b in bugs}
    missing = [i for i in ids if i not in known]
    if missing:
        raise UsageError(f"unknown bug id(s): {', '.join(missing)}")
    wanted = set(ids)
    return [b for b in bugs if b.id in wanted]


def commit_tree(dest: Path, message: str) -> Path:
    """``git init`` ``dest`` and commit everything in it."""
    commit_all(dest, message)
    return dest


def ensure_empty(dest: Path) -> None:
    """Raise UsageError unless ``dest`` is absent or an empty directory; then create it."""
    from apr.errors import UsageError

    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest}: exists and is not an empty directory")
    dest.mkdir(parents=True, exist_ok=True)
