"""`apr bench report DIR`: the table of a benchmark run, as text, Markdown and an HTML page.

Every table carries its settings (fault localization mode, budget, time limit, pipeline) and the
machine. Plausible, correct and exact-match are separate columns, and so is ``equivalent``
(the first patch is correct, or behaves as the developer's fix on sampled inputs where the
suite offers a differential test for the bug; ``-`` where it offers none for any). The HTML
page adds the table of bugs (status, correct, equivalent, the rank of the first correct patch
among the plausible ones, time, and the first patch folded in a ``<details>`` beside the
developer's) and two plots (inline SVG, no plotting library): time to the first plausible
patch per bug, and the rank of the first plausible patch.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from statistics import median
from typing import Any

from apr.bench.records import behaves_as_fix, read_records
from apr.errors import UsageError


def load(out: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(run.json, the records of results.jsonl) of a bench output directory."""
    results = out / "results.jsonl"
    if not results.exists():
        raise UsageError(f"{out}: no results.jsonl (run `apr bench run ... --out {out}` first)")
    meta = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else {}
    records = read_records(results)
    return meta, records


def rows(records: Sequence[dict[str, Any]]) -> list[list[str]]:
    """One row per language and a total: bugs, plausible, correct, exact, errors, times."""
    languages = sorted({r["language"] for r in records})
    groups = [(lang, [r for r in records if r["language"] == lang]) for lang in languages]
    if len(groups) > 1:
        groups.append(("total", list(records)))
    return [_row(name, group) for name, group in groups]


def _row(name: str, group: Sequence[dict[str, Any]]) -> list[str]:
    n = len(group)
    count = lambda key: sum(1 for r in group if r.get(key))  # noqa: E731
    errors = sum(1 for r in group if r["status"] in ("error", "cannot_reproduce"))
    secs = [r["seconds"] for r in group]
    validated = sum(r.get("candidates_validated", 0) for r in group)
    equivalent = (f"{sum(1 for r in group if behaves_as_fix(r))}"
                  if any("equivalent" in r for r in group) else "-")
    return [name, str(n), f"{count('plausible')}", f"{count('correct')}",
            f"{count('exact_match')}", equivalent, str(errors),
            f"{median(secs):.1f}" if secs else "-",
            f"{sum(secs) / 60:.1f}", str(validated)]


HEADER = ["language", "bugs", "plausible", "correct", "exact", "equivalent", "errors",
          "median s/bug", "total min", "validated"]


def settings_line(meta: dict[str, Any]) -> str:
    s = meta.get("settings", {})
    return (f"suite {meta.get('suite', '?')}; fl {s.get('fl', '?')}"
            f"{' (' + s['formula'] + ')' if s.get('fl') == 'sbfl' else ''}; "
            f"pipeline {s.get('pipeline', '?')}; budget {s.get('budget', '?')} candidates; "
            f"time limit {s.get('time_limit', '?')} s/bug; test timeout "
            f"{s.get('test_timeout', '?')} s; workers {s.get('workers', '?')}; "
            f"engine {s.get('engine', 'cold')}; "
            + (f"max patches {s['max_patches']}, search on {s['search_on']:g}; "
               if s.get("search_on") is not None else "")
            + (f"equivalence: {e['samples']} sampled inputs, at least {e['min_compared']} "
               f"compared; " if (e := meta.get("equivalence")) else "") +
            f"machine: {meta.get('machine', '?')}"
            + (f"; cluster {meta['cluster']} ({meta.get('cluster_workers', '?')} workers)"
               if meta.get("cluster") else ""))


def text_table(meta: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    table = [HEADER, *rows(records)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in table]
    return "\n".join([settings_line(meta), *lines])


def markdown(meta: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    head = "| " + " | ".join(HEADER) + " |\n|" + "---|" * len(HEADER) + "\n"
    body = "".join("| " + " | ".join(r) + " |\n" for r in rows(records))
    per_bug = "| bug | status | correct | exact | equivalent | rank | plausible patches | " \
              "rank correct | validated | seconds |\n|---|---|---|---|---|---|---|---|---|---|\n" \
              + "".join(
                  f"| {r['bug']} | {r['status']} | {_yes(r['correct'])} | "
                  f"{_yes(r['exact_match'])} | {_equivalent(r)} | "
                  f"{r.get('rank_of_first_plausible') or '-'} | "
                  f"{r.get('plausible_patches', int(bool(r.get('plausible'))))} | "
                  f"{r.get('rank_of_first_correct') or '-'} | "
                  f"{r.get('candidates_validated', 0)} | {r['seconds']:.1f} |\n"
                  for r in records)
    return f"Settings: {settings_line(meta)}\n\n{head}{body}\n{per_bug}"


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _equivalent(record: dict[str, Any]) -> str:
    """``yes``/``no`` for the first patch's differential verdict; ``-`` where none was made
    (no plausible patch, no differential test for the suite, too few comparable inputs)."""
    patches = record.get("patches") or []
    if "equivalent" not in record or not patches or patches[0].get("equivalent") is None:
        return "-"
    return _yes(patches[0]["equivalent"])


def html_page(meta: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    table = "<table><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in rows(records)) + "</table>"
    plausible = [r for r in records if r.get("plausible")]
    times = [(r["bug"], r.get("time_to_first_plausible") or r["seconds"]) for r in plausible]
    ranks = [(r["bug"], float(r.get("rank_of_first_plausible") or 0)) for r in plausible]
    return (
        "<!doctype html><meta charset=utf-8><title>apr bench</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:right}"
        "table.bugs td{text-align:left;vertical-align:top}"
        "pre{margin:0;font-size:11px}.no{color:#a33}.yes{color:#383}</style>"
        f"<h1>apr bench: {html.escape(str(meta.get('suite', '')))}</h1>"
        f"<p>{html.escape(settings_line(meta))}</p>{table}"
        "<h2>Bugs</h2>" + bug_table(records) +
        "<h2>Time to the first plausible patch (s)</h2>" + bar_chart(times) +
        "<h2>Rank of the first plausible patch</h2>" + bar_chart(ranks)
    )


BUG_HEADER = ["bug", "status", "correct", "equivalent", "rank correct", "seconds", "patch",
              "developer's patch"]


def bug_table(records: Sequence[dict[str, Any]]) -> str:
    """One row per bug: status, whether the first patch is correct and whether it behaves as
    the developer's fix (``-``: not judged), the rank of the first
    correct patch among the plausible ones (``-``: none), seconds, and the first patch and the
    developer's side by side, each folded in a ``<details>``."""
    head = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in BUG_HEADER) + "</tr>"
    return f'<table class="bugs">{head}' + "".join(_bug_row(r) for r in records) + "</table>"


def _bug_row(r: dict[str, Any]) -> str:
    correct = "yes" if r.get("correct") else "no"
    plausible = r.get("plausible_patches", int(bool(r.get("plausible"))))
    rank = r.get("rank_of_first_correct")
    rank_text = f"{rank} of {plausible}" if rank else (f"- of {plausible}" if plausible else "-")
    cells = [html.escape(str(r["bug"])), html.escape(str(r["status"])),
             f'<span class="{correct}">{correct}</span>' if r.get("plausible") else "-",
             _equivalent(r), rank_text, f"{r.get('seconds', 0):.1f}"
             + (f" on {html.escape(str(r['worker']))}" if r.get("worker") else ""),
             _folded("patch", r.get("patch", "")),
             _folded("developer", r.get("developer_patch", ""))]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _folded(label: str, diff: str) -> str:
    if not diff:
        return "-"
    lines = diff.count("\n") + (not diff.endswith("\n"))
    return (f"<details><summary>{label} ({lines} lines)</summary>"
            f"<pre>{html.escape(diff)}</pre></details>")


def bar_chart(points: Sequence[tuple[str, float]], width: int = 640, bar: int = 16) -> str:
    """A horizontal bar chart as inline SVG, one labelled bar per point, sorted by value."""
    if not points:
        return "<p>(no plausible patch)</p>"
    ordered = sorted(points, key=lambda p: p[1])
    top = max(v for _, v in ordered) or 1.0
    label_w, height = 220, bar * len(ordered) + 10
    bars = []
    for i, (name, value) in enumerate(ordered):
        y = 5 + i * bar
        w = (width - label_w - 60) * value / top
        bars.append(
            f'<text x="{label_w - 4}" y="{y + bar - 4}" text-anchor="end" font-size="11">'
            f"{html.escape(name)}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{bar - 4}" fill="#4a7"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar - 4}" font-size="11">{value:g}</text>')
    return f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">' \
           + "".join(bars) + "</svg>"


def write_reports(out: Path) -> tuple[str, Path, Path]:
    """Print-ready text; and report.md and report.html written into ``out``."""
    meta, records = load(out)
    md, page = out / "report.md", out / "report.html"
    md.write_text(markdown(meta, records), encoding="utf-8")
    page.write_text(html_page(meta, records), encoding="utf-8")
    return text_table(meta, records), md, page
