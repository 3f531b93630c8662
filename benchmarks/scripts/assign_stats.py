"""How often does a real fix change an assignment's target, and how often its value? Offline.

The correctness estimate's ``assign_target`` prior (:mod:`apr.rank.estimate`) costs a patch
that stores an assignment's unchanged value somewhere else. This script counts, in the
developers' patches of local Defects4J and BugsInPy checkouts, the one-line-for-one-line
changes where both lines are assignments (as the estimate reads them:
:func:`apr.rank.estimate.assignment`, on the token model's tokens), by what changed: the
target, the operator, the value, or more than one of them. The held-out projects are skipped.

    python benchmarks/scripts/assign_stats.py --defects4j D4J --bugsinpy BUGSINPY [--show target]

(``D4J``: a checkout of rjust/defects4j; ``BUGSINPY``: of soarsmu/BugsInPy.)
"""

from __future__ import annotations

import argparse
import collections
from collections.abc import Iterator
from pathlib import Path

from apr.generate.tokenlm import tokens
from apr.lang import get_language
from apr.rank.estimate import assignment, statements

HELD_OUT = frozenset({"Lang", "Cli", "Codec", "Csv", "Gson", "Jsoup", "Math",
                      "thefuck", "tqdm", "youtube-dl"})


def one_line_changes(patch: str) -> Iterator[tuple[str, str]]:
    """(removed, added) for each run of changed lines that is one line for one line."""
    minus: list[str] = []
    plus: list[str] = []
    for line in [*patch.splitlines(), " "]:
        if line.startswith(("---", "+++")):
            continue
        if line[:1] == "-":
            minus.append(line[1:])
        elif line[:1] == "+":
            plus.append(line[1:])
        else:
            if len(minus) == 1 and len(plus) == 1:
                yield minus[0], plus[0]
            minus, plus = [], []


def kind(old: str, new: str, language: str) -> str | None:
    """What a one-line change to an assignment changed, or None if it is not one (one whole
    statement each side, read as the estimate reads it)."""
    lang = get_language(language)
    before, after = tokens(old.strip(), lang), tokens(new.strip(), lang)
    if not (_whole(before) and _whole(after)):
        return None
    a, b = assignment(statements(before)[0]), assignment(statements(after)[0])
    if a is None or b is None:
        return None
    changed = [name for name, x, y in zip(("target", "operator", "value"), a, b, strict=True)
               if x != y]
    return "+".join(changed) or "layout"


def _whole(toks: list[str]) -> bool:
    """One statement, its brackets matched (not a piece of a longer one)."""
    depth = 0
    for t in toks:
        depth += (t in ("(", "[", "{")) - (t in (")", "]", "}"))
        if depth < 0:
            return False
    return depth == 0 and len(statements(toks)) == 1


def patches(defects4j: Path | None, bugsinpy: Path | None) -> Iterator[tuple[str, str, Path]]:
    """(language, project, patch file) of every bug outside the held-out projects."""
    if defects4j:
        for project in sorted((defects4j / "framework" / "projects").iterdir()):
            if project.name not in HELD_OUT:
                for path in sorted(project.glob("patches/*.src.patch")):
                    yield "java", project.name, path
    if bugsinpy:
        for project in sorted((bugsinpy / "projects").iterdir()):
            if project.name not in HELD_OUT:
                for path in sorted(project.glob("bugs/*/bug_patch.txt")):
                    yield "python", project.name, path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--defects4j", type=Path)
    parser.add_argument("--bugsinpy", type=Path)
    parser.add_argument("--show", help="print the changes of this kind (e.g. target)")
    args = parser.parse_args()
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for language, project, path in patches(args.defects4j, args.bugsinpy):
        for old, new in one_line_changes(path.read_text(errors="replace")):
            if (found := kind(old, new, language)) is not None:
                counts[language, found] += 1
                if found == args.show:
                    print(f"{project} {path.parent.name if language == 'python' else path.name}:"
                          f" {old.strip()}  ->  {new.strip()}")
    for (language, found), n in sorted(counts.items()):
        print(f"{language:7s} {found:22s} {n:5d}")


if __name__ == "__main__":
    main()
