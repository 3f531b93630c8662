"""Where does the developer's fix rank among the candidates under SBFL, and would decaying
each family's score as it repeats (so that other families get turns sooner) bring it forward?

For each QuixBugs-Python program: check it out into WORK, run `apr repair --budget 1
--run-dir` (the baseline, SBFL and generation as a real run does them; one candidate
validated), find the first candidate in the run's `candidates.json` that is the developer's fix
(as `apr bench` judges "correct"), then re-sort the candidates with each candidate's score
multiplied by ``decay ** n``, ``n`` the number of earlier candidates of the same family (or of
the same family on the same line), and print how many fixes fall within the first 300 (the
budget of the benchmark runs). No candidate is validated; runs are kept in WORK and reused.

    python benchmarks/scripts/sbfl_order.py QUIXBUGS WORK
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from oracle_rank import first_fix  # type: ignore[import-not-found]  # this folder's

from apr.bench.manifest import fixed_version
from apr.bench.quixbugs import QuixBugsSuite
from apr.lang import get_language
from apr.model import Candidate, from_json

Row = tuple[float, str, str, int]  # score, family, file, first edit's start
Key = Callable[[Path, Row], object]
BUDGET = 300


def candidates(suite: QuixBugsSuite, work: Path) -> dict[str, tuple[Path, list[Row], int]]:
    """Per program: its checkout, its candidates in rank order, the index of the fix."""
    lang = get_language("python")
    found = {}
    for bug in suite.bugs():
        checkout, run = work / bug.id, work / f"{bug.id}-run"
        if not (run / "candidates.json").exists():
            subprocess.run(["rm", "-rf", str(checkout), str(run)], check=True)
            suite.checkout(bug, checkout)
            subprocess.run([sys.executable, "-m", "apr.cli", "repair", str(checkout), "--budget",
                            "1", "--workers", "1", "--quiet", "--time-limit", "120",
                            "--run-dir", str(run)], capture_output=True, check=False)
        if not (run / "candidates.json").exists():
            continue
        fixed = fixed_version(checkout, suite.developer_patch(bug))
        cands = [from_json(Candidate, c)
                 for c in json.loads((run / "candidates.json").read_text())]
        rank = first_fix(cands, lambda f, at=checkout: (at / f).read_bytes(), fixed, lang)
        if rank is not None:
            rows = [(c.score, c.template, c.edits[0].file, c.edits[0].start) for c in cands]
            found[bug.id] = (checkout, rows, rank - 1)
    return found


def reorder(checkout: Path, rows: list[Row], key: Key, decay: float) -> list[int]:
    seen: collections.Counter[object] = collections.Counter()
    scored = []
    for index, row in enumerate(rows):
        k = key(checkout, row)
        scored.append((-row[0] * decay ** seen[k], index))
        seen[k] += 1
    return [index for _, index in sorted(scored)]


def _line(checkout: Path, row: Row) -> object:
    return (row[1], (checkout / row[2]).read_bytes().count(b"\n", 0, row[3]))


KEYS: dict[str, Key] = {"family": lambda _, row: row[1], "family@line": _line}


def main(quixbugs: str, work: str) -> None:
    found = candidates(QuixBugsSuite(quixbugs), Path(work))
    print(f"programs whose fix is generated under SBFL: {len(found)}")
    variants = [("as ranked", KEYS["family"], 1.0)] + [
        (f"{name} {decay}", key, decay) for name, key in KEYS.items()
        for decay in (0.99, 0.97, 0.95, 0.9)]
    for label, key, decay in variants:
        ranks = {bug: reorder(c, rows, key, decay).index(fix)
                 for bug, (c, rows, fix) in found.items()}
        ordered = sorted(ranks.values())
        far = ", ".join(f"{b} {r}" for b, r in sorted(ranks.items()) if r >= BUDGET)
        print(f"{label:18s} within {BUDGET}: {sum(r < BUDGET for r in ordered):2d}  "
              f"within 100: {sum(r < 100 for r in ordered):2d}  median "
              f"{ordered[len(ordered) // 2]}  beyond: {far}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
