"""`apr repair` on sources that are not UTF-8: repaired, and `--apply` keeps every other byte.

The Java projects (ISO-8859-1 sources, with no build file and with a ``pom.xml`` declaring the
encoding) are slow end-to-end tests; the Python one (a PEP 263 ``latin-1`` coding line) is not.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from apr.cli import main
from tests.conftest import git

PY_BUGGY = '''# -*- coding: latin-1 -*-
"""Grüße: counting values in a range."""


def count_in_range(values, low, high):
    """How many values lie in [low, high] (inclusive, "geschlossen": ü)."""
    count = 0
    for v in values:  # für jeden Wert
        if low <= v < high:
            count += 1
    return count
'''.encode("latin-1")

PY_TEST = b'''from counting import count_in_range


def test_inside():
    assert count_in_range([1, 2, 3], 0, 10) == 3


def test_bounds_inclusive():
    assert count_in_range([1, 2, 3, 4], 2, 4) == 3
'''


def make_bytes_repo(root: Path, files: dict[str, bytes]) -> Path:
    """A git repository holding ``files`` exactly as given (no encoding step in between)."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return root


def repair(repo: Path, tmp_path: Path, *flags: str) -> int:
    """``apr repair`` with no option but ``flags``; the report's message on failure."""
    report = tmp_path / "report.json"
    code = main(["repair", str(repo), "--quiet", "--report", str(report), *flags])
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["status"] == "plausible", data["message"]
    return code


def assert_only_span_changed(before: bytes, after: bytes, old: bytes, new: bytes) -> None:
    """``after`` is ``before`` with its one ``old`` replaced by ``new``, nothing else."""
    assert before.count(old) == 1
    assert after == before.replace(old, new)


def test_python_latin1_file_is_repaired_and_applied_byte_for_byte(tmp_path: Path) -> None:
    repo = make_bytes_repo(tmp_path / "py", {"counting.py": PY_BUGGY, "conftest.py": b"",
                                             "tests/test_counting.py": PY_TEST})
    old, new = b"low <= v < high", b"low <= v <= high"
    assert repair(repo, tmp_path, "--branch", "apr/fix") == 0
    committed = subprocess.run(["git", "show", "apr/fix:counting.py"], cwd=repo, check=True,
                               capture_output=True).stdout
    assert_only_span_changed(PY_BUGGY, committed, old, new)
    assert repair(repo, tmp_path, "--apply") == 0
    assert_only_span_changed(PY_BUGGY, (repo / "counting.py").read_bytes(), old, new)
