"""Which search after the first plausible patch would put more developer fixes first? Offline.

`apr bench` runs with the search phase (``--search-on``) cost half an hour each on QuixBugs and
change two things at once (what is found, what is ranked first). This script replays that
phase over candidates whose verdicts are already known, for several orderings and shares, in
seconds. Inputs:

- ``WORK``: the folder of ``sbfl_order.py`` (per program, ``<id>-run/candidates.json`` and
  ``hunks.json`` of an ``apr repair --budget 1`` run: the SBFL candidates in rank order and the
  suspicious statements; ``<id>/``: the checkout);
- ``LABELS``: an ``apr bench run`` folder made with ``--search-on 0`` and a large budget and
  ``--max-patches`` (every plausible patch among the candidates it validated, with its
  estimate), e.g. ``--budget 600 --max-patches 600 --search-on 0 --time-limit 240``.

Each plausible patch of LABELS is matched to its candidate by its changed lines. Then, per
program and ordering: candidates are taken in the run's order (templates first, then the
mask fillings, as ``validation_order`` does with two or more hunks) until the first plausible
patch within ``--budget``; the search goes on over ``share`` of the budget left, in the
ordering's order, until ``max_patches``; the patches found are ranked by their recorded
estimate with its ``order`` part recomputed from the position (the first phase offers the whole
budget at once, so search-phase patches count from there, as in a real run). A candidate the
labelling run did not validate counts as not plausible (its budget and time limit can cut
long programs short: the script says where it validated fewer than it generated; a larger
budget generates more candidates than the replayed run's, so that count is an upper bound).
Orderings:

- ``nearest``: :func:`apr.pipeline.nearest_first` (same place and family, same place, the rest);
- ``rank``: the rest in rank order;
- ``others_first``: other places first, then the rest of the first patch's place;
- ``family_then_others``: same place and family, then other places, then the rest of the place;
- ``round_robin``: one candidate of each place in turn.

A candidate's place is the suspicious statement its first edit lies in (an inserted line:
the statement it is inserted after or before, as its description says), an approximation of
the pipeline's own ``hunk_of``.

    python benchmarks/scripts/search_sim.py WORK LABELS [--budget 300]
"""

from __future__ import annotations

import argparse
import difflib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from apr.generate.edits import apply_edits
from apr.model import Candidate, from_json
from apr.pipeline import nearest_first
from apr.rank.estimate import order_part

Diff = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass
class Program:
    """A program's candidates in rank order, their places, and the plausible ones' records."""

    candidates: list[Candidate]
    place: list[int]
    plausible: dict[int, dict]  # candidate index -> the recorded patch
    validated: int
    generated: int

    def order(self) -> list[int]:
        """The first phase's order: templates, then mask fillings when there are two places."""
        if len(set(self.place)) < 2:
            return list(range(len(self.candidates)))
        late = [i for i, c in enumerate(self.candidates) if c.generator == "maskfill"]
        return [i for i, c in enumerate(self.candidates) if c.generator != "maskfill"] + late


Policy = Callable[[Program, int, list[int]], list[int]]


def changed_lines(old: str, new: str) -> tuple[str, ...]:
    return tuple(line for line in difflib.unified_diff(old.splitlines(), new.splitlines(),
                                                       lineterm="", n=0)
                 if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def candidate_key(sources: dict[str, bytes], candidate: Candidate) -> Diff:
    """The lines ``candidate`` removes and adds, per file (``sources``: the buggy files)."""
    return tuple((f, changed_lines(
        sources[f].decode(),
        apply_edits(sources[f], [e for e in candidate.edits if e.file == f]).decode()))
        for f in sorted(candidate.files))


def diff_key(diff: str) -> Diff:
    files: dict[str, list[str]] = {}
    current: list[str] = []
    for line in diff.splitlines():
        if line.startswith("+++ "):
            current = files.setdefault(line[6:], [])
        elif line[:1] in "+-" and not line.startswith("--- "):
            current.append(line)
    return tuple((f, tuple(lines)) for f, lines in sorted(files.items()))


def place_of(candidate: Candidate, hunks: Sequence[dict]) -> int:
    edit = candidate.edits[0]
    same = [h for h in hunks if h["file"] == edit.file] or list(hunks)
    for h in same:
        if h["start"] <= edit.start < h["end"]:
            return int(h["rank"])
    if edit.start == edit.end:  # an inserted line: after or before a statement
        before = [h for h in same if h["end"] <= edit.start]
        after = [h for h in same if h["start"] >= edit.start]
        if " after" in candidate.description and before:
            return int(max(before, key=lambda h: h["end"])["rank"])
        if " before" in candidate.description and after:
            return int(min(after, key=lambda h: h["start"])["rank"])
    return int(min(same, key=lambda h: min(abs(h["start"] - edit.start),
                                          abs(h["end"] - edit.start)))["rank"])


def load(work: Path, labels: Path) -> dict[str, Program]:
    programs = {}
    for line in (labels / "results.jsonl").read_text().splitlines():
        row = json.loads(line)
        run, checkout = work / f"{row['bug']}-run", work / row["bug"]
        if not (run / "candidates.json").exists():
            continue
        cands = [from_json(Candidate, c) for c in json.loads((run / "candidates.json").read_text())]
        hunks = json.loads((run / "hunks.json").read_text())
        sources = {f: (checkout / f).read_bytes() for f in {f for c in cands for f in c.files}}
        index: dict[Diff, int] = {}
        for i, c in enumerate(cands):
            index.setdefault(candidate_key(sources, c), i)
        plausible = {index[k]: p for p in row.get("patches", [])
                     if (k := diff_key(p["diff"])) in index}
        programs[row["bug"]] = Program(cands, [place_of(c, hunks) for c in cands], plausible,
                                       row["candidates_validated"], row["candidates_generated"])
    return programs


def total(patch: dict, position: int) -> float:
    parts = {k: v for k, v in patch["estimate"].items() if k not in ("total", "order")}
    return sum(parts.values()) + order_part(position)


def replay(p: Program, policy: Policy, share: float, max_patches: int, budget: int,
           ) -> list[bool] | None:
    """The verdicts of the patches found, best first (None: no plausible patch)."""
    order = p.order()
    first_at = next((at for at, i in enumerate(order[:budget]) if i in p.plausible), None)
    if first_at is None:
        return None
    first = order[first_at]
    found = [(first_at, first)]
    offered = min(budget, len(order))
    extra = int((budget - first_at - 1) * share)
    for k, i in enumerate(policy(p, first, order[first_at + 1:])[:extra]):
        if len(found) >= max_patches:
            break
        if i in p.plausible:
            found.append((offered + k, i))
    found.sort(key=lambda f: (-total(p.plausible[f[1]], f[0]), f[0]))
    return [bool(p.plausible[i]["correct"]) for _, i in found]


def nearest(p: Program, first: int, rest: list[int]) -> list[int]:
    hunk_of = {c: p.place[i] for i, c in enumerate(p.candidates)}
    where = {c: i for i, c in enumerate(p.candidates)}
    picked = nearest_first(p.candidates[first], [p.candidates[i] for i in rest], hunk_of)
    return [where[c] for c in picked]


def others_first(p: Program, first: int, rest: list[int]) -> list[int]:
    return sorted(rest, key=lambda i: p.place[i] == p.place[first])


def family_then_others(p: Program, first: int, rest: list[int]) -> list[int]:
    def group(i: int) -> int:
        if p.place[i] != p.place[first]:
            return 1
        return 0 if p.candidates[i].template == p.candidates[first].template else 2
    return sorted(rest, key=group)


def round_robin(p: Program, first: int, rest: list[int]) -> list[int]:
    turn: dict[int, int] = {}
    keyed = []
    for at, i in enumerate(rest):
        turn[p.place[i]] = turn.get(p.place[i], -1) + 1
        keyed.append((turn[p.place[i]], at, i))
    return [i for *_, i in sorted(keyed)]


POLICIES: dict[str, Policy] = {
    "nearest": nearest, "rank": lambda p, first, rest: rest, "others_first": others_first,
    "family_then_others": family_then_others, "round_robin": round_robin}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--budget", type=int, default=300)
    args = parser.parse_args()
    programs = load(args.work, args.labels)
    short = [f"{b} {p.validated}/{p.generated}" for b, p in sorted(programs.items())
             if p.validated < p.generated]
    print(f"{len(programs)} programs; the labelling run validated fewer candidates than it "
          f"generated for: {', '.join(short) or 'none'}")
    for name, policy in POLICIES.items():
        for share in (0.25, 0.5, 1.0):
            for most in (5, 10):
                runs = {b: replay(p, policy, share, most, args.budget)
                        for b, p in programs.items()}
                found = {b: r for b, r in runs.items() if r}
                wrong = sorted(b for b, r in found.items() if not r[0])
                print(f"{name:18s} share {share:<4} max {most:2d}: plausible {len(found)}, "
                      f"first correct {len(found) - len(wrong)}; wrong: {' '.join(wrong)}")


if __name__ == "__main__":
    main()
