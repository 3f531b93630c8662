"""Benchmarks: suites of known bugs behind one interface (:class:`apr.bench.base.Benchmark`).

``SUITES`` is the explicit registry (name -> factory taking the suite's path and language, and
the keyword options that ``OPTIONS`` lists for it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from apr.bench.base import Benchmark, Bug
from apr.errors import UsageError

__all__ = ["OPTIONS", "SUITES", "Benchmark", "Bug", "open_suite"]


def _manifest(path: str | None, language: str) -> Benchmark:
    from apr.bench.manifest import ManifestSuite

    return ManifestSuite(path or Path("benchmarks/python").resolve())


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


def _bugsinpy(path: str | None, language: str, *, clones: str | None = None,
              python: str | None = None) -> Benchmark:
    """The project clones are in ``clones``, else ``$APR_BUGSINPY_CLONES``, else
    ``<path>/clones``; ``python`` (a path or a template with ``{project}`` and
    ``{python_version}``) runs the tests, default the interpreter running apr."""
    import os

    from apr.bench.bugsinpy import BugsInPySuite

    if not path:
        raise UsageError("bugsinpy needs --path to a BugsInPy checkout")
    clones = clones or os.environ.get("APR_BUGSINPY_CLONES")
    return BugsInPySuite(path, str(Path(clones).resolve()) if clones else None, language,
                         python=python)


SUITES: dict[str, Callable[..., Benchmark]] = {
    "manifest": _manifest,
    "quixbugs": _quixbugs,
    "defects4j": _defects4j,
    "bugsinpy": _bugsinpy,
}

OPTIONS: dict[str, frozenset[str]] = {"bugsinpy": frozenset({"clones", "python"})}
"""The keyword options each suite's factory takes (``apr bench --clones``, ``--python``)."""


def open_suite(name: str, path: str | Path | None, language: str = "python",
               **options: str | None) -> Benchmark:
    """The suite called ``name`` at ``path``; ``options`` left ``None`` are not given.

    Raises:
        UsageError: unknown suite, an option the suite does not take, or a path that is not
            such a suite.
    """
    if name not in SUITES:
        raise UsageError(f"unknown suite {name!r}; known: {', '.join(SUITES)}")
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(set(given) - OPTIONS.get(name, frozenset()))
    if unknown:
        raise UsageError(f"{name} does not take {', '.join('--' + k for k in unknown)}")
    # absolute: a suite object travels to cluster workers, whose working folder is not ours
    return SUITES[name](str(Path(path).resolve()) if path is not None else None, language,
                        **given)
