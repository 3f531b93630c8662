from __future__ import annotations

import pytest

from apr.errors import UsageError
from apr.project.apply import apply_to_tree, commit_to_branch
from tests.conftest import RepoFactory, git

DIFF = """diff --git a/m.py b/m.py
--- a/m.py
+++ b/m.py
@@ -1 +1 @@
-x = 1
+x = 2
"""


def test_commit_to_branch_leaves_tree_and_branch_alone(make_repo: RepoFactory) -> None:
    root = make_repo({"m.py": "x = 1\n", "other.py": "y = 1\n"})
    (root / "other.py").write_text("y = 5  # uncommitted, unrelated\n")
    head, status = git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain")
    sha = commit_to_branch(root, DIFF, "apr/fix", "Fix")
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain") == status
    assert git(root, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(root, "show", f"{sha}:m.py") == "x = 2\n"
    assert git(root, "rev-parse", "apr/fix").strip() == sha
    with pytest.raises(UsageError, match="already exists"):
        commit_to_branch(root, DIFF, "apr/fix", "Fix")


def test_patch_that_no_longer_applies(make_repo: RepoFactory) -> None:
    root = make_repo({"m.py": "x = 7\n"})
    with pytest.raises(UsageError, match="no longer applies"):
        apply_to_tree(root, DIFF)
    with pytest.raises(UsageError, match="does not apply to HEAD"):
        commit_to_branch(root, DIFF, "b", "Fix")
    assert (root / "m.py").read_text() == "x = 7\n"
