"""Does a plausible patch that is not the developer's fix behave as it? A differential test.

The syntactic judge (:mod:`apr.bench.correctness`) calls a patch correct when it is the
developer's fix, token for token or tree for tree; a patch that writes the same program another
way (``x <= pivot`` in one list instead of ``x >= pivot`` in the other) is "not correct" there.
Patch-correctness studies on QuixBugs (Ye et al., "A comprehensive study of automatic program
repair on the QuixBugs benchmark", JSS 2021) judge such patches automatically by testing them
against the developer's program on inputs the suite's tests did not try. This module does that,
as a verdict of its own, never folded into ``correct``:

- ``equivalent = True``: the patched function returned what the developer's returned on every
  sampled input both could be compared on, and there were at least ``MIN_COMPARED`` of them;
- ``False``: some input where they differ (the record says which);
- ``None``: too few inputs inside the developer's program's domain to say, or the function
  could not be loaded from one of the two programs.

A suite offers a :class:`Reference` for a bug when it knows the function under repair and some
of its inputs (QuixBugs' JSON test cases). Inputs are sampled from those, generically: by
argument position, a number is one seen there, one near the seed's, or one drawn between the
least seen and a seen one; a string is drawn from the characters seen there (sometimes two to
four of them, for repeats); a list is a seed's edited (an element replaced, dropped, inserted
or two swapped) or one drawn afresh from the elements seen there, and is sorted where every
seed list there was. Nothing leaves the range the seeds span at its position (numbers between
the least and the greatest, lengths between the shortest and the longest): the tests' inputs
are the only statement of the function's domain there is (get_factors' ``n >= 1``). An input
on which the developer's program raises or runs past the time limit is outside its domain and
not compared. The sampling is seeded, so a verdict is the same on every run.

The developer's program and a bug's candidates run in one child process
(:mod:`apr.bench.differential_child`, through :func:`apr.proc.run_tests`) behind apr's fence
(:mod:`apr.fence`: no network, limits on memory, CPU and file size), in a scratch directory:
the inputs are sampled and the developer's function run once per bug, not once per patch. A
candidate that runs past ten times the developer's time on an input (at least the per-call
limit) differs there.
"""

from __future__ import annotations

import json
import math
import random
import sys
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apr import proc
from apr.fence import Fence

SAMPLES = 1000
"""Inputs sampled per bug, besides the seeds themselves."""

MIN_COMPARED = 100
"""Fewer compared inputs than this and the verdict is ``None``."""

CALL_LIMIT = 1.0
"""Seconds one call of the developer's program may take before the input is left out."""

WALL_LIMIT = 120.0
"""Seconds the comparison of one bug's patches may take, together."""

_CHILD = Path(__file__).with_name("differential_child.py")
_FENCE = Fence(memory_mb=2048, cpu_seconds=int(WALL_LIMIT) + 5, file_mb=16, processes=0)
"""The fence of the child (:mod:`apr.fence`): no network, its processes die with it, 2 GiB of
memory, CPU seconds a little past the wall limit, no file over 16 MiB."""


@dataclass(frozen=True, slots=True)
class Reference:
    """What a differential test of one bug needs.

    Attributes:
        file: the program's path in the checkout (the file a patch changes).
        function: the function under repair, defined in that file.
        fixed: the developer's version of the file.
        seeds: argument lists known to be inside the function's domain (the suite's tests').
    """

    file: str
    function: str
    fixed: bytes
    seeds: tuple[tuple[Any, ...], ...]


def equivalence_settings() -> dict[str, Any]:
    """The settings of the differential test, for a run's ``run.json`` and its settings line."""
    return {"samples": SAMPLES, "min_compared": MIN_COMPARED, "call_limit": CALL_LIMIT}


@dataclass(frozen=True, slots=True)
class Verdict:
    equivalent: bool | None
    compared: int
    difference: str = ""

    def record(self) -> dict[str, Any]:
        return {"compared": self.compared, **({"difference": self.difference}
                                              if self.difference else {})}


def differential(candidates: Sequence[Mapping[str, bytes]],
                 reference: Reference) -> list[Verdict]:
    """The verdict of each candidate: ``reference.function`` of its files against the
    developer's, on the seeds and :data:`SAMPLES` sampled inputs, all candidates in one child
    (inputs sampled and the developer's function run once). A candidate maps every file its
    patch changed to its content after the patch: one that changed another file than
    ``reference.file`` is not judged (``None``)."""
    judged = [i for i, files in enumerate(candidates) if set(files) == {reference.file}]
    verdicts = [Verdict(None, 0, "the patch changes another file than the function's")
                for _ in candidates]
    if not judged:
        return verdicts
    inputs = [list(s) for s in reference.seeds] + sample_inputs(
        reference.seeds, SAMPLES, random.Random(zlib.crc32(reference.function.encode())))
    with tempfile.TemporaryDirectory(prefix="apr-differential-") as tmp:
        root = Path(tmp)
        (root / "reference.py").write_bytes(reference.fixed)
        paths = []
        for k, i in enumerate(judged):
            paths.append(str(root / f"candidate_{k}.py"))
            Path(paths[-1]).write_bytes(candidates[i][reference.file])
        job = {"reference": str(root / "reference.py"), "candidates": paths,
               "function": reference.function, "inputs": inputs, "limit": CALL_LIMIT}
        (root / "job.json").write_text(json.dumps(job), encoding="utf-8")
        with proc.fenced(_FENCE):
            output = proc.run_tests([sys.executable, "-I", str(_CHILD), str(root / "job.json")],
                                    cwd=root, timeout=WALL_LIMIT).output
    for k, verdict in enumerate(_verdicts(output.splitlines(), len(judged))):
        verdicts[judged[k]] = verdict
    return verdicts


def _verdicts(lines: Sequence[str], count: int) -> list[Verdict]:
    """Each candidate's verdict from the child's lines (:mod:`apr.bench.differential_child`);
    lines that are not its protocol (a warning on stderr) are ignored."""
    tally = _Tally(count)
    for line in lines:
        try:
            tally.read(line)
        except (ValueError, IndexError):  # not the protocol
            continue
    return tally.verdicts()


class _Tally:
    """What the child's lines say so far about each of ``count`` candidates."""

    def __init__(self, count: int) -> None:
        self.compared = [0] * count
        self.ended: dict[int, Verdict] = {}
        self.running: int | None = None  # the candidate the last line started

    def read(self, line: str) -> None:
        word, first, rest = (line.split(" ", 2) + ["", ""])[:3]
        if word == "error":
            for k in range(len(self.compared)) if first == "all" else [int(first)]:
                self.ended[k] = Verdict(None, 0, rest)
        elif word == "run":
            self.running = int(rest)
        elif word == "same":
            self.compared[int(rest)] += 1
            self.running = None
        elif word == "diff":
            who, _, text = rest.partition(" ")
            self.ended[int(who)] = Verdict(False, self.compared[int(who)], text)
            self.running = None
        elif word == "skip":
            self.running = None

    def verdicts(self) -> list[Verdict]:
        if self.running is not None:  # the child was killed while that candidate ran
            self.ended.setdefault(self.running, Verdict(
                False, self.compared[self.running],
                "the candidate ran until the comparison's limit"))
        return [self.ended.get(k) or _undiffering(n) for k, n in enumerate(self.compared)]


def _undiffering(compared: int) -> Verdict:
    if compared < MIN_COMPARED:
        return Verdict(None, compared, f"only {compared} inputs in the developer's program's "
                                       f"domain (at least {MIN_COMPARED} needed)")
    return Verdict(True, compared)


# --- sampling ---------------------------------------------------------------------------------

def sample_inputs(seeds: Sequence[Sequence[Any]], count: int,
                  rng: random.Random) -> list[list[Any]]:
    """``count`` argument lists, each a seed whose arguments are mutated (module docstring)."""
    if not seeds:
        return []
    pools = _Pools(seeds)
    out = []
    for _ in range(count):
        seed = rng.choice(seeds)
        out.append([pools.mutate(arg, (i,), rng) for i, arg in enumerate(seed)])
    return out


class _Pools:
    """The values seen at each position: an argument's index, then ``[]`` per list level."""

    def __init__(self, seeds: Sequence[Sequence[Any]]) -> None:
        self.values: dict[tuple[Any, ...], list[Any]] = {}
        self.sorted: dict[tuple[Any, ...], bool] = {}  # every list there sorted
        self.long: set[tuple[Any, ...]] = set()  # some list there had 3 distinct items
        for seed in seeds:
            for i, arg in enumerate(seed):
                self._see(arg, (i,))

    def _see(self, value: Any, path: tuple[Any, ...]) -> None:
        self.values.setdefault(path, []).append(value)
        if isinstance(value, list):
            self.sorted[path] = self.sorted.get(path, True) and _is_sorted(value)
            if _is_sorted_able(value) and len(set(map(repr, value))) >= 3:
                self.long.add(path)
            for item in value:
                self._see(item, (*path, "[]"))

    def mutate(self, value: Any, path: tuple[Any, ...], rng: random.Random) -> Any:
        seen = self.values.get(path, [value])
        if isinstance(value, bool):
            return rng.random() < 0.5
        if isinstance(value, int):
            return self._number(value, [v for v in seen if _is_int(v)], rng, int)
        if isinstance(value, float):
            return self._number(value, [v for v in seen if isinstance(v, float)], rng, float)
        if isinstance(value, str):
            return self._string([v for v in seen if isinstance(v, str)], rng)
        if isinstance(value, list):
            return self._list(value, path, rng)
        return value

    @staticmethod
    def _number(value: Any, seen: list[Any], rng: random.Random, kind: type) -> Any:
        """A number seen at this position, one near ``value``, or one between the least seen
        and a seen one (a seed's scale, not only the largest seed's); never outside the seen
        range."""
        seen = seen or [value]
        low, high = min(seen), max(seen)
        draw = rng.random()
        if draw < 0.3:
            return rng.choice(seen)
        if draw < 0.6:
            spread = max(2, abs(value) / 2)
            a, b = max(low, value - spread), min(high, value + spread)
        else:
            a, b = low, rng.choice(seen)
        if kind is int or all(float(v).is_integer() for v in seen):
            return kind(rng.randint(math.ceil(a), math.floor(b)))
        return rng.uniform(a, b)

    @staticmethod
    def _string(seen: list[str], rng: random.Random) -> str:
        if not seen or rng.random() < 0.2:
            return rng.choice(seen) if seen else ""
        if all(len(s) <= 1 for s in seen) or len(set(seen)) <= 8 and max(map(len, seen)) <= 3:
            return rng.choice(seen)  # tokens (operators, digits): kept whole
        alphabet = sorted({c for s in seen for c in s}) or ["a"]
        if len(alphabet) > 4 and rng.random() < 0.5:  # few letters: repeats, common parts
            alphabet = rng.sample(alphabet, rng.randint(2, 4))
        length = rng.randint(min(map(len, seen)), max(map(len, seen)))
        return "".join(rng.choice(alphabet) for _ in range(length))

    def _list(self, value: list[Any], path: tuple[Any, ...], rng: random.Random) -> list[Any]:
        inner = (*path, "[]")
        items = self.values.get(inner, [])
        lengths = [len(v) for v in self.values.get(path, [value]) if isinstance(v, list)]
        shortest, longest = min(lengths), max(lengths)
        if items and rng.random() < 0.3:
            out = [self.mutate(rng.choice(items), inner, rng)
                   for _ in range(rng.randint(shortest, longest))]
        else:
            out = list(value)
            for _ in range(rng.randint(1, 3)):
                self._edit(out, inner, items, (shortest, longest), rng)
        if self.sorted.get(path) and path in self.long and _is_sorted_able(out):
            out.sort()
        return out

    def _edit(self, out: list[Any], inner: tuple[Any, ...], items: list[Any],
              lengths: tuple[int, int], rng: random.Random) -> None:
        move = rng.choice(("replace", "drop", "insert", "swap"))
        if move == "insert" or not out:
            if items and len(out) < lengths[1]:
                out.insert(rng.randint(0, len(out)), self.mutate(rng.choice(items), inner, rng))
        elif move == "replace":
            i = rng.randrange(len(out))
            out[i] = self.mutate(out[i], inner, rng)
        elif move == "drop":
            if len(out) > lengths[0]:
                out.pop(rng.randrange(len(out)))
        else:
            i, j = rng.randrange(len(out)), rng.randrange(len(out))
            out[i], out[j] = out[j], out[i]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_sorted(value: list[Any]) -> bool:
    try:
        return all(a <= b for a, b in zip(value, value[1:], strict=False))
    except TypeError:
        return False


def _is_sorted_able(value: list[Any]) -> bool:
    try:
        sorted(value)
    except TypeError:
        return False
    return True
