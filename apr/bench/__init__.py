"""Benchmarks: suites of known bugs behind one interface (:class:`apr.bench.base.Benchmark`).

``SUITES`` is the explicit registry (name -> factory taking the suite's path and language).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from apr.bench.base import Benchmark, Bug
from apr.errors import UsageError

__all__ = ["SUITES", "Benchmark", "Bug", "open_suite"]


def _manifest(path: str | None, language: str) -> Benchmark:
    from apr.bench.manifest import ManifestSuite

    return ManifestSuite(path or "benchmarks/python")


def _quixbugs(path: str | None, language: str) -> Benchmark:
    from apr.bench.quixbugs import QuixBugsSuite

    if not path:
        raise UsageError("quixbugs needs --path to a QuixBugs checkout")
    return QuixBugsSuite(path, language)


def _defects4j(path: str | None, language: str) -> Benchmark:
    """Java only: ``language`` (the CLI's default is python) is not consulted."""
    from apr.bench.defects4j import Defects4JSuite

    if not path:
        raise UsageError("defects4j needs --path to the Defects4J root")
    return Defects4JSuite(path)


def _bugsinpy(path: str | None, language: str) -> Benchmark:
    """The project clones are in ``$APR_BUGSINPY_CLONES`` (default ``<path>/clones``)."""
    import os

    from apr.bench.bugsinpy import BugsInPySuite

    if not path:
        raise UsageError("bugsinpy needs --path to a BugsInPy checkout")
    return BugsInPySuite(path, os.environ.get("APR_BUGSINPY_CLONES"), language)


SUITES: dict[str, Callable[[str | None, str], Benchmark]] = {
    "manifest": _manifest,
    "quixbugs": _quixbugs,
    "defects4j": _defects4j,
    "bugsinpy": _bugsinpy,
}


def open_suite(name: str, path: str | Path | None, language: str = "python") -> Benchmark:
    """The suite called ``name`` at ``path``.

    Raises:
        UsageError: unknown suite, or a path that is not such a suite.
    """
    if name not in SUITES:
        raise UsageError(f"unknown suite {name!r}; known: {', '.join(SUITES)}")
    return SUITES[name](str(path) if path is not None else None, language)
