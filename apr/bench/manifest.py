"""Our own Defects4J-style bug format: one directory per bug.

::

    <bug-id>/
      bug.toml     id, language, failing_tests, patch (+ description, kind, hunks, test_command,
                   driver, introduce)
      fix.patch    the developer's fix, buggy -> fixed, as made by `git diff`
      buggy/       the buggy project tree;  or, instead:
      base/ + the patch named by `introduce` (base -> buggy), applied at checkout

A suite is a directory of such bug directories. The format is documented for users in
``benchmarks/README.md``.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import git

from apr.bench.base import Bug, commit_tree, ensure_empty
from apr.errors import UsageError
from apr.lang.text import decode_source, encode_source

_IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc", "*.class")


@dataclass(frozen=True, slots=True)
class ManifestBug:
    """A bug directory, read."""

    bug: Bug
    directory: Path
    patch: Path
    introduce: Path | None = None

    @classmethod
    def load(cls, directory: str | Path) -> ManifestBug:
        """Read ``directory/bug.toml``.

        Raises:
            UsageError: no bug.toml, invalid TOML, a missing key or file.
        """
        root = Path(directory)
        data = _read(root / "bug.toml")
        try:
            bug = Bug(id=str(data["id"]), language=str(data["language"]),
                      failing_tests=tuple(data["failing_tests"]),
                      test_command=data.get("test_command") or None,
                      driver=_driver(data.get("driver")),
                      hunks=int(data.get("hunks", 1)), kind=str(data.get("kind", "")),
                      description=str(data.get("description", "")))
            patch = root / str(data["patch"])
        except KeyError as exc:
            raise UsageError(f"{root / 'bug.toml'}: missing key {exc}") from None
        introduce = root / str(data["introduce"]) if data.get("introduce") else None
        loaded = cls(bug=bug, directory=root, patch=patch, introduce=introduce)
        loaded._check()
        return loaded

    def _check(self) -> None:
        needed = [self.patch]
        needed += [self.directory / "base", self.introduce] if self.introduce else [self.buggy]
        for path in needed:
            if path is not None and not path.exists():
                raise UsageError(f"bug {self.bug.id}: {path} is missing")

    @property
    def buggy(self) -> Path:
        return self.directory / "buggy"

    def checkout(self, dest: str | Path) -> Path:
        """Copy the buggy tree to ``dest`` as a git repository with one commit."""
        target = Path(dest)
        ensure_empty(target)
        if self.introduce is None:
            shutil.copytree(self.buggy, target, dirs_exist_ok=True, ignore=_IGNORE)
        else:
            shutil.copytree(self.directory / "base", target, dirs_exist_ok=True, ignore=_IGNORE)
            _apply(target, self.introduce)
        return commit_tree(target, f"{self.bug.id}: buggy version")


def _driver(value: Any) -> str | None:
    """``driver`` of bug.toml: a name apr knows, or None (absent or empty: detected)."""
    if value in (None, ""):
        return None
    from apr.project import DRIVERS

    if value not in DRIVERS:
        raise UsageError(f"unknown driver {value!r} in bug.toml; known: {', '.join(DRIVERS)}")
    return str(value)


def _apply(root: Path, patch: Path) -> None:
    repo = git.Repo.init(root)
    try:
        repo.git.apply(str(patch.resolve()))
    except git.GitCommandError as exc:
        raise UsageError(f"{patch}: does not apply: {exc.stderr.strip()}") from None


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise UsageError(f"{path.parent}: not a bug directory (no bug.toml)")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


class ManifestSuite:
    """A directory of manifest bugs (or a single bug directory)."""

    name = "manifest"

    def __init__(self, path: str | Path) -> None:
        root = Path(path)
        if not root.is_dir():
            raise UsageError(f"{path}: no such suite directory")
        dirs = [root] if (root / "bug.toml").exists() else sorted(
            p.parent for p in root.glob("*/bug.toml"))
        if not dirs:
            raise UsageError(f"{path}: no bug directories (each needs a bug.toml)")
        self._bugs = {m.bug.id: m for m in map(ManifestBug.load, dirs)}

    def bugs(self) -> list[Bug]:
        return [m.bug for m in self._bugs.values()]

    def checkout(self, bug: Bug, dest: Path) -> Path:
        return self._bugs[bug.id].checkout(dest)

    def developer_patch(self, bug: Bug) -> str:
        return decode_source(self._bugs[bug.id].patch.read_bytes())


def fixed_version(checkout: Path, patch: str) -> dict[str, bytes]:
    """The files a patch changes, as they are after applying it to a copy of ``checkout``."""
    with tempfile.TemporaryDirectory(prefix="apr-fixed-") as tmp:
        copy = Path(tmp) / "tree"
        # symlinks kept as links: real checkouts hold dangling ones (black's docs/*.md)
        shutil.copytree(checkout, copy, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        (Path(tmp) / "fix.patch").write_bytes(encode_source(patch))
        _apply(copy, Path(tmp) / "fix.patch")
        from unidiff import PatchSet

        files = [p.path for p in PatchSet(patch) if not p.is_removed_file]
        return {f: (copy / f).read_bytes() for f in files}
