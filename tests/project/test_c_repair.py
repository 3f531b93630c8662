"""`apr repair` on a C project, end to end: detection, baseline, localization, repair.

The project is :func:`tests.project.c_fixture.make_c_project`: ``make test`` prints TAP, and a
one-token bug (``<`` for ``<=``) fails one test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apr.cli import main
from tests.conftest import tree_state
from tests.project.c_fixture import BUGGY_LINE, FAILING_TEST, make_c_project, needs_cc

pytestmark = needs_cc


def _repair(root: Path, tmp_path: Path, *extra: str) -> tuple[int, dict[str, object]]:
    report, run_dir = tmp_path / "report.json", tmp_path / "run"
    code = main(["repair", str(root), "--quiet", "--budget", "100", "--workers", "1",
                 "--report", str(report), "--run-dir", str(run_dir), *extra])
    return code, json.loads(report.read_text())


def test_baseline_and_localization_find_the_bug(tmp_path: Path) -> None:
    root = make_c_project(tmp_path)
    before = tree_state(root)
    _, data = _repair(root, tmp_path, "--lang", "c")
    assert data["failing_tests"] == [FAILING_TEST]
    hunks = json.loads((tmp_path / "run" / "hunks.json").read_text())
    top = [(h["file"], h["first_line"]) for h in hunks[:5]]
    assert ("src/stats.c", BUGGY_LINE) in top, top
    assert all(file == "src/stats.c" for file, _ in top)  # tests are never suspects
    assert tree_state(root) == before


@pytest.mark.parametrize("flags", [(), ("--lang", "c")], ids=["detected", "--lang c"])
def test_repair_finds_a_plausible_patch(tmp_path: Path, flags: tuple[str, ...]) -> None:
    root = make_c_project(tmp_path)
    code, data = _repair(root, tmp_path, *flags)
    assert code == 0 and data["status"] == "plausible", data.get("message")
    diff = data["patches"][0]["diff"]  # type: ignore[index]
    assert "values[i] <= limit" in diff
