"""QuixBugs (Lin et al. 2017) over a checkout given by path, in Python or Java.

Python: ``python_programs/x.py`` is the buggy program, ``correct_python_programs/x.py`` the fixed
one, ``python_testcases/test_x.py`` its tests (the root ``conftest.py`` adds ``--correct``; tests
may read ``json_testcases/x.json`` through ``load_testdata.py``). A checkout is a small git repo
with just what one program's tests need.

The ground truth is the diff from the buggy to the correct program, restricted to code: the
buggy files carry a trailing docstring (and sometimes comments) that the correct ones lack, which
is not part of the fix. Both files are compared without docstrings, comments and blank lines.

Java: ``java_programs/X.java`` (package ``java_programs``) is the buggy program,
``correct_java_programs/X.java`` the fixed one (package ``correct_java_programs``, renamed before
diffing, and its imports of ``java_programs`` types dropped: in that package they import
nothing), ``java_testcases/junit/X_TEST.java`` its JUnit 4 tests, which need
``java_testcases/junit/QuixFixOracleHelper.java``; graph programs need ``java_programs/Node.java``
and ``WeightedEdge.java``. A checkout holds those files; the ``junit`` driver finds the layout
(``java_testcases`` holds the tests, the rest is code).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from apr.bench.base import Bug, commit_tree, ensure_empty
from apr.bench.equivalence import Reference
from apr.errors import UsageError

_PY_SUPPORT = ("node.py", "load_testdata.py")
_JAVA_SUPPORT = ("java_programs/Node.java", "java_programs/WeightedEdge.java",
                 "java_testcases/junit/QuixFixOracleHelper.java")
_LANGUAGES = ("python", "java")


class QuixBugsSuite:
    """QuixBugs' Python programs (``language="python"``) or Java programs (``"java"``)."""

    name = "quixbugs"

    def __init__(self, path: str | Path, language: str = "python") -> None:
        self.root = Path(path)
        if language not in _LANGUAGES:
            raise UsageError(f"quixbugs: language {language!r} is not supported "
                             f"({', '.join(_LANGUAGES)})")
        if not (self.root / f"{language}_programs").is_dir():
            raise UsageError(f"{path}: not a QuixBugs checkout (no {language}_programs/)")
        self.language = language

    def bugs(self) -> list[Bug]:
        if self.language == "java":
            return self._java_bugs()
        tests = sorted((self.root / "python_testcases").glob("test_*.py"))
        names = [t.stem.removeprefix("test_") for t in tests]
        return [Bug(id=n, language="python", hunks=1) for n in names
                if (self.root / "python_programs" / f"{n}.py").exists()
                and (self.root / "correct_python_programs" / f"{n}.py").exists()]

    def _java_bugs(self) -> list[Bug]:
        tests = sorted((self.root / "java_testcases" / "junit").glob("*_TEST.java"))
        names = [t.name.removesuffix("_TEST.java") for t in tests]
        return [Bug(id=n, language="java", hunks=1) for n in names
                if (self.root / "java_programs" / f"{n}.java").exists()
                and (self.root / "correct_java_programs" / f"{n}.java").exists()]

    def checkout(self, bug: Bug, dest: Path) -> Path:
        if bug.language == "java":
            return self._java_checkout(bug, dest)
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

    def _java_checkout(self, bug: Bug, dest: Path) -> Path:
        ensure_empty(dest)
        for file in (*_JAVA_SUPPORT, f"java_programs/{bug.id}.java",
                     f"java_testcases/junit/{bug.id}_TEST.java"):
            self._copy(self.root / file, dest / file)
        return commit_tree(dest, f"quixbugs {bug.id}: buggy version")

    @staticmethod
    def _copy(src: Path, dst: Path) -> None:
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)

    def reference(self, bug: Bug) -> Reference | None:
        """What a differential test of a Python program needs (:mod:`apr.bench.equivalence`):
        the function named as the program, the correct program, and the inputs of its JSON
        test cases (``[[args...], expected]`` per line). ``None`` for Java and for the programs
        whose tests build their inputs in code (the graph programs)."""
        data = self.root / "json_testcases" / f"{bug.id}.json"
        if bug.language != "python" or not data.exists():
            return None
        seeds = []
        for line in data.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                case = json.loads(line)
            except json.JSONDecodeError:  # a blank or broken line: not a seed
                continue
            if isinstance(case, list) and case and isinstance(case[0], list):
                seeds.append(tuple(case[0]))
        fixed = (self.root / "correct_python_programs" / f"{bug.id}.py").read_bytes()
        return Reference(file=f"python_programs/{bug.id}.py", function=bug.id, fixed=fixed,
                         seeds=tuple(seeds))

    def developer_patch(self, bug: Bug) -> str:
        from apr.bench.patches import code_diff

        if bug.language == "java":
            file = f"java_programs/{bug.id}.java"
            fixed = (self.root / "correct_java_programs" / f"{bug.id}.java").read_bytes()
            return code_diff(file, (self.root / file).read_bytes(), transplanted(fixed), "java")
        file = f"python_programs/{bug.id}.py"
        buggy = (self.root / file).read_bytes()
        fixed = (self.root / "correct_python_programs" / f"{bug.id}.py").read_bytes()
        return code_diff(file, buggy, fixed, "python")


_OWN_IMPORT = re.compile(rb"^import\s+java_programs\.\w+\s*;[ \t]*\r?\n", re.MULTILINE)


def transplanted(fixed: bytes) -> bytes:
    """A correct Java program moved into the buggy program's package ``java_programs``: its
    ``package`` line renamed, and its imports of that package's types (``Node``,
    ``WeightedEdge``), which there import nothing, dropped, so that the ground truth is the fix
    and not the move."""
    fixed = fixed.replace(b"package correct_java_programs;", b"package java_programs;")
    return _OWN_IMPORT.sub(b"", fixed)
