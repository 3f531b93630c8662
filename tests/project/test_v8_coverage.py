"""V8 ranges as covered lines: the innermost range decides; blank characters never count."""

from __future__ import annotations

import json
from pathlib import Path

from apr.project.v8_coverage import covered_lines, read_coverage, script_path

SOURCE = "function f(a) {\n  if (a) {\n    return 1;\n  }\n  return 2;\n}\nf(0);\n"


def _range(text: str, start: str, end: str, count: int) -> dict[str, int]:
    first = text.index(start)
    return {"startOffset": first, "endOffset": text.index(end, first) + len(end),
            "count": count}


def test_innermost_range_decides() -> None:
    ranges = [
        {"startOffset": 0, "endOffset": len(SOURCE), "count": 1},  # the script
        _range(SOURCE, "function f", "\n}", 1),
        _range(SOURCE, "{\n    return 1", "  }", 0),  # the branch never taken
    ]
    assert covered_lines(SOURCE, ranges) == {1, 2, 5, 6, 7}


def test_a_function_never_called_is_uncovered() -> None:
    ranges = [{"startOffset": 0, "endOffset": len(SOURCE), "count": 1},
              _range(SOURCE, "function f", "\n}", 0)]
    assert covered_lines(SOURCE, ranges) == {7}


def test_offsets_count_utf16_units() -> None:
    text = "const s = '\U0001F600';\nlet x = 1;\nlet y = 2;\n"
    second = text.index("let x")
    units = second + 1  # the emoji is two UTF-16 units, one Python character
    ranges = [{"startOffset": units, "endOffset": units + len("let x = 1;"), "count": 1}]
    assert covered_lines(text, ranges) == {2}


def test_read_coverage_keeps_project_files(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.js").write_text(SOURCE)
    url = (tmp_path / "src" / "a.js").as_uri()
    scripts = [
        {"url": url, "functions": [{"ranges": [
            {"startOffset": 0, "endOffset": len(SOURCE), "count": 1}]}]},
        {"url": "node:internal/main", "functions": []},
        {"url": (tmp_path / "node_modules" / "x.js").as_uri(), "functions": []},
    ]
    folder = tmp_path / "cov"
    folder.mkdir()
    (folder / "coverage-1-2-0.json").write_text(json.dumps({"result": scripts}))
    (folder / "coverage-1-2-1.json").write_text("{torn")
    assert read_coverage(folder, tmp_path) == {"src/a.js": (1, 2, 3, 4, 5, 6, 7)}
    assert script_path("node:fs") is None and script_path("/a/b.js") == Path("/a/b.js")
