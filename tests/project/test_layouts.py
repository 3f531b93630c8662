"""Project layouts as they come: a src/ layout with pytest settings in pyproject.toml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apr.cli import main
from tests.conftest import RepoFactory

SRC_LAYOUT = {
    "pyproject.toml": '''
        [project]
        name = "inventory"
        version = "0.1"

        [tool.pytest.ini_options]
        testpaths = ["tests"]
        addopts = "-p no:randomly"
        ''',
    "src/inventory/__init__.py": "",
    "src/inventory/stock.py": '''
        def reorder_needed(on_hand, minimum):
            """True when stock has fallen to the minimum or below."""
            return on_hand < minimum
        ''',
    "tests/test_stock.py": '''
        from inventory.stock import reorder_needed


        def test_below_minimum():
            assert reorder_needed(1, 5)


        def test_at_minimum():
            assert reorder_needed(5, 5)


        def test_above_minimum():
            assert not reorder_needed(9, 5)
        ''',
}


def test_src_layout_is_importable_and_repaired(make_repo: RepoFactory, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(SRC_LAYOUT)
    report = tmp_path / "r.json"
    assert main(["repair", str(repo), "--workers", "2", "--report", str(report)]) == 0
    data = json.loads(report.read_text())
    assert data["failing_tests"] == ["tests/test_stock.py::test_at_minimum"]
    assert "+    return on_hand <= minimum" in data["patches"][0]["diff"]
    err = capsys.readouterr().err
    assert "apr: tests: " in err and "-m pytest (Python from " in err  # the command, up front
