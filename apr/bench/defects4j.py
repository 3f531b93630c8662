"""Defects4J (Just et al. 2014) through its own ``defects4j`` command.

The suite's path is the Defects4J framework root (the directory with
``framework/projects/<P>/``); the ``defects4j`` script must be on ``PATH`` (Defects4J needs Java
11, Perl, and its ``init.sh`` run once, which downloads the project repositories). Per project:

::

    framework/projects/<P>/
      active-bugs.csv       bug.id, revision.id.buggy, revision.id.fixed, report.id, report.url
      trigger_tests/<N>     "--- <class>::<method>" lines, each followed by its stack trace
      patches/<N>.src.patch the fix REVERSED (fixed -> buggy), paths from the checkout root

Bug ids are ``<P>-<N>`` (``Lang-1``). Failing tests keep Defects4J's own form,
``<fully.qualified.TestClass>::<method>``: the form ``defects4j test -t`` takes and its
``failing_tests`` file reports. Every bug's ``test_command`` is ``defects4j test``.

A checkout is ``defects4j checkout -p P -v Nb -w DEST``: a git repository whose HEAD is the buggy
version (Defects4J tags it ``D4J_<P>_<N>_BUGGY_VERSION``); anything the command leaves
uncommitted is committed on top, so the tree is clean. The developer's patch is the reverse
patch applied in reverse to the buggy files, and diffed by git. Real Defects4J patches name
files from the checkout root (``src/main/java/...``, ``source/...``); a patch whose paths only
exist below the source directory (``defects4j export -p dir.src.classes``) gets that prefix.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import git
from unidiff import PatchSet

from apr import proc
from apr.bench.base import Bug, ensure_empty
from apr.bench.patches import (
    blob_bytes,
    count_hunks,
    replay_patch,
    resolve_commit,
)
from apr.errors import AprError, UsageError
from apr.project.workspace import GIT_IDENTITY

TEST_COMMAND = "defects4j test"
_MISSING = ("defects4j not found on PATH: install Defects4J (needs Java 11; see "
            "https://github.com/rjust/defects4j: run init.sh, then add <defects4j>/framework/bin "
            "to PATH)")



@dataclass(frozen=True, slots=True)
class Defects4JBug:
    """One row of a project's ``active-bugs.csv``, with the files that describe it."""

    bug: Bug
    project: str
    number: int
    buggy_revision: str
    fixed_revision: str
    patch: Path

    @property
    def version(self) -> str:
        """Defects4J's version id of the buggy version (``1b``)."""
        return f"{self.number}b"


class Defects4JSuite:
    """Every active bug of every project of a Defects4J installation.

    Args:
        path: the Defects4J root (with ``framework/projects/``).
        language: only ``"java"``.
        timeout: seconds allowed to one ``defects4j`` command (checkouts clone large
            repositories).

    Raises:
        UsageError: another language, a path without ``framework/projects/*/active-bugs.csv``,
            a malformed ``active-bugs.csv``, or no ``defects4j`` on PATH.
    """

    name = "defects4j"
    test_command = TEST_COMMAND

    def __init__(self, path: str | Path, language: str = "java", *,
                 timeout: float = 1800.0) -> None:
        if language != "java":
            raise UsageError(f"defects4j: language {language!r} is not supported (java)")
        self.root = Path(path)
        projects = self.root / "framework" / "projects"
        csvs = sorted(projects.glob("*/active-bugs.csv"))
        if not csvs:
            raise UsageError(f"{path}: not a Defects4J root (no "
                             "framework/projects/<P>/active-bugs.csv)")
        self.executable = find_executable()
        self.timeout = timeout
        loaded = [b for f in csvs for b in read_project(f.parent)]
        self._bugs = {b.bug.id: b for b in loaded}
        self._checkouts: dict[str, tuple[Path, str]] = {}

    def bugs(self) -> list[Bug]:
        return [b.bug for b in self._bugs.values()]

    def checkout(self, bug: Bug, dest: Path) -> Path:
        """``defects4j checkout`` into ``dest``, then commit what it left uncommitted."""
        target = self._checkout(self._bugs[bug.id], Path(dest))
        self._checkouts[bug.id] = (target, git.Repo(target).head.commit.hexsha)
        return target

    def developer_patch(self, bug: Bug) -> str:
        """The reverse patch, applied in reverse to the buggy files; diffed by git.

        Uses the checkout this suite made of ``bug`` if it still has its commit, otherwise
        checks the bug out again into a temporary directory (the same tree either way).
        """
        entry = self._bugs[bug.id]
        known = self._checkouts.get(bug.id)
        if known is not None and _has_commit(*known):
            return self._forward(entry, *known)
        with tempfile.TemporaryDirectory(prefix="apr-d4j-") as tmp:
            target = self._checkout(entry, Path(tmp) / "checkout")
            return self._forward(entry, target, git.Repo(target).head.commit.hexsha)

    def export(self, work_dir: Path, prop: str) -> str:
        """``defects4j export -p prop -w work_dir``, read from its ``-o`` file.

        Raises:
            AprError: the command failed or timed out.
        """
        with tempfile.TemporaryDirectory(prefix="apr-d4j-export-") as tmp:
            out = Path(tmp) / "value"
            self._run(["export", "-p", prop, "-o", str(out), "-w", str(work_dir)],
                      what=f"export of {prop}")
            return out.read_text(encoding="utf-8").strip() if out.exists() else ""

    def _checkout(self, entry: Defects4JBug, dest: Path) -> Path:
        ensure_empty(dest)
        self._run(["checkout", "-p", entry.project, "-v", entry.version, "-w", str(dest.resolve())],
                  what=f"checkout of {entry.bug.id}")
        commit_pending(dest, f"{entry.bug.id}: buggy version (apr)")
        return dest

    def _forward(self, entry: Defects4JBug, checkout: Path, commit: str) -> str:
        reverse = entry.patch.read_bytes()
        tree = git.Repo(checkout).commit(commit).tree
        prefix = ""
        if not _paths_exist(tree, reverse, ""):
            src = self.export(checkout, "dir.src.classes").strip("/")
            prefix = f"{src}/" if src else ""
            if not prefix or not _paths_exist(tree, reverse, prefix):
                raise UsageError(f"{entry.patch}: names files that are neither in the checkout "
                                 f"of {entry.bug.id} nor below its source directory {src!r}")
        return replay_patch(lambda p: blob_bytes(tree, p), reverse, reverse=True,
                            directory=prefix)

    def _run(self, args: list[str], *, what: str) -> proc.ProcResult:
        argv = [self.executable, *args]
        try:
            res = proc.run(argv, cwd=self.root, timeout=self.timeout)
        except FileNotFoundError:
            raise UsageError(_MISSING) from None
        if not res.ok:
            why = (f"timed out after {self.timeout:g} s" if res.timed_out
                   else f"exit {res.returncode}")
            raise AprError(f"defects4j {what} failed ({why}): "
                           f"{res.tail(1) or 'no output'}", detail=res.tail(40))
        return res


def find_executable() -> str:
    """The ``defects4j`` script on PATH.

    Raises:
        UsageError: there is none.
    """
    found = shutil.which("defects4j")
    if found is None:
        raise UsageError(_MISSING)
    return found


def read_project(directory: Path) -> list[Defects4JBug]:
    """The bugs of ``framework/projects/<P>`` in bug-number order.

    Raises:
        UsageError: a missing column, a bug number that is not an integer, or a missing patch.
    """
    project = directory.name
    with (directory / "active-bugs.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bugs = [_bug_from_row(directory, project, row) for row in rows if any(row.values())]
    return sorted(bugs, key=lambda b: b.number)


def _bug_from_row(directory: Path, project: str, row: dict[str, str]) -> Defects4JBug:
    where = directory / "active-bugs.csv"
    try:
        number_text, buggy, fixed = (row[k].strip() for k in
                                     ("bug.id", "revision.id.buggy", "revision.id.fixed"))
    except (KeyError, AttributeError):
        raise UsageError(f"{where}: needs the columns bug.id, revision.id.buggy, "
                         "revision.id.fixed") from None
    if not number_text.isdigit():
        raise UsageError(f"{where}: bug.id {number_text!r} is not a number")
    number = int(number_text)
    patch = directory / "patches" / f"{number}.src.patch"
    if not patch.is_file():
        raise UsageError(f"{project}-{number}: {patch} is missing")
    url = (row.get("report.url") or "").strip()
    bug = Bug(id=f"{project}-{number}", language="java",
              failing_tests=read_trigger_tests(directory / "trigger_tests" / str(number)),
              test_command=TEST_COMMAND, hunks=count_hunks(patch),
              description=url)
    return Defects4JBug(bug=bug, project=project, number=number, buggy_revision=buggy,
                        fixed_revision=fixed, patch=patch)


def read_trigger_tests(path: Path) -> tuple[str, ...]:
    """The ``Class::method`` ids of a ``trigger_tests/<N>`` file, in order, without repeats;
    ``()`` when the file is missing. Stack-trace lines are skipped."""
    if not path.is_file():
        return ()
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    tests = (ln[4:].strip() for ln in lines if ln.startswith("--- "))
    return tuple(dict.fromkeys(t for t in tests if t))


def commit_pending(root: Path, message: str) -> None:
    """Make ``root`` a git repository whose working tree is clean.

    A repository keeps its history; untracked or modified files (not ignored ones) are committed
    on top of HEAD. A plain directory becomes a repository with one commit.
    """
    if not (root / ".git").exists():
        git.Repo.init(root)
    repo = git.Repo(root)
    has_head = repo.head.is_valid()
    if has_head and not repo.is_dirty(untracked_files=True):
        return
    repo.git.execute(["git", *GIT_IDENTITY, "add", "-A"])
    repo.git.execute(["git", *GIT_IDENTITY, "commit", "-q", "--no-verify", "--allow-empty",
                      "-m", message])


def _paths_exist(tree: git.Tree, reverse_patch: bytes, prefix: str) -> bool:
    """Whether every file the buggy version should have (what a reverse patch does not delete:
    its ``+++`` side) is in ``tree`` below ``prefix``."""
    files = [pf.path for pf in PatchSet(reverse_patch.decode("utf-8", errors="replace"))
             if not pf.is_removed_file]
    return all(blob_bytes(tree, prefix + f) is not None for f in files)


def _has_commit(root: Path, commit: str) -> bool:
    try:
        return resolve_commit(git.Repo(root), commit) is not None
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False
