"""Where does the developer's fix rank among the generated candidates? (No test is run.)

For each bug of a suite, under perfect localization: generate and rank candidates exactly as
`apr repair` would, apply each to the buggy file, and report the rank of the first candidate
that is the developer's fix (same normalized tokens or tree, as `apr bench` judges "correct").
A steering tool for the generators: "not generated" means no template can reach the fix, a
large rank means the fix is reachable but the budget may run out first.

    python benchmarks/scripts/oracle_rank.py manifest benchmarks/python
    python benchmarks/scripts/oracle_rank.py quixbugs /path/to/QuixBugs
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from apr.bench import open_suite
from apr.bench.correctness import compare
from apr.bench.manifest import fixed_version
from apr.bench.runner import patch_locations
from apr.config import RepairConfig
from apr.generate.edits import apply_edits
from apr.lang import get_language
from apr.pipeline import find_hunks, generate
from apr.project.workspace import Snapshot, UserRepo


def oracle_rank(suite_name: str, path: str) -> None:
    suite = open_suite(suite_name, path)
    found = 0
    for bug in suite.bugs():
        with tempfile.TemporaryDirectory() as tmp:
            checkout = suite.checkout(bug, Path(tmp) / "bug")
            patch = suite.developer_patch(bug)
            lang = get_language(bug.language)
            fixed = fixed_version(checkout, patch)
            with Snapshot(UserRepo.locate(checkout)) as snap:
                hunks = find_hunks(patch_locations(patch), snap, lang, 30)
                cands = generate(hunks, snap, lang, RepairConfig(workers=1))
                rank = _first_fix(cands, snap, fixed, lang)
        found += rank is not None
        where = f"rank {rank}" if rank is not None else "not generated"
        print(f"{bug.id:32s} hunks {bug.hunks}  {len(cands):5d} candidates  {where}", flush=True)
    print(f"developer fix generated for {found} of {len(suite.bugs())} bugs")


def _first_fix(cands, snap, fixed, lang):  # type: ignore[no-untyped-def]
    for rank, cand in enumerate(cands, 1):
        if set(cand.files) != set(fixed):
            continue
        ours = {f: apply_edits(snap.read(f), [e for e in cand.edits if e.file == f])
                for f in cand.files}
        if compare(ours, fixed, lang)[1]:
            return rank
    return None


if __name__ == "__main__":
    oracle_rank(sys.argv[1], sys.argv[2])
