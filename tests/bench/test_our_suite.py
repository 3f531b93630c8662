"""Our own suite (benchmarks/python) through the same runner users run: `apr bench run`.

A regression guard on repair quality: under perfect localization and a budget of 300 the default
pipeline repairs 17 of the 24 bugs (benchmarks/RESULTS.md); with the budget of 150 used here,
those whose fix comes later (two of the multi-location bugs) are out of reach. The bound below
leaves room for a slow machine's timeouts, not for a generator that stopped working.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apr.bench import open_suite
from apr.bench.runner import BenchSettings, run_suite

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "python"


@pytest.mark.slow
def test_our_suite_runs_green_through_the_runner(tmp_path: Path) -> None:
    suite = open_suite("manifest", SUITE)
    settings = BenchSettings(fl="perfect", budget=150, time_limit=90, workers=2)
    records = run_suite(suite, suite.bugs(), settings, tmp_path)
    assert len(records) == len(suite.bugs()) >= 24
    assert [r["bug"] for r in records if r["status"] in ("error", "cannot_reproduce")] == []
    plausible = [r for r in records if r["plausible"]]
    correct = [r for r in plausible if r["correct"]]
    assert len(plausible) >= 12, [r["bug"] for r in plausible]
    assert len(correct) >= 12, [r["bug"] for r in correct]
    multi = [r["bug"] for r in correct if r["hunks"] > 1]
    assert len(multi) >= 2, multi  # config-merge-shallow-default, invoice-cent-truncation
    assert (tmp_path / "results.jsonl").read_text().count("\n") == len(records)
