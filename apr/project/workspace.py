"""Isolated workspaces: the user's tree is read once, never written.

A :class:`Snapshot` copies the user's working tree (tracked and untracked-but-not-ignored files,
uncommitted changes included: they are part of the code being repaired) into a private git
repository in a temporary directory and commits it. Every test run happens in a
:class:`Workspace`, a git worktree of that private repository, so nothing apr does — test runs,
caches, candidate edits — can touch the user's files, index, HEAD, branches or ``.git``.

Patches are made by git (``git diff`` in a workspace), so they apply with ``git apply`` at the
root of the user's repository.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import git

from apr.errors import NotARepository, UsageError

# Never copied into a snapshot: stale bytecode would make a candidate's edit invisible when the
# edited file keeps its size and mtime second (CPython checks only those two).
_SKIP_PARTS = {"__pycache__", ".git"}
_SKIP_SUFFIXES = (".pyc", ".pyo")
LINKED = ("node_modules",)
"""Folders of installed dependencies that git usually ignores and tests need: like a Python
virtualenv, they are the project's environment, not its code. A workspace gets a symbolic link
to the user's (at the repository root and in the project folder), never a copy."""
GIT_IDENTITY = ("-c", "user.name=apr", "-c", "user.email=apr@localhost",
                "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false")
"""apr's own commits (snapshots, checkouts) never depend on the user's git identity, hooks or
line-ending conversion: the bytes committed are the bytes in the tree."""


def commit_all(root: Path, message: str) -> git.Repo:
    """``git init`` ``root`` (if needed) and commit every file in it, ignored ones included."""
    repo = git.Repo.init(root)
    repo.git.execute(["git", *GIT_IDENTITY, "add", "-A", "-f", "."])
    repo.git.execute(["git", *GIT_IDENTITY, "commit", "-q", "--allow-empty", "--no-verify",
                      "-m", message])
    return repo


@dataclass(frozen=True, slots=True)
class UserRepo:
    """Where the user's repository is, and which subdirectory of it is the project."""

    root: Path
    project: str  # POSIX path of the project dir relative to root; "" for the root itself

    @classmethod
    def locate(cls, path: str | Path) -> UserRepo:
        """Find the git work tree containing ``path``.

        Raises:
            UsageError: ``path`` does not exist or is not a directory.
            NotARepository: ``path`` is not inside a git work tree.
        """
        target = Path(path).expanduser()
        if not target.exists():
            raise UsageError(f"{path}: no such directory")
        if not target.is_dir():
            raise UsageError(f"{path}: not a directory")
        try:
            repo = git.Repo(target, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise NotARepository(
                f"{path}: not a git repository (apr repairs git work trees; run `git init` "
                "and commit your project first)") from None
        if repo.bare or repo.working_tree_dir is None:
            raise NotARepository(f"{path}: a bare git repository has no work tree to repair")
        root = Path(repo.working_tree_dir).resolve()
        project = target.resolve().relative_to(root).as_posix()
        return cls(root=root, project="" if project == "." else project)

    def files(self) -> list[str]:
        """Tracked and untracked-but-not-ignored files that exist, relative to the root."""
        out = git.Repo(self.root).git.ls_files("-z", "--cached", "--others", "--exclude-standard")
        names = dict.fromkeys(n for n in out.split("\0") if n)
        return [n for n in names if _wanted(n) and os.path.lexists(self.root / n)]


def _wanted(name: str) -> bool:
    parts = name.split("/")
    return not (_SKIP_PARTS.intersection(parts) or name.endswith(_SKIP_SUFFIXES))


class Snapshot:
    """A private git repository holding one commit of the user's tree; parent of workspaces."""

    def __init__(self, user: UserRepo, base_dir: str | Path | None = None) -> None:
        self._folders(user, base_dir, environment=user.root)
        try:
            self._copy_files(user.files())
            self._commit()
        except BaseException:
            self.close()
            raise

    @classmethod
    def from_bundle(cls, bundle: Path, project: str, base_dir: str | Path | None = None,
                    origin: Path | None = None) -> Snapshot:
        """The snapshot that :meth:`bundle` wrote, cloned on another machine (a cluster
        worker): the same commit, the same files; ``user.root`` is the clone itself.
        ``origin``, the user's repository where it was taken, lends its :data:`LINKED`
        folders to the workspaces when that path exists here too (a shared file system, a
        local cluster)."""
        self = cls.__new__(cls)
        self._folders(None, base_dir, environment=origin, project=project)
        try:
            self.repo = git.Repo.clone_from(str(bundle), self.repo_dir,
                                            multi_options=["--no-hardlinks", "-q"])
        except BaseException:
            self.close()
            raise
        return self

    def _folders(self, user: UserRepo | None, base_dir: str | Path | None,
                 environment: Path | None, project: str = "") -> None:
        """The snapshot's temporary folder; ``user`` None: the clone is its own user tree.
        ``environment`` lends its :data:`LINKED` folders (None, or missing here: none)."""
        self.dir = Path(tempfile.mkdtemp(prefix="apr-", dir=base_dir))
        self.repo_dir = self.dir / "snapshot"
        self.user = user or UserRepo(root=self.repo_dir, project=project)
        self.environment = environment if environment is not None and environment.is_dir() \
            else None
        self._lock = threading.Lock()

    def bundle(self, dest: Path) -> Path:
        """Write the snapshot's commit to ``dest`` as a git bundle (see :meth:`from_bundle`)."""
        self.repo.git.bundle("create", str(dest), "HEAD", "--all")
        return dest

    def _copy_files(self, names: Iterable[str]) -> None:
        for name in names:
            src, dst = self.user.root / name, self.repo_dir / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_symlink():
                os.symlink(os.readlink(src), dst)
            elif src.is_dir():  # a submodule: copy its files as plain content
                shutil.copytree(src, dst, symlinks=True,
                                ignore=shutil.ignore_patterns(".git", "__pycache__"))
            else:
                shutil.copy2(src, dst)
        self.repo_dir.mkdir(parents=True, exist_ok=True)

    def _commit(self) -> None:
        self.repo = commit_all(self.repo_dir, "apr snapshot")

    def read(self, file: str) -> bytes:
        """The original (snapshot) content of ``file``, relative to the repository root."""
        return (self.repo_dir / file).read_bytes()

    def workspace(self, name: str) -> Workspace:
        """A new git worktree of the snapshot commit, owned by this snapshot. Thread-safe."""
        path = self.dir / name
        with self._lock:  # concurrent `git worktree add` races on .git/worktrees
            self.repo.git.worktree("add", "--detach", "-q", str(path), "HEAD")
        self._link_environment(path)
        return Workspace(path, self.user.project, self)

    def _link_environment(self, path: Path) -> None:
        """Link the user's :data:`LINKED` folders that the snapshot left out into ``path``."""
        if self.environment is None:
            return
        for folder in dict.fromkeys([Path(), Path(self.user.project)]):
            for name in LINKED:
                source, link = self.environment / folder / name, path / folder / name
                if source.is_dir() and not os.path.lexists(link):
                    link.parent.mkdir(parents=True, exist_ok=True)
                    link.symlink_to(source, target_is_directory=True)

    def close(self) -> None:
        """Remove every file apr made; safe to call twice."""
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Workspace:
    """A worktree where candidates are applied and tests run; reset after each candidate."""

    def __init__(self, root: Path, project: str, snapshot: Snapshot) -> None:
        self.root = root
        self.project_dir = root / project if project else root
        self.snapshot = snapshot

    def write(self, file: str, content: bytes) -> None:
        (self.root / file).write_bytes(content)

    def reset(self, files: Iterable[str]) -> None:
        """Restore ``files`` to the snapshot's content (only the files a candidate touched)."""
        for file in files:
            self.write(file, self.snapshot.read(file))

    def diff(self, files: Iterable[str] = ()) -> str:
        """The unified diff (by git) of the current edits, with paths relative to the repo root.

        GitPython decodes git's bytes with ``surrogateescape``, as :mod:`apr.lang.text` does:
        ``encode_source(diff)`` is git's diff byte for byte, whatever the files' encoding.
        """
        repo = git.Repo(self.root)
        args = ["--no-color", "--no-ext-diff", "HEAD", "--", *files]
        text: str = repo.git.diff(*args, strip_newline_in_stdout=False)
        return text
