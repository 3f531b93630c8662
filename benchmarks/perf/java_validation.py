"""How fast apr validates Java candidates, against the naive loop, in one run (issue 12).

Generates, in a temporary folder, a Java project of ``--classes`` classes with a JUnit 4 test
class each (one bug: ``Part07.clamp`` returns ``lo`` where it should return ``hi``), and
``--candidates`` edits of the buggy statement: some do not compile, some fail, some pass (a few
compile to the same class bytes as another, as ``(hi)`` and ``hi`` do). Then it validates them:

- naive: per candidate, javac of every source, then a fresh ``java org.junit.runner.JUnitCore``
  on every test class (the whole suite; exit 0: plausible);
- apr cold: :class:`apr.validate.validator.Validator` over a real snapshot, 1 worker, the junit
  driver with ``warm=False`` (incremental javac, a JVM per run);
- apr warm: the same with ``warm=True`` (1 worker; 1 worker with its workspace made and its
  JVM started and warmed up while the baseline runs, as ``apr repair`` does; then
  ``--workers`` workers).

It prints candidates per second, each ratio to the naive loop, the outcomes of each (and
whether apr's cold and warm outcomes are equal, candidate by candidate), and where the warm
time goes. Usage::

    python benchmarks/perf/java_validation.py [--classes 40] [--candidates 60] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from apr import proc
from apr.generate.edits import apply_edits
from apr.model import Candidate, Edit, Outcome
from apr.project.java_tools import JavaTools
from apr.project.junit import JUnitDriver
from apr.project.workspace import Snapshot, UserRepo
from apr.validate.validator import Limits, Plan, Validator, WorkspacePool

PKG = "shop"
BUGGY = f"src/main/java/{PKG}/Part07.java"
BUG = "return lo; // clamp-high"


def part(n: int, classes: int) -> str:
    """Class ``PartNN``: a few small methods, one calling the previous class (coverage links
    the classes, so test selection has work to do)."""
    prev = f"Part{(n - 1) % classes:02d}"
    return f"""package {PKG};

import java.util.ArrayList;
import java.util.List;

public final class Part{n:02d} {{
    private static int calls;

    private Part{n:02d}() {{
    }}

    public static int scale(int x) {{
        calls++;
        return x * {n % 7 + 2} + {n};
    }}

    public static int clamp(int x, int lo, int hi) {{
        if (x < lo) {{
            return lo;
        }}
        if (x > hi) {{
            {BUG if n == 7 else "return hi;"}
        }}
        return x;
    }}

    public static String label(int x) {{
        return "p{n}:" + x;
    }}

    public static int sum(int[] xs) {{
        int s = 0;
        for (int v : xs) {{
            s += v;
        }}
        return s;
    }}

    public static List<Integer> evens(int upTo) {{
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i <= upTo; i += 2) {{
            out.add(i);
        }}
        return out;
    }}

    public static int mix(int x) {{
        return {prev}.clamp(x, 0, 100) + calls;
    }}
}}
"""


def part_test(n: int) -> str:
    return f"""package {PKG};

import static org.junit.Assert.assertEquals;

import java.util.Arrays;

import org.junit.Test;

public class Part{n:02d}Test {{
    @Test
    public void scale() {{
        assertEquals({n % 7 + 2} * 3 + {n}, Part{n:02d}.scale(3));
    }}

    @Test
    public void clampLow() {{
        assertEquals(0, Part{n:02d}.clamp(-5, 0, 10));
    }}

    @Test
    public void clampHigh() {{
        assertEquals(10, Part{n:02d}.clamp(50, 0, 10));
    }}

    @Test
    public void clampInside() {{
        assertEquals(4, Part{n:02d}.clamp(4, 0, 10));
    }}

    @Test
    public void label() {{
        assertEquals("p{n}:5", Part{n:02d}.label(5));
    }}

    @Test
    public void sum() {{
        assertEquals(6, Part{n:02d}.sum(new int[] {{1, 2, 3}}));
    }}

    @Test
    public void evens() {{
        assertEquals(Arrays.asList(0, 2, 4), Part{n:02d}.evens(5));
    }}

    @Test
    public void mixInside() {{
        assertEquals(50, Part{n:02d}.mix(50) - Part{n:02d}.mix(50) + 50);
    }}
}}
"""


def make_project(root: Path, classes: int) -> None:
    for n in range(classes):
        for path, text in ((f"src/main/java/{PKG}/Part{n:02d}.java", part(n, classes)),
                           (f"src/test/java/{PKG}/Part{n:02d}Test.java", part_test(n))):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
    for argv in (["git", "init", "-q"], ["git", "add", "-A"],
                 ["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "bench"]):
        subprocess.run(argv, cwd=root, check=True)


#: Replacements of the buggy ``return lo;``: passing, failing, not compiling.
PASSING = ["return hi;", "return (hi);", "return ((hi));", "return hi ;", "return Math.min(x, hi);"]
BROKEN = ["return h;", "return lo hi;", "return \"hi\";", "retrun hi;", "return hi", "return lo.hi;"]
ATOMS = ["lo", "hi", "x", "0", "1", "2", "-1", "calls"]
OPS = ["+", "-", "*", "/", "%"]


def candidates(source: bytes, count: int, seed: int = 12) -> list[Candidate]:
    """``count`` edits of the buggy statement: about a tenth pass, a seventh do not compile."""
    rng = random.Random(seed)
    start = source.index(BUG.encode())
    end = start + len(BUG.split(" //")[0])
    texts: list[str] = []
    while len(texts) < count:
        roll = rng.random()
        if roll < 0.1:
            texts.append(rng.choice(PASSING))
        elif roll < 0.25:
            texts.append(rng.choice(BROKEN))
        else:
            a, b = rng.choice(ATOMS), rng.choice(ATOMS)
            texts.append(f"return {a} {rng.choice(OPS)} {b};" if rng.random() < 0.7
                         else f"return {a};")
    return [Candidate((Edit(BUGGY, start, end, t),), "bench", "t", 1.0 - i / count, t)
            for i, t in enumerate(texts)]


# --- the naive loop ---------------------------------------------------------------------------


def naive(project: Path, cands: list[Candidate], tools: JavaTools) -> tuple[float, list[str]]:
    """javac of every source and a fresh JUnitCore JVM per candidate; seconds and outcomes."""
    work = Path(tempfile.mkdtemp(prefix="naive-"))
    try:
        shutil.copytree(project, work / "p", ignore=shutil.ignore_patterns(".git"))
        root = work / "p"
        sources = sorted(str(p) for p in root.rglob("*.java"))
        tests = sorted(f"{PKG}.{p.stem}" for p in root.glob(f"src/test/java/{PKG}/*Test.java"))
        cp = os.pathsep.join(map(str, tools.junit))
        original = (project / BUGGY).read_bytes()
        outcomes = []
        started = time.monotonic()
        for cand in cands:
            (root / BUGGY).write_bytes(apply_edits(original, cand.edits))
            out = work / "classes"
            shutil.rmtree(out, ignore_errors=True)
            built = proc.run([tools.javac, "-nowarn", "-d", str(out), "-cp", cp, *sources],
                             cwd=root, timeout=300)
            if not built.ok:
                outcomes.append(Outcome.COMPILE_FAILED.value)
                continue
            ran = proc.run([tools.java, "-cp", os.pathsep.join([str(out), cp]),
                            "org.junit.runner.JUnitCore", *tests], cwd=root, timeout=300)
            outcomes.append(Outcome.PLAUSIBLE.value if ran.ok else Outcome.TEST_FAILED.value)
        return time.monotonic() - started, outcomes
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- apr ---------------------------------------------------------------------------------------


def apr_validate(project: Path, cands: list[Candidate], warm: bool, workers: int,
                 ahead: bool = False) -> tuple[float, list[str], JUnitDriver]:
    """apr's Validator over a fresh snapshot: seconds (baseline excluded) and outcomes. With
    ``ahead``, the workers' workspaces are made and their JVMs started and warmed up while
    the baseline runs, as ``apr repair`` does (``WorkspacePool.warm_up``)."""
    driver = JUnitDriver(warm=warm)
    with Snapshot(UserRepo.locate(project)) as snap:
        pool = WorkspacePool(snap)
        if ahead:
            pool.warm_up(driver, workers)
        ws = snap.workspace("baseline")
        baseline = driver.run(ws.project_dir, ws.root, coverage=driver.tools.coverage,
                              test_timeout=10, timeout=600)
        limits = Limits(budget=len(cands), deadline=time.monotonic() + 3600,
                        max_patches=len(cands), test_timeout=10.0, run_timeout=120.0)
        validator = Validator(snap, driver, Plan.of(baseline), limits, pool=pool)
        started = time.monotonic()
        results = sorted(validator.validate(cands, workers), key=lambda r: r.index)
        seconds = time.monotonic() - started
        driver.close()
    return seconds, [r.outcome.value for r in results], driver


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--candidates", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    tools = JavaTools.find()
    with tempfile.TemporaryDirectory(prefix="apr-java-bench-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        make_project(project, args.classes)
        cands = candidates((project / BUGGY).read_bytes(), args.candidates)
        print(f"project: {args.classes} classes + {args.classes} test classes "
              f"({args.classes * 8} tests); {len(cands)} candidates; {os.cpu_count()} cores")
        rows: list[tuple[str, float, list[str]]] = []
        seconds, outcomes = naive(project, cands, tools)
        rows.append(("naive (javac all + JUnitCore JVM)", seconds, outcomes))
        seconds, cold, _ = apr_validate(project, cands, warm=False, workers=1)
        rows.append(("apr cold, 1 worker", seconds, cold))
        seconds, warm, driver = apr_validate(project, cands, warm=True, workers=1)
        rows.append(("apr warm, 1 worker", seconds, warm))
        counts = driver._warm.counts if driver._warm is not None else None
        seconds, ahead, _ = apr_validate(project, cands, warm=True, workers=1, ahead=True)
        rows.append(("apr warm, 1 worker, started ahead", seconds, ahead))
        seconds, many, _ = apr_validate(project, cands, warm=True, workers=args.workers)
        rows.append((f"apr warm, {args.workers} workers", seconds, many))
    report(rows, len(cands))
    same = warm == cold and ahead == cold and many == cold
    print(f"warm outcomes equal to cold, candidate by candidate: {same}")
    if counts is not None:
        print(f"warm (1 worker): {counts.runs} warm runs, {counts.reused} answered from equal "
              f"class bytes, {counts.compiled} in-memory compiles ({counts.alone} javac tasks of "
              f"one candidate, {counts.batched} versions compiled ahead in batches), "
              f"{counts.deaths} JVM deaths")
    return 0 if same else 1


def report(rows: list[tuple[str, float, list[str]]], count: int) -> None:
    base = rows[0][1]
    print(f"{'':38} {'seconds':>8} {'cand/s':>8} {'x naive':>8}  outcomes")
    for name, seconds, outcomes in rows:
        tally = ", ".join(f"{k} {v}" for k, v in sorted(Counter(outcomes).items()))
        print(f"{name:38} {seconds:8.2f} {count / seconds:8.2f} {base / seconds:8.1f}  {tally}")


if __name__ == "__main__":
    sys.exit(main())
