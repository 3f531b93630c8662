"""Line coverage from V8's precise coverage (``NODE_V8_COVERAGE=dir``), as c8 reads it.

Node writes one ``coverage-<pid>-<time>-<n>.json`` per process into the folder: per script
(``url``), per function, a list of ranges ``[startOffset, endOffset)`` with an execution
``count``. The first range of a function is the whole function; the others are blocks inside it
(a branch not taken, the code after a ``return``), and ranges nest. The innermost range holding
a character decides whether it ran. Offsets count UTF-16 code units of the source text.

A line counts as covered when one of its non-blank characters ran: ``} else if (x) {`` is covered
when the condition was evaluated, even if the block closed on that line never ran.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


def script_path(url: str) -> Path | None:
    """The file of a script's ``url`` (``file:///...`` or an absolute path); None for node's
    internals (``node:fs``) and anything else that is not a file."""
    if url.startswith("file://"):
        return Path(unquote(urlparse(url).path))
    if url.startswith("/"):
        return Path(url)
    return None


def covered_lines(source: str, ranges: Iterable[Mapping[str, int]]) -> set[int]:
    """The 1-based lines of ``source`` (split at ``\\n``, as tree-sitter counts rows) that hold
    a non-blank character whose innermost range ran."""
    ran = _paint(_utf16_length(source), ranges)
    covered: set[int] = set()
    unit = 0
    for number, line in enumerate(source.split("\n"), start=1):
        for char in line:
            if ran[unit] and not char.isspace():
                covered.add(number)
            unit += 2 if ord(char) > 0xFFFF else 1
        unit += 1  # the newline
    return covered


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _paint(length: int, ranges: Iterable[Mapping[str, int]]) -> bytearray:
    """One flag per UTF-16 unit: 1 where the innermost range holding it has a count > 0."""
    ran = bytearray(length + 1)
    ordered = sorted(ranges, key=lambda r: r["startOffset"] - r["endOffset"])  # outer first
    for r in ordered:
        start, end = max(0, r["startOffset"]), min(length, r["endOffset"])
        if end > start:
            ran[start:end] = (b"\x01" if r["count"] > 0 else b"\x00") * (end - start)
    return ran


def read_coverage(folder: Path, root: Path) -> dict[str, tuple[int, ...]]:
    """Covered lines per file under ``root`` (POSIX, relative to it), from every process's
    coverage file in ``folder``; ``node_modules`` and files outside ``root`` are left out."""
    base = root.resolve()
    lines: dict[str, set[int]] = {}
    for report in sorted(folder.glob("coverage-*.json")):
        for script in _scripts(report):
            rel = _relative(script.get("url", ""), base)
            if rel is None:
                continue
            try:
                source = (base / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            ranges = [r for fn in script.get("functions", []) for r in fn.get("ranges", [])]
            lines.setdefault(rel, set()).update(covered_lines(source, ranges))
    return {file: tuple(sorted(found)) for file, found in lines.items()}


def _scripts(report: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a process killed while writing leaves a torn file
        return []
    result = data.get("result", []) if isinstance(data, dict) else []
    return [s for s in result if isinstance(s, dict)]


def _relative(url: str, base: Path) -> str | None:
    path = script_path(url)
    if path is None:
        return None
    try:
        rel = path.resolve().relative_to(base)
    except (ValueError, OSError):
        return None
    return None if "node_modules" in rel.parts else rel.as_posix()
