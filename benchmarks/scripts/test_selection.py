"""How many test runs did test selection save in a bench run? (Reads DIR/results.jsonl.)

Per bug, from each record's ``test_stages`` (summed over its validated candidates):

- ``selected``: tests run after the targets, those covering the changed files;
- ``skipped``: passing tests selection left out. The old way ran them too (the whole suite
  after the targets), so ``selected + skipped`` is what the old way ran at that stage;
- ``full``: tests of the whole-suite runs that confirm a plausible patch (the price of safety).

saved = (skipped - full) / (selected + skipped): the share of the test executions after the
targets that the old way made and this run did not. Counted in tests, not seconds: a run's
start-up (a JVM, pytest's collection) is paid by both ways and is not counted.

    python benchmarks/scripts/test_selection.py DIR [DIR ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KEYS = ("selected_tests", "skipped_tests", "full_tests")


def share(selected: float, skipped: float, full: float) -> str:
    base = selected + skipped
    return f"{(skipped - full) / base:6.1%}" if base > 0 else "     -"


def main(dirs: list[str]) -> None:
    print(f"{'bug':40} {'selected':>9} {'skipped':>9} {'full':>9} {'saved':>7}")
    grand = [0.0, 0.0, 0.0]
    for folder in dirs:
        for line in (Path(folder) / "results.jsonl").read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            stages = record.get("test_stages") or {}
            values = [float(stages.get(k, 0)) for k in KEYS]
            grand = [g + v for g, v in zip(grand, values, strict=True)]
            print(f"{record['bug']:40} {values[0]:9.0f} {values[1]:9.0f} {values[2]:9.0f} "
                  f"{share(*values):>7}")
    print(f"{'total':40} {grand[0]:9.0f} {grand[1]:9.0f} {grand[2]:9.0f} {share(*grand):>7}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
