"""How long one validation run of a real Python project's tests takes under apr's pytest driver:
cold (a fresh process), warm without the project zygote, warm with it but without kept pytest
sessions, and warm (all of it). One run, one machine.

Takes a local git checkout of any project, the interpreter of its environment, the tests to
run and a JSON list of candidate-like edits (``[{"file", "old", "new"}]``, ``old`` replaced by
``new`` once). Each mode gets a workspace of its own; per round it runs the tests with each
edit applied and once without, and prints the median seconds per run, which path the warm
runs took, and whether every run's outcomes equal the cold ones.

    python benchmarks/perf/python_project_runs.py --project PATH --python PY \\
        --tests TEST[,TEST...] --edits EDITS.json [--rounds N]

Nothing of the project is copied into apr; the measured numbers are in RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo

MODES = ("cold", "warm, no zygote", "warm, no sessions", "warm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--python", required=True, help="the project environment's interpreter")
    parser.add_argument("--tests", required=True, help="comma-separated pytest node ids")
    parser.add_argument("--edits", type=Path, required=True, help="JSON: [{file, old, new}]")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    edits = json.loads(args.edits.read_text())
    tests = args.tests.split(",")
    outcomes: dict[str, list[list[tuple[str, str]]]] = {}
    with Snapshot(UserRepo.locate(args.project)) as snapshot:
        for mode in MODES:
            outcomes[mode] = measure(snapshot, mode, args.python, tests, edits, args.rounds)
    same = {mode: outcomes[mode] == outcomes["cold"] for mode in MODES[1:]}
    print(f"outcomes equal to cold, run by run: {same}")


def measure(snapshot: Snapshot, mode: str, python: str, tests: list[str], edits: list[dict],
            rounds: int) -> list[list[tuple[str, str]]]:
    ws = snapshot.workspace(mode.replace(" ", "").replace(",", "-"))
    driver = PytestDriver(python=python, warm=mode != "cold", project_dir=ws.project_dir)
    if driver.warm is not None:
        driver.warm.zygote = mode != "warm, no zygote"
        driver.warm.sessions = mode == "warm"
    originals = {e["file"]: (ws.project_dir / e["file"]).read_text() for e in edits}
    seconds, seen = [], []
    try:
        started = time.monotonic()
        driver.run(ws.project_dir, ws.root, tests, timeout=600)
        first = time.monotonic() - started
        for _ in range(rounds):
            for edit in [*edits, None]:
                for file, text in originals.items():
                    (ws.project_dir / file).write_text(text)
                if edit is not None:
                    (ws.project_dir / edit["file"]).write_text(
                        originals[edit["file"]].replace(edit["old"], edit["new"], 1))
                started = time.monotonic()
                run = driver.run(ws.project_dir, ws.root, tests, timeout=600)
                seconds.append(time.monotonic() - started)
                seen.append(sorted((t, s.value) for t, s in run.outcomes.items()))
        paths = dict(driver.warm.paths) if driver.warm is not None else {}
    finally:
        driver.close()
    print(f"{mode:18} first run {first:6.2f} s; per run: median {statistics.median(seconds):.3f} s,"
          f" fastest {min(seconds):.3f} s ({len(seconds)} runs); {paths}", flush=True)
    return seen


if __name__ == "__main__":
    main()
