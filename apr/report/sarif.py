"""SARIF 2.1.0 (`apr ci --sarif FILE`): suspicious lines as results, validated patches as fixes.

One run, with ``tool.driver`` = apr and one rule (``apr/suspicious-line``). Each of the top
suspicious locations is a result (level ``warning`` where the best patch changes the line or,
without a patch, for the top-scored lines; ``note`` otherwise). A result whose line a validated
patch touches carries that whole patch as a ``fix``: ``artifactChanges[].replacements[]``, each a
``deletedRegion`` of whole lines and the ``insertedContent`` that replaces them.

Regions are 1-based and cover whole lines including their line ends: lines ``a..b`` are
``startLine a, startColumn 1, endLine b+1, endColumn 1`` (an insertion point when ``b = a-1``);
the one exception is a last line without a newline, which ends at its last character
(``endLine b, endColumn len+1``). Columns count Unicode code points (``run.columnKind``).
Replacements are read from the git diff with ``unidiff``; the diff itself is also kept
(``fix.description.markdown`` and ``run.properties.patches``), since not every SARIF viewer
shows fixes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from unidiff import PatchSet
from unidiff.patch import Hunk as DiffHunk

from apr.model import Location, RepairResult, RepairStatus, ValidationResult
from apr.report.markdown import diff_block

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
RULE_ID = "apr/suspicious-line"
SRCROOT = "%SRCROOT%"

_RULE = {
    "id": RULE_ID,
    "name": "SuspiciousLine",
    "shortDescription": {"text": "A line the failing tests implicate"},
    "fullDescription": {"text": "Spectrum-based fault localization ranks this line among the "
                                "likeliest causes of the failing tests: the failing tests execute "
                                "it, the passing tests rarely do."},
    "help": {"text": "Look at this line first when debugging the failing tests. Where apr found "
                     "a patch that makes every test pass, the result carries it as a fix; review "
                     "it before applying: passing tests do not prove a patch correct."},
    "defaultConfiguration": {"level": "warning"},
    "properties": {"tags": ["apr", "fault-localization"]},
}


# --- patches as replacements ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace the text from (start_line, start_column) up to, not including, (end_line,
    end_column) of ``file`` with ``inserted``; 1-based, columns in code points."""

    file: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    inserted: str
    deleted_lines: tuple[int, ...]  # the original lines it removes (none for an insertion)


def replacements(diff: str) -> list[Replacement]:
    """One replacement per run of changed lines in ``diff`` (a git diff), in file order.

    Raises:
        unidiff.UnidiffParseError: ``diff`` is not a unified diff.
    """
    out: list[Replacement] = []
    for patched in PatchSet(diff):
        file = patched.path
        for hunk in patched:
            out.extend(_hunk_replacements(file, hunk))
    return out


def _hunk_replacements(file: str, hunk: DiffHunk) -> Iterator[Replacement]:
    """Group a hunk's lines into runs of removed/added lines between context lines."""
    # Where the next line would go in the original; "-3,0" means "after line 3".
    next_source = hunk.source_start + (1 if hunk.source_length == 0 else 0)
    block: list[tuple[str, str, int | None]] = []
    block_start = next_source
    for kind, text, source_no in [*_lines(hunk), (" ", "", None)]:  # a sentinel ends the last
        if kind != " ":
            if not block:
                block_start = next_source
            block.append((kind, text, source_no))
        elif block:
            yield _replacement(file, block, block_start)
            block = []
        if source_no is not None:
            next_source = source_no + 1


def _lines(hunk: DiffHunk) -> list[tuple[str, str, int | None]]:
    """(kind, text with its true line end, source line number); ``\\`` markers applied."""
    out: list[tuple[str, str, int | None]] = []
    for line in hunk:
        if line.line_type == "\\":  # "No newline at end of file": the line before has none
            kind, text, number = out[-1]
            out[-1] = (kind, text.removesuffix("\n"), number)
        elif line.line_type in (" ", "-", "+"):
            out.append((line.line_type, line.value, line.source_line_no))
    return out


def _replacement(file: str, block: list[tuple[str, str, int | None]],
                 insert_at: int) -> Replacement:
    removed = [(text, no) for kind, text, no in block if kind == "-" and no is not None]
    inserted = "".join(text for kind, text, _ in block if kind == "+")
    if not removed:
        return Replacement(file, insert_at, 1, insert_at, 1, inserted, ())
    first, (last_text, last) = removed[0][1], removed[-1]
    numbers = tuple(no for _, no in removed)
    if last_text.endswith("\n"):
        return Replacement(file, first, 1, last + 1, 1, inserted, numbers)
    return Replacement(file, first, 1, last, len(last_text) + 1, inserted, numbers)


def touched_lines(replacement: Replacement) -> set[int]:
    """The original lines a replacement changes; for an insertion, the lines on either side."""
    if replacement.deleted_lines:
        return set(replacement.deleted_lines)
    return {n for n in (replacement.start_line - 1, replacement.start_line) if n >= 1}


# --- the log --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where the analysed code came from, for ``run.versionControlProvenance`` (all optional).

    Attributes:
        root: the repository's directory; result URIs are relative to it (``%SRCROOT%``).
        repository_url: the repository's web address.
        revision: the commit sha.
        branch: the branch name.
    """

    root: Path | None = None
    repository_url: str | None = None
    revision: str | None = None
    branch: str | None = None


def sarif_log(result: RepairResult, version: str, provenance: Provenance | None = None,
              max_results: int = 10) -> dict[str, Any]:
    """The SARIF 2.1.0 log of ``result``: the top ``max_results`` suspicious lines, with fixes.

    When the best patch changes none of those lines, one more result marks the first line it
    changes, so that the patch always appears as a fix.
    """
    provenance = provenance or Provenance()
    patches = [(p, replacements(p.diff)) for p in result.patches]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "apr", "version": version, "rules": [_RULE]}},
        "invocations": [_invocation(result)],
        "columnKind": "unicodeCodePoints",
        "results": _results(result, patches, max_results),
        "properties": {"status": result.status.value, "failingTests": list(result.failing_tests),
                       "patches": [p.diff for p in result.patches]},
    }
    if provenance.root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": provenance.root.resolve().as_uri() + "/"}}
    if provenance.repository_url:
        vcs = {"repositoryUri": provenance.repository_url, "revisionId": provenance.revision,
               "branch": provenance.branch}
        run["versionControlProvenance"] = [{k: v for k, v in vcs.items() if v}]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def write_sarif(path: str | Path, log: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(log, indent=2) + "\n", encoding="utf-8")


def _invocation(result: RepairResult) -> dict[str, Any]:
    ok = result.status is not RepairStatus.CANNOT_REPRODUCE
    invocation: dict[str, Any] = {"executionSuccessful": ok}
    if result.message:
        level = "note" if ok else "error"
        invocation["toolExecutionNotifications"] = [
            {"level": level, "message": {"text": result.message}}]
    return invocation


Patched = tuple[ValidationResult, list[Replacement]]


def _results(result: RepairResult, patches: Sequence[Patched],
             max_results: int) -> list[dict[str, Any]]:
    shown = list(result.localization[:max_results])
    if patches and not any(_fixes_for(loc, patches[:1]) for loc in shown):
        first = next(iter(patches[0][1]), None)
        if first is not None:
            line = min(touched_lines(first) or {first.start_line})
            shown.append(Location(first.file, line, _score_of(result, first.file, line)))
    top = max((loc.score for loc in shown), default=0.0)
    return [_result(loc, rank, top, _fixes_for(loc, patches), bool(patches), len(shown))
            for rank, loc in enumerate(shown, 1)]


def _score_of(result: RepairResult, file: str, line: int) -> float:
    return next((loc.score for loc in result.localization
                 if (loc.file, loc.line) == (file, line)), 0.0)


def _fixes_for(loc: Location, patches: Sequence[Patched]) -> list[tuple[int, Patched]]:
    """The patches (with their 1-based rank) that change ``loc``'s line."""
    return [(rank, patched) for rank, patched in enumerate(patches, 1)
            if any(r.file == loc.file and loc.line in touched_lines(r) for r in patched[1])]


def _result(loc: Location, rank: int, top: float, fixes: list[tuple[int, Patched]],
            any_patch: bool, count: int) -> dict[str, Any]:
    best_fixes = any(r == 1 for r, _ in fixes)
    level = "warning" if best_fixes or (not any_patch and loc.score >= top) else "note"
    text = (f"Suspicious line {rank} of {count} (suspiciousness {loc.score:.3f}): the failing "
            "tests execute it.")
    if fixes:
        rank_of_fix, (patch, _) = fixes[0]
        text += f" apr's validated patch {rank_of_fix} changes it: {_describe(patch)}."
    out: dict[str, Any] = {
        "ruleId": RULE_ID, "ruleIndex": 0, "level": level, "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(loc.file), "uriBaseId": SRCROOT},
            "region": {"startLine": loc.line}}}],
        "rank": round(max(0.0, min(1.0, loc.score)) * 100, 1),
        "properties": {"score": loc.score, "suspiciousnessRank": rank},
    }
    if fixes:
        out["fixes"] = [_fix(patch_rank, patched) for patch_rank, patched in fixes]
    return out


def _fix(rank: int, patched: Patched) -> dict[str, Any]:
    patch, reps = patched
    text = f"apr patch {rank}: {_describe(patch)} (the failing tests and the suite pass with it)"
    changes: dict[str, list[dict[str, Any]]] = {}
    for r in reps:
        changes.setdefault(r.file, []).append({
            "deletedRegion": {"startLine": r.start_line, "startColumn": r.start_column,
                              "endLine": r.end_line, "endColumn": r.end_column},
            "insertedContent": {"text": r.inserted}})
    return {
        "description": {"text": text, "markdown": f"{text}\n\n{diff_block(patch.diff)}"},
        "artifactChanges": [{"artifactLocation": {"uri": _uri(file), "uriBaseId": SRCROOT},
                             "replacements": reps_of_file}
                            for file, reps_of_file in changes.items()],
    }


def _describe(patch: ValidationResult) -> str:
    c = patch.candidate
    return c.description or f"{c.generator}/{c.template}"


def _uri(file: str) -> str:
    return quote(file, safe="/")
