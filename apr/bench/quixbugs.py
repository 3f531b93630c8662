"""QuixBugs (Lin et al. 2017) over a checkout given by path.

Python: ``python_programs/x.py`` is the buggy program, ``correct_python_programs/x.py`` the fixed
one, ``python_testcases/test_x.py`` its tests (the root ``conftest.py`` adds ``--correct``; tests
may read ``json_testcases/x.json`` through ``load_testdata.py``). A checkout is a small git repo
with just what one program's tests need.

The ground truth is the diff from the buggy to the correct program, restricted to code: the
buggy files carry a trailing docstring (and sometimes comments) that the correct ones lack, which
is not part of the fix. Both files are compared without docstrings, comments and blank lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from apr.bench.base import Bug, commit_tree, ensure_empty
from apr.errors import UsageError

_PY_SUPPORT = ("node.py", "load_testdata.py")


class QuixBugsSuite:
    """QuixBugs' Python programs (``language="python"``)."""

    name = "quixbugs"

    def __init__(self, path: str | Path, language: str = "python") -> None:
        self.root = Path(path)
        if language != "python":
            raise UsageError(f"quixbugs: language {language!r} is not supported yet (python)")
        if not (self.root / "python_programs").is_dir():
            raise UsageError(f"{path}: not a QuixBugs checkout (no python_programs/)")
        self.language = language

    def bugs(self) -> list[Bug]:
        tests = sorted((self.root / "python_testcases").glob("test_*.py"))
        names = [t.stem.removeprefix("test_") for t in tests]
        return [Bug(id=n, language="python", hunks=1) for n in names
                if (self.root / "python_programs" / f"{n}.py").exists()
                and (self.root / "correct_python_programs" / f"{n}.py").exists()]

    def checkout(self, bug: Bug, dest: Path) -> Path:
        ensure_empty(dest)
        self._copy(self.root / "conftest.py", dest / "conftest.py")
        for folder in ("python_programs", "python_testcases"):  # no __init__.py, as upstream
            for support in _PY_SUPPORT:
                self._copy(self.root / folder / support, dest / folder / support)
        self._copy(self.root / "python_programs" / f"{bug.id}.py",
                   dest / "python_programs" / f"{bug.id}.py")
        self._copy(self.root / "python_testcases" / f"test_{bug.id}.py",
                   dest / "python_testcases" / f"test_{bug.id}.py")
        self._copy(self.root / "json_testcases" / f"{bug.id}.json",
                   dest / "json_testcases" / f"{bug.id}.json")
        return commit_tree(dest, f"quixbugs {bug.id}: buggy version")

    @staticmethod
    def _copy(src: Path, dst: Path) -> None:
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)

    def developer_patch(self, bug: Bug) -> str:
        from apr.bench.patches import code_diff

        file = f"python_programs/{bug.id}.py"
        buggy = (self.root / file).read_bytes()
        fixed = (self.root / "correct_python_programs" / f"{bug.id}.py").read_bytes()
        return code_diff(file, buggy, fixed, "python")
