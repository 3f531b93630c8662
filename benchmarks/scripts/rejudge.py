"""Judge the plausible patches of finished `apr bench` runs again, with today's judge.

Judging changes nothing validated: when the judge (`apr/bench/correctness.py`, the normal forms
of `apr/lang/normal.py`) or a suite's ground truth (its `developer_patch`) changes, recorded runs
can be judged again without running a test. Each bug is checked out afresh from the suite, its
developer's patch made again, and every recorded patch judged against it. The script prints
each bug whose verdicts change, and the totals before and after: first patch correct, correct
at any rank. Where the suite offers a reference program (QuixBugs-Python), each patch also gets
the differential verdict (`apr/bench/equivalence.py`), printed as ``E`` (equivalent), ``d``
(differs) or ``?`` (undecided) for the patches that are not correct, with the totals of first
patches correct or equivalent.

    python benchmarks/scripts/rejudge.py SUITE PATH LANGUAGE RUN_DIR [RUN_DIR ...]
    python benchmarks/scripts/rejudge.py quixbugs /path/to/QuixBugs java OUT

Suite options (BugsInPy's ``clones``) come from the environment as in `apr bench`: not taken
here, so the script covers the suites that need none.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from apr.bench import open_suite
from apr.bench.records import behaves_as_fix
from apr.bench.runner import judge_equivalence, judge_patch, suite_reference


def main(suite_name: str, path: str, language: str, run_dirs: list[str]) -> None:
    suite = open_suite(suite_name, path, language)
    bugs = {b.id: b for b in suite.bugs()}
    first = [0, 0]  # before, after
    anywhere = [0, 0]
    plausible = 0
    equivalent = [0, 0]  # first patch correct or equivalent: recorded, now
    for run_dir in run_dirs:
        for line in (Path(run_dir) / "results.jsonl").read_text().splitlines():
            row = json.loads(line)
            patches = row.get("patches") or []
            if not patches or row["bug"] not in bugs:
                continue
            plausible += 1
            bug = bugs[row["bug"]]
            with tempfile.TemporaryDirectory(prefix="apr-rejudge-") as tmp:
                checkout = suite.checkout(bug, Path(tmp) / bug.id)
                dev = suite.developer_patch(bug)
                now = [judge_patch(checkout, p["diff"], dev, bug.language)[1] for p in patches]
                reference = suite_reference(suite, bug)
                judged = [{**p, "correct": c} for p, c in zip(patches, now, strict=True)]
                same = (judge_equivalence({"patches": judged}, checkout, reference)["patches"]
                        if reference is not None else [])
            was = [bool(p["correct"]) for p in patches]
            first[0] += was[0]
            first[1] += now[0]
            anywhere[0] += any(was)
            anywhere[1] += any(now)
            equivalent[0] += behaves_as_fix(row)
            equivalent[1] += bool(same[0]["equivalent"] if same else now[0])
            if now != was:
                print(f"{row['bug']}: {_marks(was)} -> {_marks(now)}")
            if any(not p["correct"] for p in same):
                print(f"{row['bug']}: differential {_differential(same)}")
    print(f"bugs with plausible patches: {plausible}; first patch correct: {first[0]} -> "
          f"{first[1]}; correct at any rank: {anywhere[0]} -> {anywhere[1]}; first patch "
          f"correct or equivalent: {equivalent[0]} -> {equivalent[1]}")


def _marks(verdicts: list[bool]) -> str:
    return "".join("C" if v else "w" for v in verdicts)


def _differential(patches: list[dict[str, object]]) -> str:
    marks = {True: "E", False: "d", None: "?"}
    return "".join("C" if p["correct"] else marks[p["equivalent"]] for p in patches) + "".join(
        f"; {rank}: {p['differential']}" for rank, p in enumerate(patches, 1)
        if p.get("equivalent") is False)


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
