"""results.jsonl with a corrupt line: skipped with a warning, never a crash (exit 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apr.bench.runner import done_ids
from apr.cli import main

RECORD = {"bug": "a", "language": "python", "status": "plausible", "plausible": True,
          "correct": True, "exact_match": True, "rank_of_first_plausible": 1,
          "candidates_generated": 3, "candidates_validated": 2, "stage_seconds": {},
          "patch": "", "message": "", "seconds": 1.5, "time_to_first_plausible": 1.0}


def test_a_corrupt_line_is_skipped_with_a_warning(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    lines = [json.dumps(RECORD), '{"bug": "b", "stat', json.dumps({**RECORD, "bug": "c"})]
    (tmp_path / "results.jsonl").write_text("\n".join(lines) + "\n")
    assert done_ids(tmp_path / "results.jsonl") == {"a", "c"}
    assert main(["bench", "report", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "results.jsonl:2: not a result record; skipped" in captured.err
    assert (tmp_path / "report.html").exists()
