"""Where does the developer's fix rank among the generated candidates? (No test is run.)

For each bug of a suite, under perfect localization: generate and rank candidates exactly as
`apr repair` would, apply each to the buggy file, and report the rank of the first candidate
that is the developer's fix (same normalized tokens or tree, as `apr bench` judges "correct").
A steering tool for the generators: "not generated" means no template can reach the fix, a
large rank means the fix is reachable but the budget may run out first.

For a multi-hunk bug the fix is made by the multi-hunk phase, from the hunks' own lists: the
script also prints, per place the developer changed, the rank of that place's part of the fix in
the list of the hunk it lies in ("-" when no candidate makes it).

    python benchmarks/scripts/oracle_rank.py manifest benchmarks/python
    python benchmarks/scripts/oracle_rank.py quixbugs /path/to/QuixBugs
    python benchmarks/scripts/oracle_rank.py manifest benchmarks/python template,maskfill

The optional third argument is the generators (default: those of the default pipeline); then
``KEY=VALUE`` settings of the run's config, e.g. ``mask_retrieval=false`` (donors without
retrieval), ``suite_language=java`` (QuixBugs' Java programs), and ``bugs=ID,ID`` to rank
only those bugs (``bugs=@FILE``: one id a line, ``#`` comments, as in
benchmarks/realbugs/python-bugs.txt):

    python benchmarks/scripts/oracle_rank.py manifest benchmarks/python "" mask_retrieval=false
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

from unidiff import PatchSet

from apr.bench import open_suite
from apr.bench.correctness import compare
from apr.bench.manifest import fixed_version
from apr.bench.runner import patch_locations
from apr.config import RepairConfig, resolve
from apr.generate.edits import apply_edits
from apr.generate.multihunk import group_by_hunk
from apr.lang import get_language
from apr.pipeline import find_hunks, generate_by_hunk, load_pipeline
from apr.project.workspace import Snapshot, UserRepo


def oracle_rank(suite_name: str, path: str, generators: str = "", *settings: str) -> None:
    overrides = dict(s.split("=", 1) for s in settings)
    suite = open_suite(suite_name, path, overrides.pop("suite_language", "python"))
    names = generators.split(",") if generators else load_pipeline("default")["generators"]
    wanted = _bug_ids(overrides.pop("bugs", ""))
    config = dataclasses.replace(settings_of(names, overrides), workers=1)
    print(f"generators: {', '.join(names)}")
    found = 0
    for bug in suite.bugs():
        if wanted and bug.id not in wanted:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            checkout = suite.checkout(bug, Path(tmp) / "bug")
            patch = suite.developer_patch(bug)
            lang = get_language(bug.language)
            fixed = fixed_version(checkout, patch)
            with Snapshot(UserRepo.locate(checkout)) as snap:
                hunks = find_hunks(patch_locations(patch), snap, lang, 30)
                generated = generate_by_hunk(hunks, snap, lang, config)
                cands = generated.candidates
                rank = first_fix(cands, snap.read, fixed, lang)
                parts = _part_ranks(generated, checkout, patch, snap, lang)
        found += rank is not None
        where = f"rank {rank}" if rank is not None else "not generated"
        per_place = f"  per place: {' '.join(parts)}" if len(parts) > 1 else ""
        print(f"{bug.id:32s} hunks {bug.hunks}  {len(cands):5d} candidates  {where}{per_place}",
              flush=True)
    total = sum(1 for bug in suite.bugs() if not wanted or bug.id in wanted)
    print(f"developer fix generated for {found} of {total} bugs")


def first_fix(cands, read, fixed, lang):  # type: ignore[no-untyped-def]
    """The 1-based rank of the first of ``cands`` that is the developer's fix (``fixed``: its
    files after the fix; ``read(file)``: a file's buggy content), as `apr bench` judges it."""
    for rank, cand in enumerate(cands, 1):
        if set(cand.files) != set(fixed):
            continue
        ours = {f: apply_edits(read(f), [e for e in cand.edits if e.file == f])
                for f in cand.files}
        if compare(ours, fixed, lang)[1]:
            return rank
    return None


def _part_ranks(generated, checkout, patch, snap, lang):  # type: ignore[no-untyped-def]
    """Per hunk of the developer patch, the rank of its part of the fix in its hunk's list."""
    lists = group_by_hunk(generated.candidates, generated.hunk_of, len(generated.hunks))
    ranks = []
    for part in _split(patch):
        fixed = fixed_version(checkout, part)
        best = [r for r in (first_fix(cands, snap.read, fixed, lang) for cands in lists) if r]
        ranks.append(str(min(best)) if best else "-")
    return ranks


def _bug_ids(spec: str) -> set[str]:
    if spec.startswith("@"):
        lines = Path(spec[1:]).read_text(encoding="utf-8").splitlines()
        return {line.split("#")[0].strip() for line in lines} - {""}
    return {b.strip() for b in spec.split(",") if b.strip()}


def settings_of(generators: list[str], overrides: dict[str, str]) -> RepairConfig:
    """The default config with ``generators`` and ``KEY=VALUE`` overrides (as in apr.toml)."""
    pipeline = {"generators": generators, **overrides}
    with tempfile.TemporaryDirectory() as empty:  # no pyproject.toml or apr.toml to read
        return resolve(Path(empty), {}, pipeline, environ={})


def _split(patch: str) -> list[str]:
    """The patch as one patch per hunk."""
    parts = []
    for pf in PatchSet(patch):
        header = f"--- {pf.source_file}\n+++ {pf.target_file}\n"
        parts.extend(header + str(hunk) for hunk in pf)
    return parts


if __name__ == "__main__":
    oracle_rank(*sys.argv[1:])
