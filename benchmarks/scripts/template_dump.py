"""Every template candidate for every statement of some source files, one JSON line each.

Refactoring the template generators must not change what they propose: dump the candidates
before and after, and compare the two files (`cmp`, `diff`). Each statement of each file (the
statement at every line, once) is one hunk; the output lists, per hunk, every candidate in
generation order with its family, edit and score, so order, texts and scores are all compared.

    python benchmarks/scripts/template_dump.py benchmarks/java benchmarks/python > before.jsonl
    ... refactor ...
    python benchmarks/scripts/template_dump.py benchmarks/java benchmarks/python > after.jsonl
    cmp before.jsonl after.jsonl && echo unchanged

Arguments are files or folders (searched for files of a language apr knows); ``--lang`` keeps
one language. ``--masks``: the mask-fill generator's blanks instead (pattern, kind, bytes,
prefix, suffix, hint), which no filler has filled yet, for refactoring the mask patterns. Prints
a summary (files, candidates or blanks per language) on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from apr.generate import TemplateGenerator
from apr.generate.base import Context
from apr.generate.maskfill import MASKS
from apr.generate.templates import TABLES
from apr.lang import LanguageSupport, language_for_path
from apr.model import Hunk


def source_files(paths: list[str], language: str | None) -> Iterator[tuple[Path, LanguageSupport]]:
    """The files under ``paths`` whose language apr knows (sorted), of ``language`` if given."""
    for given in map(Path, paths):
        files = sorted(given.rglob("*")) if given.is_dir() else [given]
        for file in files:
            lang = language_for_path(str(file)) if file.is_file() else None
            if lang is not None and language in (None, lang.name):
                yield file, lang


def hunks(context: Context) -> Iterator[Hunk]:
    """One hunk per statement of the file (each statement once, in line order)."""
    lines = context.source.count(b"\n") + 1
    seen: set[tuple[int, int]] = set()
    for line in range(1, lines + 1):
        span = context.language.statement_at(context.source, line)
        if span is None or (span.start, span.end) in seen:
            continue
        seen.add((span.start, span.end))
        yield Hunk(context.file, span.first_line, span.last_line, span.start, span.end, 1.0)


def dump(file: Path, language: LanguageSupport,
         generator: TemplateGenerator) -> Iterator[dict[str, object]]:
    context = Context(file.read_bytes(), language, file.as_posix())
    for hunk in hunks(context):
        for candidate in generator.generate(hunk, context):
            edits = [[e.start, e.end, e.text] for e in candidate.edits]
            yield {"file": context.file, "line": hunk.first_line, "family": candidate.template,
                   "edits": edits, "score": round(candidate.score, 9),
                   "description": candidate.description}


def blanks(file: Path, language: LanguageSupport) -> Iterator[dict[str, object]]:
    """The mask patterns' blanks of every statement of ``file``, in generation order."""
    if language.name not in MASKS:
        return
    context = Context(file.read_bytes(), language, file.as_posix())
    site_type = TABLES[language.name][0]
    masks = MASKS[language.name][0]
    for hunk in hunks(context):
        site = site_type(context.source, language, hunk.start, hunk.end)
        for masked in masks(site):
            yield {"file": context.file, "line": hunk.first_line, "pattern": masked.pattern,
                   "kind": masked.kind, "bytes": [masked.start, masked.end],
                   "original": masked.original, "prefix": masked.prefix,
                   "suffix": masked.suffix, "hint": masked.hint}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="files or folders")
    parser.add_argument("--lang", help="keep one language")
    parser.add_argument("--masks", action="store_true", help="the mask patterns' blanks")
    args = parser.parse_args(argv)
    generator = TemplateGenerator()
    counts: Counter[str] = Counter()
    what = "blanks" if args.masks else "candidates"
    for file, language in source_files(args.paths, args.lang):
        counts[f"{language.name} files"] += 1
        rows = blanks(file, language) if args.masks else dump(file, language, generator)
        for row in rows:
            counts[f"{language.name} {what}"] += 1
            print(json.dumps(row, sort_keys=True))
    print(", ".join(f"{v} {k}" for k, v in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
