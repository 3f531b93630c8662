"""Our own Defects4J-style bug format: one directory per bug.

::

    <bug-id>/
      bug.toml     id, language, description, kind, failing_tests, patch, hunks, test_command
      fix.patch    the developer's fix, buggy -> fixed, as made by `git diff`
      buggy/       the buggy project tree

``checkout`` turns a bug into a fresh git repository (one commit: the buggy tree), which is what
`apr repair` takes. The format is documented for users in ``benchmarks/README.md``.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import git

from apr.errors import UsageError

_IDENTITY = ("-c", "user.name=apr", "-c", "user.email=apr@localhost", "-c", "commit.gpgsign=false")


@dataclass(frozen=True, slots=True)
class ManifestBug:
    id: str
    language: str
    directory: Path
    failing_tests: tuple[str, ...]
    patch: Path
    hunks: int = 1
    description: str = ""
    kind: str = ""
    test_command: str | None = None

    @classmethod
    def load(cls, directory: str | Path) -> ManifestBug:
        """Read ``directory/bug.toml``.

        Raises:
            UsageError: no bug.toml, invalid TOML, a missing key, or a missing buggy/ or patch.
        """
        root = Path(directory)
        data = _read(root / "bug.toml")
        try:
            bug = cls(id=str(data["id"]), language=str(data["language"]), directory=root,
                      failing_tests=tuple(data["failing_tests"]), patch=root / data["patch"],
                      hunks=int(data.get("hunks", 1)), description=data.get("description", ""),
                      kind=data.get("kind", ""), test_command=data.get("test_command") or None)
        except KeyError as exc:
            raise UsageError(f"{root / 'bug.toml'}: missing key {exc}") from None
        for needed in (bug.buggy, bug.patch):
            if not needed.exists():
                raise UsageError(f"bug {bug.id}: {needed} is missing")
        return bug

    @property
    def buggy(self) -> Path:
        return self.directory / "buggy"

    def checkout(self, dest: str | Path) -> Path:
        """Copy the buggy tree to ``dest`` (new or empty) as a git repository with one commit.

        Raises:
            UsageError: ``dest`` exists and is not an empty directory.
        """
        target = Path(dest)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise UsageError(f"{dest}: exists and is not an empty directory")
        shutil.copytree(self.buggy, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        repo = git.Repo.init(target)
        repo.git.execute(["git", *_IDENTITY, "add", "-A"])
        repo.git.execute(["git", *_IDENTITY, "commit", "-q", "-m", f"{self.id}: buggy version"])
        return target


def _read(path: Path) -> dict[str, object]:
    if not path.is_file():
        raise UsageError(f"{path.parent}: not a bug directory (no bug.toml)")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
