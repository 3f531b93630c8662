"""Reading ``results.jsonl``: one JSON object per bug, appended as bugs finish.

A run killed mid-write, or a file edited by hand, can leave a line that is not a record; it is
skipped with a warning on stderr (naming the line), so that one bad line never costs the rest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of ``path`` (none if it does not exist), corrupt lines left out."""
    if not path.exists():
        return []
    records: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace")
                                  .splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict) or "bug" not in record:
            print(f"apr: warning: {path}:{number}: not a result record; skipped",
                  file=sys.stderr)
            continue
        records.append(record)
    return records


def behaves_as_fix(record: dict[str, Any]) -> bool:
    """Whether a record's first patch is correct or equivalent (:mod:`apr.bench.equivalence`);
    for a bug without a differential test, or a record made before it, whether it is
    correct."""
    return bool(record.get("equivalent", record.get("correct")))
