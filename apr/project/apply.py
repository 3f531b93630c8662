"""Writing a patch into the user's repository: only when asked (`--apply`, `--branch`).

``apply_to_tree`` changes the working tree (not the index), like ``git apply``.
``commit_to_branch`` creates a branch whose one new commit carries the patch, without touching
the working tree, the index, HEAD or the current branch: the commit is built from a temporary
index (``GIT_INDEX_FILE``), the way git's own plumbing allows.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import git

from apr.errors import UsageError
from apr.lang.text import encode_source


def _patch_file(diff: str, tmp: str) -> str:
    path = os.path.join(tmp, "apr.patch")
    Path(path).write_bytes(encode_source(diff))
    return path


def apply_to_tree(root: Path, diff: str) -> None:
    """``git apply`` the diff to the work tree at ``root``.

    Raises:
        UsageError: the patch does not apply (the tree changed since the repair began).
    """
    repo = git.Repo(root)
    with tempfile.TemporaryDirectory(prefix="apr-apply-") as tmp:
        patch = _patch_file(diff, tmp)
        try:
            repo.git.apply("--check", patch)
        except git.GitCommandError as exc:
            raise UsageError(f"the patch no longer applies to {root}: "
                             f"{_first_line(exc.stderr)}") from None
        repo.git.apply(patch)


def commit_to_branch(root: Path, diff: str, branch: str, message: str) -> str:
    """Create ``branch`` at HEAD plus one commit with the patch; return the commit sha.

    Raises:
        UsageError: the branch exists, HEAD has no commit, or the patch does not apply to HEAD
            (it depends on uncommitted changes).
    """
    repo = git.Repo(root)
    if branch in [h.name for h in repo.heads]:
        raise UsageError(f"branch {branch!r} already exists; choose another --branch name")
    try:
        head = repo.head.commit.hexsha
    except ValueError:
        raise UsageError("--branch needs a repository with at least one commit") from None
    with tempfile.TemporaryDirectory(prefix="apr-branch-") as tmp:
        patch = _patch_file(diff, tmp)
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        try:
            repo.git.read_tree(head, env=env)
            repo.git.apply("--cached", patch, env=env)
        except git.GitCommandError as exc:
            raise UsageError("the patch does not apply to HEAD (it depends on uncommitted "
                             f"changes; commit them first): {_first_line(exc.stderr)}") from None
        tree = repo.git.write_tree(env=env)
        sha: str = repo.git.commit_tree(tree, "-p", head, "-m", message,
                                        env={**env, **_identity(repo)})
    repo.git.branch(branch, sha)
    return sha


def _identity(repo: git.Repo) -> dict[str, str]:
    """The user's own git identity if configured, else apr's (so that committing never fails)."""
    reader = repo.config_reader()
    if reader.get_value("user", "name", "") and reader.get_value("user", "email", ""):
        return {}
    return {"GIT_AUTHOR_NAME": "apr", "GIT_AUTHOR_EMAIL": "apr@localhost",
            "GIT_COMMITTER_NAME": "apr", "GIT_COMMITTER_EMAIL": "apr@localhost"}


def _first_line(text: str | bytes | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[0].removeprefix("stderr: ").strip("'") if lines else "unknown error"
