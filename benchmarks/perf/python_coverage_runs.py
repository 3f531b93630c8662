"""What per-test coverage costs a real Python project's baseline run, tracer by tracer.

The baseline runs the chosen tests once with per-test coverage (apr's pytest plugin, see
``apr/project/pytest_plugin.py``). This script runs them, in a workspace of apr's, without
coverage (the floor), with the ``sys.settrace`` tracer (forced, as on a Python below 3.12
whose environment has no coverage.py) and with whatever the environment gives by default
(``sys.monitoring`` from 3.12, the project's coverage.py). It prints the median seconds of
each over the rounds, the ratio to the run without coverage measured in the same run, the
test processes' CPU seconds, and whether each tracer's lines equal those of the default one.

    python benchmarks/perf/python_coverage_runs.py --project PATH --python PY \\
        --tests TEST[,TEST...] [--rounds 3]

Run it at two commits (``PYTHONPATH`` of a worktree) to compare tracer changes. Nothing of
the project is copied into apr; the measured numbers are in RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

from apr.model import TestRun
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo

MODES = {"no coverage": None, "settrace": "settrace", "default": ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--python", required=True, help="the project environment's interpreter")
    parser.add_argument("--tests", required=True, help="comma-separated pytest node ids or files")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES),
                        help=f"comma-separated, of: {', '.join(MODES)} (default: all)")
    args = parser.parse_args()
    modes = {m: MODES[m] for m in args.modes.split(",")}
    tests = args.tests.split(",")
    runs: dict[str, TestRun] = {}
    medians: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with Snapshot(UserRepo.locate(args.project)) as snapshot:
        ws = snapshot.workspace("coverage-runs")
        for mode, tracer in modes.items():
            seconds, cpus = [], []
            for _ in range(args.rounds):
                before = _children_cpu()
                run, took = _run(ws.project_dir, ws.root, args.python, tests, tracer)
                seconds.append(took)
                cpus.append(_children_cpu() - before)
                runs[mode] = run
            medians[mode] = statistics.median(seconds)
            cpu[mode] = statistics.median(cpus)
    floor = medians.get("no coverage")
    for mode, median in medians.items():
        ratio = f"  x{median / floor:5.2f}" if floor else ""
        same = "" if modes[mode] is None or "default" not in runs else \
            f"  lines equal to default's: {runs[mode].coverage == runs['default'].coverage}"
        print(f"{mode:12s} {median:8.2f} s{ratio}  CPU {cpu[mode]:8.2f} s  "
              f"({len(runs[mode].outcomes)} tests){same}")


def _children_cpu() -> float:
    """CPU seconds of the test processes (user and system), which load on the machine does
    not inflate as it does wall-clock seconds."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(project: Path, root: Path, python: str, tests: list[str],
         tracer: str | None) -> tuple[TestRun, float]:
    os.environ.pop("APR_COVERAGE_TRACER", None)
    if tracer:
        os.environ["APR_COVERAGE_TRACER"] = tracer
    driver = PytestDriver(python=python, warm=False, project_dir=project)
    try:
        started = time.monotonic()
        run = driver.run(project, root, tests, coverage=tracer is not None, timeout=1800,
                         test_timeout=120)
        return run, time.monotonic() - started
    finally:
        driver.close()


if __name__ == "__main__":
    main()
