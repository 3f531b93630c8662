"""The Markdown summary of a repair (`apr ci`: GitHub's job summary, `--summary FILE`).

Sections, in order: the verdict and why; where the run was (commit, branch, CI run); the
failing tests; the top suspicious lines (linked to the code when a web address is known); the
best patches as ``diff`` blocks; budget and time used; notes (e.g. the fix branch); the
settings, folded. Everything is plain GitHub-flavoured Markdown, readable as text too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from apr.model import RepairResult, RepairStatus

_CODE_SPAN = re.compile(r"(`+[^`]*?`+)")

_VERDICT = {
    RepairStatus.PLAUSIBLE: "found a plausible patch",
    RepairStatus.NONE: "found no plausible patch",
    RepairStatus.PARTIAL: "found no plausible patch, only partial ones (some failing tests fixed)",
    RepairStatus.NOTHING_TO_FIX: "nothing to fix",
    RepairStatus.CANNOT_REPRODUCE: "could not reproduce the failure",
}


@dataclass(frozen=True, slots=True)
class SummaryContext:
    """What surrounds a result in a summary; every field is optional.

    Attributes:
        settings: the run's resolved settings (shown folded; budget and time limit are used).
        source_url: a web prefix; ``{source_url}{file}#L{line}`` shows a line.
        commit: the commit repaired.
        ref: its branch or tag.
        run_url: the CI run's web page.
        stats: more lines for the budget section (e.g. the validation cache's hits).
        notes: Markdown paragraphs added at the end (e.g. how to push the fix branch).
    """

    settings: Mapping[str, Any] = field(default_factory=dict)
    source_url: str | None = None
    commit: str | None = None
    ref: str | None = None
    run_url: str | None = None
    stats: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def markdown_summary(result: RepairResult, context: SummaryContext | None = None,
                     max_locations: int = 10, max_tests: int = 20,
                     max_patches: int = 3) -> str:
    """The whole summary, ending in a newline."""
    context = context or SummaryContext()
    parts = [_headline(result, context), _failing(result, max_tests),
             _locations(result, context, max_locations), _patches(result, max_patches),
             _budget(result, context), *context.notes, _settings(context.settings)]
    return "\n\n".join(p for p in parts if p) + "\n"


def diff_block(diff: str) -> str:
    """``diff`` as a fenced ``diff`` code block (fenced longer than any backticks inside)."""
    longest = run = 0
    for ch in diff:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}diff\n{diff if diff.endswith(chr(10)) else diff + chr(10)}{fence}"


def _headline(result: RepairResult, context: SummaryContext) -> str:
    verdict = _VERDICT[result.status]
    if result.status is RepairStatus.PLAUSIBLE and len(result.patches) > 1:
        verdict = f"found {len(result.patches)} plausible patches"
    lines = [f"## apr: {verdict}"]
    if result.message:
        lines.append(f"\n{_escape(result.message)}")
    where = [f"commit `{context.commit[:12]}`" if context.commit else "",
             f"on `{context.ref}`" if context.ref else "",
             f"([CI run]({context.run_url}))" if context.run_url else ""]
    if any(where):
        lines.append("\n" + " ".join(w for w in where if w))
    return "\n".join(lines)


def _failing(result: RepairResult, limit: int) -> str:
    if not result.failing_tests:
        return ""
    tests = result.failing_tests
    lines = [f"### Failing tests ({len(tests)})", ""] + [f"- `{t}`" for t in tests[:limit]]
    if len(tests) > limit:
        lines.append(f"- ... and {len(tests) - limit} more")
    return "\n".join(lines)


def _locations(result: RepairResult, context: SummaryContext, limit: int) -> str:
    if not result.localization:
        return ""
    lines = ["### Most suspicious lines", "", "| # | line | suspiciousness |", "|---:|---|---:|"]
    for rank, loc in enumerate(result.localization[:limit], 1):
        where = f"`{_cell(loc.file)}:{loc.line}`"
        if context.source_url:
            where = f"[{where}]({context.source_url}{quote(loc.file, safe='/')}#L{loc.line})"
        lines.append(f"| {rank} | {where} | {loc.score:.3f} |")
    return "\n".join(lines)


def _patches(result: RepairResult, limit: int) -> str:
    blocks = []
    for rank, patch in enumerate(result.patches[:limit], 1):
        c = patch.candidate
        title = f"### Patch {rank}: {_escape(c.description or c.template)}"
        about = (f"`{c.generator}/{c.template}`; the failing tests and the whole suite pass "
                 f"with it (validated in {patch.seconds:.1f} s).")
        blocks.append(f"{title}\n\n{about}\n\n{diff_block(patch.diff)}")
    if len(result.patches) > limit:
        blocks.append(f"... and {len(result.patches) - limit} more patch(es) in the JSON report.")
    return "\n\n".join(blocks)


def _budget(result: RepairResult, context: SummaryContext) -> str:
    budget, limit = context.settings.get("budget"), context.settings.get("time_limit")
    validated = f"{result.candidates_validated} of {result.candidates_generated} generated"
    lines = ["### Budget", "",
             f"- candidates validated: {validated}" + (f" (budget {budget})" if budget else ""),
             f"- time: {result.seconds:.1f} s" + (f" of {limit:g} s" if limit else "")
             + _stages(result.stages)]
    if result.outcomes:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items()))
        lines.append(f"- outcomes: {counts}")
    lines += [f"- {s}" for s in context.stats]
    return "\n".join(lines)


def _stages(stages: Mapping[str, float]) -> str:
    if not stages:
        return ""
    return " (" + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()) + ")"


def _settings(settings: Mapping[str, Any]) -> str:
    if not settings:
        return ""
    rows = [f"| `{k}` | {_cell(_value(v))} |" for k, v in settings.items()]
    return "\n".join(["<details><summary>Settings</summary>", "",
                      "| setting | value |", "|---|---|", *rows, "", "</details>"])


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "(default)" if value is None else str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _escape(text: str) -> str:
    """Text shown as written: ``<`` and ``>`` outside code spans become entities (GitHub drops
    what looks like an HTML tag); code spans are kept, since entities show literally there."""
    parts = _CODE_SPAN.split(text)
    return "".join(p if i % 2 else p.replace("<", "&lt;").replace(">", "&gt;")
                   for i, p in enumerate(parts))
