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


SUITES: dict[str, Callable[[str | None, str], Benchmark]] = {
    "manifest": _manifest,
    "quixbugs": _quixbugs,
}


def open_suite(name: str, path: str | Path | None, language: str = "python") -> Benchmark:
    """The suite called ``name`` at ``path``.

    Raises:
        UsageError: unknown suite, or a path that is not such a suite.
    """
    if name not in SUITES:
        raise UsageError(f"unknown suite {name!r}; known: {', '.join(SUITES)}")
    return SUITES[name](str(path) if path is not None else None, language)
