from __future__ import annotations

from pathlib import Path

import pytest

from apr.errors import NotARepository, UsageError
from apr.project.workspace import Snapshot, UserRepo
from tests.conftest import RepoFactory, tree_state


def test_locate_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such directory"):
        UserRepo.locate(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a directory"):
        UserRepo.locate(tmp_path / "file")
    with pytest.raises(NotARepository, match="not a git repository"):
        UserRepo.locate(tmp_path)


def test_locate_subdirectory(make_repo: RepoFactory) -> None:
    root = make_repo({"sub/pkg/a.py": "x = 1\n"})
    user = UserRepo.locate(root / "sub")
    assert user.root == root.resolve() and user.project == "sub"


def test_snapshot_holds_uncommitted_work_and_leaves_the_tree_alone(make_repo: RepoFactory) -> None:
    root = make_repo({"a.py": "x = 1\n", ".gitignore": "ignored.txt\n", "gone.py": "y = 2\n"})
    (root / "a.py").write_text("x = 2  # edited, not committed\n")
    (root / "new.py").write_text("z = 3\n")
    (root / "ignored.txt").write_text("secret\n")
    (root / "gone.py").unlink()
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"stale")
    before = tree_state(root)
    with Snapshot(UserRepo.locate(root)) as snap:
        ws = snap.workspace("w")
        assert (ws.root / "a.py").read_text() == "x = 2  # edited, not committed\n"
        assert (ws.root / "new.py").exists()
        assert not (ws.root / "ignored.txt").exists()
        assert not (ws.root / "gone.py").exists()
        assert not (ws.root / "__pycache__").exists()
        ws.write("a.py", b"x = 3\n")
        assert "+x = 3" in ws.diff(["a.py"])
        ws.reset(["a.py"])
        assert ws.diff() == ""
        folder = snap.dir
    assert not folder.exists()
    assert tree_state(root) == before


def test_diff_applies_to_the_users_repo(make_repo: RepoFactory) -> None:
    root = make_repo({"pkg/m.py": "def f():\n    return 1\n"})
    from apr.project.apply import apply_to_tree

    with Snapshot(UserRepo.locate(root)) as snap:
        ws = snap.workspace("w")
        ws.write("pkg/m.py", b"def f():\n    return 2\n")
        diff = ws.diff(["pkg/m.py"])
    apply_to_tree(root, diff)
    assert (root / "pkg/m.py").read_text() == "def f():\n    return 2\n"
