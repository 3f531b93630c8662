"""`apr bench compare OLD_DIR NEW_DIR`: what changed between two bench runs.

The totals of both runs side by side, over the bugs both ran (a bug only one of them ran is
listed apart, never counted), and the bugs gained and lost: correct (the first reported patch is
the developer's fix), correct at any rank (some reported plausible patch is) and plausible. The
settings lines of both runs come first: two runs under different settings are not a before and
after of one change, and the reader must see that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import median
from typing import Any

from apr.bench.records import behaves_as_fix
from apr.bench.report import load, settings_line

Record = dict[str, Any]

VERDICTS: dict[str, Callable[[Record], bool]] = {
    "correct": lambda r: bool(r.get("correct")),
    "correct_any_rank": lambda r: r.get("rank_of_first_correct") is not None
    or bool(r.get("correct")),
    "plausible": lambda r: bool(r.get("plausible")),
    "equivalent": behaves_as_fix,
}
"""The per-bug verdicts whose gains and losses are listed. ``equivalent``: the first patch is
correct or returns what the developer's program returns on sampled inputs (a differential test,
:mod:`apr.bench.equivalence`, for the suites that offer one; elsewhere it is ``correct``)."""


def totals(records: Sequence[Record]) -> dict[str, float | int | None]:
    """Counts and times of a set of records (one run's share of the common bugs)."""
    count = {name: sum(1 for r in records if test(r)) for name, test in VERDICTS.items()}
    secs = [float(r.get("seconds", 0.0)) for r in records]
    return {
        "bugs": len(records), **count,
        "correct_per_plausible": round(count["correct"] / count["plausible"], 3)
        if count["plausible"] else None,
        "equivalent_per_plausible": round(count["equivalent"] / count["plausible"], 3)
        if count["plausible"] else None,
        "exact_match": sum(1 for r in records if r.get("exact_match")),
        "errors": sum(1 for r in records if r.get("status") in ("error", "cannot_reproduce")),
        "validated": sum(int(r.get("candidates_validated", 0)) for r in records),
        "median_seconds": round(median(secs), 1) if secs else None,
        "total_minutes": round(sum(secs) / 60, 1),
    }


def compare(old: Path, new: Path) -> dict[str, Any]:
    """The comparison of the bench output directories ``old`` and ``new`` as plain data.

    Raises:
        UsageError: a directory holds no ``results.jsonl``.
    """
    (old_meta, old_records), (new_meta, new_records) = load(old), load(new)
    before = {str(r["bug"]): r for r in old_records}
    after = {str(r["bug"]): r for r in new_records}
    common = sorted(set(before) & set(after))
    changes = {}
    for name, test in VERDICTS.items():
        changes[name] = {
            "gained": [b for b in common if test(after[b]) and not test(before[b])],
            "lost": [b for b in common if test(before[b]) and not test(after[b])]}
    return {
        "old": {"dir": str(old), "settings": settings_line(old_meta)},
        "new": {"dir": str(new), "settings": settings_line(new_meta)},
        "totals": {"old": totals([before[b] for b in common]),
                   "new": totals([after[b] for b in common])},
        "changes": changes,
        "only_old": sorted(set(before) - set(after)),
        "only_new": sorted(set(after) - set(before)),
    }


def text(comparison: dict[str, Any]) -> str:
    """The comparison as a few lines for a terminal (and for RESULTS.md)."""
    old, new = comparison["totals"]["old"], comparison["totals"]["new"]
    lines = [f"old: {comparison['old']['dir']}: {comparison['old']['settings']}",
             f"new: {comparison['new']['dir']}: {comparison['new']['settings']}"]
    table = [["", "old", "new"]] + [[key, _cell(old[key]), _cell(new[key])] for key in old]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    lines += ["  ".join([row[0].ljust(widths[0]), row[1].rjust(widths[1]),
                         row[2].rjust(widths[2])]) for row in table]
    for name, change in comparison["changes"].items():
        for way in ("gained", "lost"):
            bugs = change[way]
            lines.append(f"{name} {way} ({len(bugs)}): {', '.join(bugs) or '-'}")
    for side in ("only_old", "only_new"):
        if comparison[side]:
            lines.append(f"{side.replace('_', ' in ')}, not compared ({len(comparison[side])}): "
                         + ", ".join(comparison[side]))
    return "\n".join(lines)


def _cell(value: float | int | None) -> str:
    return "-" if value is None else f"{value:g}"
