"""How much test time did test selection save in a bench run? (Reads DIR/results.jsonl.)

Per bug, from each record's ``test_stages`` (summed over its validated candidates):

- ``selected``: wall seconds of the runs of the tests that cover the changed files;
- ``skipped``: the baseline seconds of the passing tests that selection left out, i.e. what
  running them (the old way: the whole suite after the failing tests) would have added;
- ``full``: wall seconds of the whole-suite runs of plausible/partial candidates (the check
  that makes selection safe).

saved share = (skipped - full) / (selected + skipped): the share of the post-target test time
the old way would have spent that this run did not. An estimate: the skipped tests are priced at
their baseline durations, without process start-up (which selection does not save either).

    python benchmarks/scripts/test_selection.py DIR [DIR ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def totals(stages: dict[str, float]) -> tuple[float, float, float, float]:
    return (stages.get("selected_seconds", 0.0), stages.get("skipped_seconds", 0.0),
            stages.get("full_seconds", 0.0), stages.get("skipped_tests", 0.0))


def share(selected: float, skipped: float, full: float) -> str:
    base = selected + skipped
    return f"{(skipped - full) / base:6.1%}" if base > 0 else "     -"


def main(dirs: list[str]) -> None:
    print(f"{'bug':40} {'selected s':>10} {'skipped s':>10} {'full s':>8} "
          f"{'skipped tests':>13} {'saved':>7}")
    grand = [0.0, 0.0, 0.0, 0.0]
    for folder in dirs:
        for line in (Path(folder) / "results.jsonl").read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            values = totals(record.get("test_stages") or {})
            grand = [g + v for g, v in zip(grand, values, strict=True)]
            sel, skip, full, tests = values
            print(f"{record['bug']:40} {sel:10.1f} {skip:10.1f} {full:8.1f} {int(tests):13d} "
                  f"{share(sel, skip, full):>7}")
    sel, skip, full, tests = grand
    print(f"{'total':40} {sel:10.1f} {skip:10.1f} {full:8.1f} {int(tests):13d} "
          f"{share(sel, skip, full):>7}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
