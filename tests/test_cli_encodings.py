"""`apr repair` on sources that are not UTF-8: repaired, and `--apply` keeps every other byte.

The Java projects (ISO-8859-1 sources, with no build file and with a ``pom.xml`` declaring the
encoding) are slow end-to-end tests; the Python one (a PEP 263 ``latin-1`` coding line) is not.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from apr.cli import main
from tests.conftest import git
from tests.project.java.conftest import needs_jacoco

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
    code = main(["repair", str(repo), "--report", str(report), *flags])
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


JAVA_BUGGY = '''package demo;

/** Zählt Werte in einem Bereich (für Statistiken). */
public class Range {
    /** How many values lie in [low, high], "geschlossen": both ends count. */
    public static int count(int[] values, int low, int high) {
        String label = "Zähler über";
        int count = 0;
        for (int v : values) {
            if (low <= v && v < high) {
                count++;
            }
        }
        return label.isEmpty() ? -1 : count;
    }
}
'''.encode("latin-1")

JAVA_TEST = '''package demo;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/** Prüft den Zähler. */
public class RangeTest {
    @Test
    public void inside() {
        assertEquals("Zähler", 3, Range.count(new int[] {1, 2, 3}, 0, 10));
    }

    @Test
    public void boundsInclusive() {
        assertEquals("Grenzen zählen", 3, Range.count(new int[] {1, 2, 3, 4}, 2, 4));
    }
}
'''.encode("latin-1")

POM = b'''<?xml version="1.0" encoding="ISO-8859-1"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId>
  <artifactId>range</artifactId>
  <version>1.0</version>
  <properties>
    <project.build.sourceEncoding>ISO-8859-1</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>junit</groupId>
      <artifactId>junit</artifactId>
      <version>4.13.2</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>
'''

JAVA_FILES = {"src/main/java/demo/Range.java": JAVA_BUGGY,
              "src/test/java/demo/RangeTest.java": JAVA_TEST}


def check_java_repair(repo: Path, tmp_path: Path) -> None:
    assert repair(repo, tmp_path, "--apply") == 0
    after = (repo / "src/main/java/demo/Range.java").read_bytes()
    assert_only_span_changed(JAVA_BUGGY, after, b"v < high", b"v <= high")


@needs_jacoco
@pytest.mark.slow
def test_java_latin1_project_without_build_file(tmp_path: Path) -> None:
    check_java_repair(make_bytes_repo(tmp_path / "plain", JAVA_FILES), tmp_path)


@needs_jacoco
@pytest.mark.slow
def test_java_latin1_maven_project_falls_back_to_junit_offline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-m2"
    empty.mkdir()
    monkeypatch.setenv("MAVEN_OPTS", f"-Dmaven.repo.local={empty}")  # nothing resolves offline
    repo = make_bytes_repo(tmp_path / "maven", {**JAVA_FILES, "pom.xml": POM})
    check_java_repair(repo, tmp_path)
