"""How much faster is a bench run on N local Dask workers than one bug after the other?

Runs the same bugs of a suite with ``apr bench run``, at the same settings, first locally (one
bug at a time, as without ``--cluster``), then with ``--cluster local:N`` for each N given
(a LocalCluster of N worker processes, one bug each at a time), each into a fresh folder, one
after the other in this one run. Prints, per run: wall seconds, the speed-up over the local
run, plausible and correct counts, and whether every bug's outcome (status, correct, the
reported patch) equals the local run's.

    python benchmarks/perf/cluster_speedup.py --path benchmarks/python --bugs A,B,... \\
        [--workers-list 2] [--budget 100] [--time-limit 120] [--fl perfect]

Each bug's own validation runs on ``--bug-workers`` threads (default 1), so that N bugs at
once use N cores. On a machine with fewer cores than N the speed-up is bounded by the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APR = [sys.executable, "-c", "import sys; from apr.cli import main; sys.exit(main())"]


def run(path: str, bugs: str, settings: list[str], out: Path, cluster: str | None) -> float:
    argv = [*APR, "bench", "run", "manifest", "--path", path, "--bugs", bugs, *settings,
            "--out", str(out), *(["--cluster", cluster] if cluster else [])]
    started = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def outcomes(out: Path) -> dict[str, tuple[object, ...]]:
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return {r["bug"]: (r["status"], r["correct"], r["patch"]) for r in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default="benchmarks/python")
    parser.add_argument("--bugs", required=True, metavar="ID,...")
    parser.add_argument("--workers-list", default="2", metavar="N,...")
    parser.add_argument("--bug-workers", type=int, default=1)
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--fl", default="perfect", choices=["perfect", "sbfl"])
    args = parser.parse_args()
    settings = ["--fl", args.fl, "--budget", str(args.budget), "--time-limit",
                str(args.time_limit), "--workers", str(args.bug_workers)]
    print(f"bugs {args.bugs}; {' '.join(settings)}; {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="apr-cluster-speedup-") as tmp:
        base_out = Path(tmp) / "local"
        base = run(args.path, args.bugs, settings, base_out, None)
        expected = outcomes(base_out)
        plausible = sum(s == "plausible" for s, _, _ in expected.values())
        correct = sum(bool(c) for _, c, _ in expected.values())
        print("| run | wall s | speed-up | plausible | correct | outcomes equal |")
        print("|---|---|---|---|---|---|")
        print(f"| local, one bug at a time | {base:.1f} | 1.00x | {plausible} | {correct} | - |",
              flush=True)
        for n in (int(x) for x in args.workers_list.split(",")):
            out = Path(tmp) / f"local-{n}"
            seconds = run(args.path, args.bugs, settings, out, f"local:{n}")
            got = outcomes(out)
            plausible = sum(s == "plausible" for s, _, _ in got.values())
            correct = sum(bool(c) for _, c, _ in got.values())
            same = "yes" if got == expected else \
                f"no: {sorted(b for b in got if got[b] != expected.get(b))}"
            print(f"| --cluster local:{n} | {seconds:.1f} | {base / seconds:.2f}x | "
                  f"{plausible} | {correct} | {same} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
