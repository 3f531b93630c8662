"""How fast does apr validate Python candidates, against the naive loop? One run, one machine.

Builds, in a temporary folder, a Python project of realistic size whose imports take time
(a generated package of ``--modules`` modules over numpy, scipy, networkx, yaml, jinja2 and
pydantic from the running interpreter's environment; ``--files`` test files, about ten tests
each), with one bug in ``shop/pricing.py`` and ``--candidates`` candidate edits of the buggy
line (some plausible, some failing the target test, some breaking another test, one that does
not compile). Then it validates the same candidates, in this order:

(a) the naive loop: per candidate, a fresh ``python -m pytest -x`` of the target test and,
    when it passes, of the whole suite (bytecode caching on, as a plain loop would have it);
(b) apr's Validator, one worker, cold (a pytest process per test command);
(c) apr's Validator, one worker, warm (the fork server; its start-up included);
(c') the same without kept pytest sessions (each run starts pytest in its child);
(c+) the same as (c), its warm worker started while a baseline run goes on, as ``apr repair``
    does (``WorkspacePool.warm_up``), and that baseline run's time subtracted: the server's
    start-up hidden behind a run the naive loop does not make (the script prints that
    baseline run's time beside the same run alone: the start-up and priming share the
    cores with it, which a repair pays before validation);
(d) apr's Validator, warm, ``--workers`` workers;

and prints candidates per second and each mode's speed-up over (a), checks that every mode
judged every candidate the same (plausible or not; (b)-(d): the same outcome), and, with
``--profile``, where a warm run's time goes. The baseline run (coverage, for test selection)
is made once, before, and not counted.

    python benchmarks/perf/python_validation.py [--candidates N] [--modules N] [--files N]
        [--workers N] [--profile] [--skip naive|cold|warm|nosession|ahead|all ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from apr import proc
from apr.model import Candidate, Edit, Outcome
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo
from apr.validate.validator import Limits, Plan, Validator, WorkspacePool

BUGGY = "    if quantity > 10:\n"
TARGET = "tests/test_pricing.py::test_discount_from_ten_items"
# (replacement of the buggy line, judged plausible?): as in a real repair, most candidates fail
# the target test; some pass it and break another test; one does not compile; a few fix it
EDITS = [
    ("    if quantity < 10:\n", False),
    ("    if quantity == 10:\n", False),  # the target passes, a test of 20 items fails
    ("    if quantity > 11:\n", False),
    ("    if quantity >= 10:\n", True),
    ("    if quantity != 10:\n", False),
    ("    if quantity >= 10\n", False),  # does not compile
    ("    if quantity > 10 and quantity < 100:\n", False),
    ("    if quantity >= 9:\n", False),  # the target passes, a test of 9 items fails
    ("    if quantity > 12:\n", False),
    ("    if quantity > 20:\n", False),
    ("    if quantity >= 11:\n", False),
    ("    if quantity > 9:\n", True),
    ("    if quantity >= 100:\n", False),
    ("    if quantity <= 10:\n", False),  # the target passes, a test of 3 items fails
    ("    if quantity > 10.5:\n", False),
    ("    if quantity > quantity:\n", False),
    ("    if quantity == 11:\n", False),
    ("    if quantity >= 1:\n", False),  # the target passes, other tests fail
    ("    if quantity == 9:\n", False),
    ("    if quantity is None:\n", False),
    ("    if not quantity < 10:\n", True),
    ("    if quantity > 15:\n", False),
]
HEAVY = ["import numpy as np", "import scipy.stats as st", "import networkx as nx",
         "import yaml", "import jinja2", "from pydantic import BaseModel"]


def module(i: int) -> str:
    """One generated module: numeric helpers over numpy, a pydantic model, a dependency on
    two earlier modules, one heavy import of its own."""
    deps = sorted({i // 2, i // 3} - {i}) if i else []
    imports = "".join(f"from shop import mod_{d:02}\n" for d in deps)
    uses = " + ".join(f"mod_{d:02}.scale_{d}(1.0)" for d in deps) or "0.0"
    return f'''"""Generated module {i}: helpers over arrays, a record type."""

from __future__ import annotations

import math
import statistics

import numpy as np
from pydantic import BaseModel

{HEAVY[i % len(HEAVY)]}
{imports}
FACTOR_{i} = {i + 1}


class Record{i}(BaseModel):
    name: str
    value: float = 0.0
    tags: list[str] = []


def scale_{i}(x: float) -> float:
    return x * FACTOR_{i}


def total_{i}(values: list[float]) -> float:
    return float(np.sum(np.asarray(values, dtype=float) * FACTOR_{i}))


def spread_{i}(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    return statistics.pstdev(values) * math.sqrt(FACTOR_{i})


def linked_{i}() -> float:
    return {uses}


def record_{i}(name: str, value: float) -> Record{i}:
    return Record{i}(name=name, value=scale_{i}(value), tags=[name[:1]])
'''


def test_file(k: int, modules: int) -> str:
    """About ten tests over three of the generated modules."""
    used = sorted({(k * 7 + j * 5) % modules for j in range(3)})
    lines = ["import pytest", ""] + [f"from shop import mod_{m:02}" for m in used]
    if k % 4 == 0:
        lines.append("from shop.pricing import price")
    for m in used:
        mod = f"mod_{m:02}"
        lines += ["", "",
                  f"def test_scale_{m}():", f"    assert {mod}.scale_{m}(2.0) == {2.0 * (m + 1)}",
                  "", "",
                  f"def test_total_{m}():",
                  f"    assert {mod}.total_{m}([1.0, 2.0]) == {3.0 * (m + 1)}",
                  "", "",
                  "@pytest.mark.parametrize('n', [0, 1, 5])",
                  f"def test_spread_{m}(n):",
                  f"    assert {mod}.spread_{m}([1.0] * n) == 0.0",
                  "", "",
                  f"def test_record_{m}():",
                  f"    assert {mod}.record_{m}('ab', 1.0).tags == ['a']"]
    if k % 4 == 0:  # a few files test the pricing rule too
        lines += ["", "", f"def test_price_{k}():",
                  f"    assert price(1, {k + 1}.0) == {k + 1}.0"]
    lines.append("")
    return "\n".join(lines)


PRICING = '''\
"""Prices with a bulk discount."""

from __future__ import annotations

import numpy as np

from shop import mod_01


def price(quantity: int, unit: float) -> float:
    """``quantity`` items at ``unit`` each: 10% off from ten items on."""
    total = float(np.round(quantity * unit, 2)) + mod_01.scale_1(0.0)
    if quantity > 10:
        return round(total * 0.9, 2)
    return total
'''

PRICING_TESTS = '''\
from shop.pricing import price


def test_discount_from_ten_items():
    assert price(10, 1.0) == 9.0


def test_no_discount_for_few():
    assert price(3, 2.0) == 6.0


def test_discount_for_many():
    assert price(20, 1.0) == 18.0
'''

BELOW_TEN = '''\
from shop.pricing import price


def test_nine_items_pay_full_price():
    assert price(9, 1.0) == 9.0


def test_one_item():
    assert price(1, 5.0) == 5.0
'''


def build(root: Path, modules: int, files: int) -> Path:
    """The project, committed in a git repository at ``root``."""
    shop = root / "shop"
    (root / "tests").mkdir(parents=True)
    shop.mkdir()
    (shop / "__init__.py").write_text('"""A shop: generated modules and a pricing rule."""\n')
    for i in range(modules):
        (shop / f"mod_{i:02}.py").write_text(module(i))
    (shop / "pricing.py").write_text(PRICING)
    for k in range(files):
        (root / "tests" / f"test_part_{k:02}.py").write_text(test_file(k, modules))
    (root / "tests/test_pricing.py").write_text(PRICING_TESTS)
    (root / "tests/test_below_ten.py").write_text(BELOW_TEN)
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=b", "-c", "user.email=b@b",
                                                 "commit", "-q", "-m", "project"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    return root


def candidates(snapshot: Snapshot, count: int) -> list[tuple[Candidate, bool]]:
    source = snapshot.read("shop/pricing.py")
    start = source.index(BUGGY.encode())
    picked = [EDITS[i % len(EDITS)] for i in range(count)]
    return [(Candidate((Edit("shop/pricing.py", start, start + len(BUGGY), text),), "bench",
                       "op", 1.0, text.strip()), plausible) for text, plausible in picked]


def naive(project: Path, cands: list[tuple[Candidate, bool]]) -> list[bool]:
    """(a): fresh pytest processes in a plain copy of the project, edited in place."""
    work = project.parent / "naive"
    shutil.copytree(project, work, ignore=shutil.ignore_patterns(".git"))
    target = work / "shop/pricing.py"
    original = target.read_bytes()
    pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    verdicts = []
    for cand, _ in cands:
        edit = cand.edits[0]
        target.write_bytes(original[:edit.start] + edit.text.encode() + original[edit.end:])
        ok = proc.run([*pytest, TARGET], cwd=work, timeout=300).ok
        ok = ok and proc.run(pytest, cwd=work, timeout=300).ok
        verdicts.append(ok)
    target.write_bytes(original)
    return verdicts


def validate(snapshot: Snapshot, plan: Plan, cands: list[tuple[Candidate, bool]], warm: bool,
             workers: int, sessions: bool = True, ahead: bool = False,
             ) -> tuple[list[Outcome], PytestDriver, float]:
    """(b)-(d): apr's Validator; every candidate validated (no early stop). With ``ahead``,
    the workers start while a baseline run goes on; the third value is how long that took
    (not to be counted), else 0."""
    driver = PytestDriver(python=sys.executable, warm=warm)
    if driver.warm is not None:
        driver.warm.sessions = sessions
    pool = WorkspacePool(snapshot)
    untimed = 0.0
    if ahead:
        started = time.monotonic()
        pool.warm_up(driver, workers)
        baseline_plan(snapshot)
        untimed = time.monotonic() - started
        print(f"  (c+): the baseline run with the worker starting beside it, not counted: "
              f"{untimed:.2f}s (against the baseline run alone, above: what starting ahead "
              "costs the baseline)")
    limits = Limits(budget=len(cands), deadline=time.monotonic() + 7200,
                    max_patches=len(cands) + 1, test_timeout=30.0, run_timeout=300.0)
    validator = Validator(snapshot, driver, plan, limits, pool=pool)
    results = list(validator.validate([c for c, _ in cands], workers=workers))
    outcomes = [Outcome.ERROR] * len(cands)
    for r in results:
        outcomes[r.index] = r.outcome
    stages = {k: sum(r.test_stages.get(f"{k}_seconds", 0.0) for r in results)
              for k in ("targets", "selected", "full")}
    other = sum(r.seconds for r in results) - sum(stages.values())
    paths = ""
    if driver.warm is not None:
        runs = driver.warm.paths
        primed = f", {runs['primed']} primed ahead" if ahead else ""
        paths = (f"; runs in a kept session {runs['session']}{primed}, in the project zygote "
                 f"{runs['zygote']}, plain {runs['plain']} ({runs['unsafe']} could not swap)")
    kind = ("warm" if sessions else "warm, no kept sessions") if warm else "cold"
    print(f"  {kind}, {workers} worker(s){paths}: test runs "
          + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items())
          + f"; the rest (applying, restoring, judging, a warm server's start-up) {other:.1f}s"
          " (summed over workers)")
    return outcomes, driver, untimed


@contextmanager
def timed(label: str, times: dict[str, float]) -> Iterator[None]:
    started = time.monotonic()
    yield
    times[label] = time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", type=int, default=len(EDITS))
    parser.add_argument("--modules", type=int, default=60)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["naive", "cold", "warm", "nosession", "ahead", "all"])
    parser.add_argument("--profile", action="store_true", help="where a warm run's time goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="apr-perf-") as tmp:
        project = build(Path(tmp) / "project", args.modules, args.files)
        run(project, args)


def run(project: Path, args: argparse.Namespace) -> None:
    times: dict[str, float] = {}
    verdicts: dict[str, list[bool]] = {}
    with Snapshot(UserRepo.locate(project)) as snapshot:
        cands = candidates(snapshot, args.candidates)
        expected = [plausible for _, plausible in cands]
        started = time.monotonic()
        plan = baseline_plan(snapshot)
        print(f"project: {args.modules} modules, {plan_size(plan)} tests; "
              f"{len(cands)} candidates, {sum(expected)} plausible; {args.workers} workers; "
              f"a baseline run alone {time.monotonic() - started:.2f}s")
        modes: list[tuple[str, Callable[[], tuple[list[bool], float]]]] = [
            ("naive", lambda: (naive(project, cands), 0.0)),
            ("cold", lambda: judged(project, plan, cands, False, 1)),
            ("warm", lambda: judged(project, plan, cands, True, 1)),
            ("nosession", lambda: judged(project, plan, cands, True, 1, sessions=False)),
            ("ahead", lambda: judged(project, plan, cands, True, 1, ahead=True)),
            ("all", lambda: judged(project, plan, cands, True, args.workers)),
        ]
        for name, call in modes:
            if name in args.skip:
                continue
            with timed(name, times):
                verdicts[name], untimed = call()
            times[name] -= untimed  # (c+): the validation alone
        if args.profile:
            profile(snapshot)
    report(times, verdicts, expected, len(cands))


def baseline_plan(snapshot: Snapshot) -> Plan:
    driver = PytestDriver(python=sys.executable, warm=False)
    try:
        ws = snapshot.workspace("baseline")
        return Plan.of(driver.run(ws.project_dir, ws.root, coverage=True, timeout=600,
                                  test_timeout=60))
    finally:
        driver.close()


def plan_size(plan: Plan) -> int:
    return len(plan.selection.durations) if plan.selection is not None else 0


def judged(project: Path, plan: Plan, cands: list[tuple[Candidate, bool]], warm: bool,
           workers: int, sessions: bool = True, ahead: bool = False,
           ) -> tuple[list[bool], float]:
    """A mode of apr's, in a snapshot of its own (its workspaces made while timed, as in a
    repair): its verdicts, and the seconds of it not to count (:func:`validate`'s)."""
    with Snapshot(UserRepo.locate(project)) as snapshot:
        outcomes, driver, untimed = validate(snapshot, plan, cands, warm, workers, sessions,
                                             ahead)
        driver.close()
    return [o is Outcome.PLAUSIBLE for o in outcomes], untimed


def report(times: dict[str, float], verdicts: dict[str, list[bool]], expected: list[bool],
           count: int) -> None:
    base = times.get("naive")
    labels = {"naive": "(a) naive loop", "cold": "(b) apr, 1 worker, cold",
              "warm": "(c) apr, 1 worker, warm", "all": "(d) apr, all workers, warm",
              "nosession": "(c') warm, no kept sessions",
              "ahead": "(c+) warm, started ahead"}
    print(f"{'mode':30} {'seconds':>8} {'cand/s':>8} {'x naive':>8}  verdicts")
    for name, seconds in times.items():
        ratio = f"{base / seconds:8.1f}" if base else "       -"
        same = "as expected" if verdicts[name] == expected else f"DIFFER: {verdicts[name]}"
        print(f"{labels[name]:30} {seconds:8.2f} {count / seconds:8.2f} {ratio}  {same}")


def profile(snapshot: Snapshot) -> None:
    """Where a warm run of the target test goes: the server's answer against the child's
    pytest session, and the driver's own work around it."""
    driver = PytestDriver(python=sys.executable, warm=True)
    ws = snapshot.workspace("profile")
    try:
        started = time.monotonic()
        driver.run(ws.project_dir, ws.root, [TARGET], timeout=300)
        print(f"profile: first run (the server's start-up included) "
              f"{time.monotonic() - started:.3f}s")
        for label, tests in (("target test", [TARGET]),
                             ("one test file", ["tests/test_part_00.py"]), ("whole suite", None)):
            spent = []
            for _ in range(5):
                run = driver.run(ws.project_dir, ws.root, tests, timeout=300)
                spent.append((run.seconds, sum(run.durations.values()), _session(run.output)))
            spent.sort()
            total, tests_s, session = spent[len(spent) // 2]
            print(f"profile: {label:14} run {total:.3f}s = pytest session {session:.3f}s "
                  f"(tests {tests_s:.3f}s) + fork, pytest start-up and reading "
                  f"{total - session:.3f}s")
    finally:
        driver.close()


def _session(output: str) -> float:
    """The seconds pytest reports for its session ("... in 0.12s")."""
    words = output.strip().splitlines()[-1].split() if output.strip() else []
    last = words[-1] if words else ""
    try:
        return float(last.rstrip("s"))
    except ValueError:
        return 0.0


if __name__ == "__main__":
    main()
