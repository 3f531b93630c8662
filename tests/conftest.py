"""Shared fixtures: tiny git repositories built in tmp_path; no network, ever."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

RepoFactory = Callable[..., Path]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    for var in [v for v in __import__("os").environ if v.startswith("APR_")]:
        monkeypatch.delenv(var)


def git(root: Path, *args: str) -> str:
    out = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root,
                         check=True, capture_output=True, text=True)
    return out.stdout


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def make_repo(tmp_path: Path) -> RepoFactory:
    """Build a git repo from {path: text}; files are dedented; one commit unless commit=False."""
    counter = iter(range(1000))

    def make(files: Mapping[str, str], commit: bool = True, name: str | None = None) -> Path:
        root = tmp_path / (name or f"repo{next(counter)}")
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        write_files(root, files)
        if commit:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", "initial")
        return root

    return make


def tree_state(root: Path) -> dict[str, object]:
    """Everything about a repo that apr must not change: files, index, HEAD, branches, status."""
    files = {p.relative_to(root).as_posix(): p.read_bytes()
             for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts}
    return {
        "files": files,
        "status": git(root, "status", "--porcelain", "--untracked-files=all"),
        "head": git(root, "rev-parse", "HEAD"),
        "branches": git(root, "branch", "-a", "-v"),
        "index": (root / ".git" / "index").read_bytes(),
        "worktrees": git(root, "worktree", "list"),
        "refs": git(root, "for-each-ref"),
    }


BUGGY_STATS = {
    "conftest.py": "",
    "stats/__init__.py": "",
    "stats/summary.py": '''
        """Summary statistics over lists of numbers."""


        def mean(values):
            """Arithmetic mean; raises ValueError on an empty list."""
            if not values:
                raise ValueError("mean of empty list")
            return sum(values) / len(values)


        def clamp(value, low, high):
            """Limit value to the closed interval [low, high]."""
            if value < low:
                return low
            if value > high:
                return high
            return value


        def count_in_range(values, low, high):
            """How many values lie in the closed interval [low, high]."""
            count = 0
            for v in values:
                if low <= v < high:
                    count += 1
            return count
        ''',
    "tests/test_summary.py": '''
        from stats.summary import clamp, count_in_range, mean


        def test_mean():
            assert mean([1, 2, 3]) == 2


        def test_clamp():
            assert clamp(5, 0, 3) == 3
            assert clamp(-1, 0, 3) == 0


        def test_count_inside():
            assert count_in_range([1, 2, 3], 0, 10) == 3


        def test_count_bounds_inclusive():
            assert count_in_range([1, 2, 3, 4], 2, 4) == 3
        ''',
}


@pytest.fixture
def buggy_repo(make_repo: RepoFactory) -> Path:
    """A small library whose `count_in_range` uses `<` where the contract says `<=`."""
    return make_repo(BUGGY_STATS)
