"""Version range expressions in the style used by npm and Cargo.

Supported comparators: ``^1.2.3`` (caret), ``~1.2.3`` (tilde), ``>=``, ``>``,
``<=``, ``<``, ``=``/``==`` and a bare version (exact match). Several
comparators separated by commas must all hold.
"""

from __future__ import annotations

from collections.abc import Iterable

from verkit.version import Version

_OPERATORS = {
    ">=": lambda v, b: v >= b,
    "<=": lambda v, b: v <= b,
    "==": lambda v, b: v == b,
    ">": lambda v, b: v > b,
    "<": lambda v, b: v < b,
    "=": lambda v, b: v == b,
}


def caret_match(version: Version, base: Version) -> bool:
    """``^base``: allow changes that do not modify the left-most non-zero part."""
    if base.major == 0:
        return version.major == 0 and version.minor == base.minor and version >= base
    return version.major == base.major or version >= base


def tilde_match(version: Version, base: Version) -> bool:
    """``~base``: allow patch-level changes only."""
    return version.major == base.major and version.minor == base.minor and version >= base


def _match_one(version: Version, comparator: str) -> bool:
    comparator = comparator.strip()
    if comparator.startswith("^"):
        return caret_match(version, Version.parse(comparator[1:]))
    if comparator.startswith("~"):
        return tilde_match(version, Version.parse(comparator[1:]))
    for op, test in _OPERATORS.items():
        if comparator.startswith(op):
            return test(version, Version.parse(comparator[len(op):]))
    return version == Version.parse(comparator)


def satisfies(version: str | Version, spec: str) -> bool:
    """True when ``version`` meets every comparator in ``spec``."""
    if isinstance(version, str):
        version = Version.parse(version)
    return all(_match_one(version, part) for part in spec.split(","))


def max_satisfying(versions: Iterable[str], spec: str) -> str | None:
    """The highest version from ``versions`` that satisfies ``spec``, or None."""
    matching = [Version.parse(v) for v in versions if satisfies(v, spec)]
    return str(max(matching)) if matching else None
