"""Re-rank the plausible patches of finished `apr bench` runs with the current static parts.

Ranking runs after validation and changes nothing validated, so a change to the estimate's
anti-patterns can be measured on recorded runs without running a test: each plausible patch's
recorded estimate keeps its other parts (localization, size, naturalness, order) and gets its
anti-pattern and prior parts again from :func:`apr.rank.estimate.static_parts`, read from the
patch's diff (the lines from the first changed line to the last of each hunk, before and after). The
script prints, per bug whose order changes, the old and new order with each patch's verdict,
and the totals: bugs whose first patch is correct, before and after.

    python benchmarks/scripts/rerank.py [--drop PART ...] [--size] RUN_DIR [RUN_DIR ...]

``--drop PART`` leaves out every recorded part whose name starts with ``PART`` (``--drop
behaviour``: the ranking without the patches' behaviour on the tests), to measure what a
feature adds on the same runs. ``--size`` computes the size part again from the diff
(:func:`apr.rank.estimate.size_part`), to measure a change of the size measure on runs recorded
before it.

A patch's verdict (``correct``) is the one `apr bench` recorded; the language is the row's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from apr.generate.tokenlm import tokens
from apr.lang import get_language
from apr.rank.estimate import STATIC_NAMES, size_part, static_parts


def regions(diff: str) -> tuple[str, str]:
    """The changed stretch of every hunk of ``diff``, before and after, joined."""
    old: list[str] = []
    new: list[str] = []
    for hunk in diff.split("\n@@")[1:]:
        lines = hunk.split("\n")[1:]
        changed = [i for i, line in enumerate(lines) if line[:1] in "+-" and line]
        if not changed:
            continue
        for line in lines[changed[0]:changed[-1] + 1]:
            if line.startswith("-"):
                old.append(line[1:])
            elif line.startswith("+"):
                new.append(line[1:])
            else:
                old.append(line[1:])
                new.append(line[1:])
    return "\n".join(old), "\n".join(new)


def rescored(patch: dict, language: str, drop: tuple[str, ...] = (), size: bool = False) -> float:
    """The patch's total with its static parts (and with ``size``, its size) found again,
    without the ``drop`` parts."""
    lang = get_language(language)
    old, new = regions(patch["diff"])
    again = STATIC_NAMES + (("size",) if size else ())
    kept = {k: v for k, v in patch["estimate"].items()
            if k != "total" and k not in again and not k.startswith(drop)}
    old_tokens, new_tokens = tokens(old, lang), tokens(new, lang)
    found = static_parts(old_tokens, new_tokens)
    resized = size_part(old_tokens, new_tokens) if size else 0.0
    return sum(kept.values()) + sum(found.values()) + resized


def main(args: list[str]) -> None:
    drop: tuple[str, ...] = ()
    size = False
    while args[:1] in (["--drop"], ["--size"]):
        if args[0] == "--size":
            size, args = True, args[1:]
        else:
            drop, args = (*drop, args[1]), args[2:]
    run_dirs = args
    before = after = bugs = 0
    for run_dir in run_dirs:
        for line in (Path(run_dir) / "results.jsonl").read_text().splitlines():
            row = json.loads(line)
            patches = [p for p in row.get("patches") or [] if p.get("estimate")]
            if not patches:
                continue
            bugs += 1
            order = sorted(range(len(patches)), key=lambda i: (
                -rescored(patches[i], row["language"], drop, size), i))
            before += bool(patches[0]["correct"])
            after += bool(patches[order[0]]["correct"])
            if order != list(range(len(patches))):
                verdicts = ["C" if p["correct"] else "w" for p in patches]
                print(f"{row['bug']}: {''.join(verdicts)} -> "
                      f"{''.join(verdicts[i] for i in order)}")
                for i in order:
                    old, new = regions(patches[i]["diff"])
                    print(f"    {rescored(patches[i], row['language'], drop, size):+.3f} "
                          f"{patches[i]['estimate'].get('total', 0):+.3f} {new.strip()[:90]}")
    print(f"bugs with plausible patches: {bugs}; first patch correct: {before} -> {after}")


if __name__ == "__main__":
    main(sys.argv[1:])
