"""BugsInPy (Widyasari et al. 2020) over a checkout of its repository and local clones.

::

    projects/<P>/project.info           github_url="https://github.com/<owner>/<repo>", status, ...
    projects/<P>/bugs/<N>/bug.info      python_version, buggy_commit_id, fixed_commit_id,
                                        test_file (";"-separated), pythonpath (optional)
    projects/<P>/bugs/<N>/bug_patch.txt the fix, buggy -> fixed, as made by `git diff`
    projects/<P>/bugs/<N>/run_test.sh   the trigger tests: one test command per line
    projects/<P>/bugs/<N>/requirements.txt

The ``.info`` files are read tolerantly: CRLF or LF line endings, blank lines, ``#`` comments,
spaces around ``=`` (``fixed_commit_id ="..."`` occurs), quotes optional.

Nothing is downloaded: each project must be cloned beforehand into ``<clones>/<P>`` (BugsInPy's
project name, e.g. ``youtube-dl``; the repository's own name from ``github_url`` is accepted
too). Bug ids are ``<P>-<N>``.

Failing tests are pytest node ids relative to the project root (``tests/test_x.py::T::test_y``).
``run_test.sh`` lines run pytest (``pytest``, ``py.test``, ``python -m pytest``, ``tox``, whose
arguments reach pytest in these projects) or unittest (``python -m unittest -q
tests.test_x.T.test_y``); a dotted unittest id becomes a node id when one of ``test_file``'s
modules is a prefix of it, and is kept as it is otherwise. ``test_command`` is
``<python> -m pytest`` over the trigger tests' files (so a patch is also checked against the
other tests of those files), ``<python>`` being the interpreter running apr unless told otherwise
(the pytest driver's default too; the bug's ``requirements.txt`` must be installed there);
``None`` (the driver's default: the whole suite) when some id could not be converted. The
interpreter may be a template with the fields ``{project}`` and ``{python_version}`` (from
``bug.info``), e.g. ``envs/{project}/bin/python``: one environment per project or per version.

A checkout is the buggy commit's tree with the ``test_file`` files from the fixed commit (as
BugsInPy's own checkout does, so that the trigger tests exist), committed once: no history, so
the fix cannot be read from it. The developer's patch is ``bug_patch.txt`` applied to those files
and diffed by git; if it does not apply, git's diff of the two commits over the files it names.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import git

from apr.bench.base import Bug, commit_tree, ensure_empty
from apr.bench.patches import (
    DIFF_FLAGS,
    blob_bytes,
    count_hunks,
    patch_paths,
    replay_patch,
    resolve_commit,
)
from apr.errors import UsageError

_PYTEST_RUNNERS = frozenset({"pytest", "py.test", "tox"})
_VALUE_OPTIONS = frozenset({"-k", "-m", "-p", "-c", "-o", "-W", "--rootdir", "--deselect",
                            "--ignore", "--confcutdir", "--basetemp", "-e"})
_ENV_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON = re.compile(r"python[0-9.]*")


def parse_info(text: str) -> dict[str, str]:
    """``key="value"`` lines of a BugsInPy ``.info`` file, read tolerantly.

    Line endings may be CRLF; blank lines and ``#`` comments are skipped; spaces around ``=``
    are ignored; a quoted value is what lies between its quotes (BugsInPy's own scripts take
    the text between the first two ``"``), an unquoted one is stripped. Later keys win.
    """
    found: dict[str, str] = {}
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.strip()
        key, sep, value = line.partition("=")
        if not line or line.startswith("#") or not sep or not key.strip():
            continue
        found[key.strip()] = _unquote(value.strip())
    return found


def _unquote(value: str) -> str:
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    return value.split(" #", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class BugInfo:
    """What ``bug.info`` says."""

    buggy_commit: str
    fixed_commit: str
    test_files: tuple[str, ...] = ()
    python_version: str = ""
    pythonpath: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, where: Path) -> BugInfo:
        """Raises UsageError when ``buggy_commit_id`` or ``fixed_commit_id`` is missing."""
        values = parse_info(text)
        missing = [k for k in ("buggy_commit_id", "fixed_commit_id") if not values.get(k)]
        if missing:
            raise UsageError(f"{where}: missing {', '.join(missing)}")
        return cls(buggy_commit=values["buggy_commit_id"],
                   fixed_commit=values["fixed_commit_id"],
                   test_files=_split(values.get("test_file", "")),
                   python_version=values.get("python_version", ""),
                   pythonpath=_split(values.get("pythonpath", "")))


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip().removeprefix("./") for p in value.split(";") if p.strip())


@dataclass(frozen=True, slots=True)
class TestSpec:
    """The trigger tests of ``run_test.sh``, as pytest node ids, and a pytest command for them.

    ``command`` is ``None`` when some id could not be made a pytest node id.
    """

    __test__ = False  # not a pytest test class

    ids: tuple[str, ...]
    command: str | None


def read_run_test(text: str, test_files: tuple[str, ...], python: str = "python") -> TestSpec:
    """The trigger tests of a ``run_test.sh`` (one test command per line; see the module);
    the command runs pytest with ``python``."""
    ids: dict[str, None] = {}
    converted = True
    for line in text.splitlines():
        for test_id, ok in _line_ids(line, test_files):
            ids[test_id] = None
            converted = converted and ok
    files = dict.fromkeys(i.split("::", 1)[0] for i in ids)
    command = shlex.join([python, "-m", "pytest", *files]) if ids and converted else None
    return TestSpec(tuple(ids), command)


def _line_ids(line: str, test_files: tuple[str, ...]) -> list[tuple[str, bool]]:
    """(id, converted to a node id) for each test a command line names."""
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:
        return []
    while tokens and _ENV_ASSIGNMENT.match(tokens[0]):
        tokens = tokens[1:]
    if not tokens:
        return []
    program = PurePosixPath(tokens[0]).name
    if _PYTHON.fullmatch(program) and len(tokens) > 2 and tokens[1] == "-m":
        program, tokens = tokens[2], tokens[2:]
    args = _positional(tokens[1:])
    if program in _PYTEST_RUNNERS:
        return [(a.removeprefix("./"), True) for a in args]
    if program == "unittest":
        return [_unittest_to_node(a, test_files) for a in args]
    return []


def _positional(args: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            out.append(arg)
    return out


def _unittest_to_node(name: str, test_files: tuple[str, ...]) -> tuple[str, bool]:
    """``tests.test_x.T.test_y`` -> ``tests/test_x.py::T::test_y`` when ``tests/test_x.py`` is
    one of ``test_files`` (the longest matching module wins); a path is kept as a path."""
    if name.endswith(".py") or "/" in name:
        return name.removeprefix("./"), True
    best = ""
    for file in test_files:
        module = file.removesuffix(".py").replace("/", ".")
        if file.endswith(".py") and (name == module or name.startswith(module + ".")):
            best = file if len(file) > len(best) else best
    if not best:
        return name, False
    rest = name[len(best.removesuffix(".py")):].lstrip(".")
    return "::".join([best, *rest.split(".")]) if rest else best, True


@dataclass(frozen=True, slots=True)
class BugsInPyBug:
    """One bug directory, read."""

    bug: Bug
    project: str
    directory: Path
    info: BugInfo
    github_url: str

    @property
    def patch(self) -> Path:
        return self.directory / "bug_patch.txt"

    @property
    def requirements(self) -> Path:
        return self.directory / "requirements.txt"


class BugsInPySuite:
    """Every bug of a BugsInPy checkout, checked out from local clones of its projects.

    Args:
        path: the BugsInPy checkout (with ``projects/``).
        clones: the directory holding one clone per project (default ``<path>/clones``).
        language: only ``"python"``.
        python: the interpreter of the bugs' test commands (default: the one running apr, as
            the pytest driver's default; it needs the bug's ``requirements.txt`` and pytest), or
            a template of it with ``{project}`` and ``{python_version}`` (see
            :func:`interpreter`).

    Raises:
        UsageError: another language, a path without ``projects/*/bugs/*/bug.info``, a bug
            without ``bug_patch.txt``, a ``bug.info`` without its commits, or a ``python``
            template with another field.
    """

    name = "bugsinpy"

    def __init__(self, path: str | Path, clones: str | Path | None = None,
                 language: str = "python", *, python: str | None = None) -> None:
        if language != "python":
            raise UsageError(f"bugsinpy: language {language!r} is not supported (python)")
        self.root = Path(path)
        self.clones = Path(clones) if clones else self.root / "clones"
        infos = list((self.root / "projects").glob("*/bugs/*/bug.info"))
        if not infos:
            raise UsageError(f"{path}: not a BugsInPy checkout (no "
                             "projects/<P>/bugs/<N>/bug.info)")
        python = python or sys.executable
        loaded = sorted((read_bug(i.parent, python) for i in infos), key=_order)
        self._bugs = {b.bug.id: b for b in loaded}

    def bugs(self) -> list[Bug]:
        return [b.bug for b in self._bugs.values()]

    def entry(self, bug: Bug) -> BugsInPyBug:
        """Everything the suite knows of ``bug`` (Python version, requirements, commits)."""
        return self._bugs[bug.id]

    def clone(self, bug: Bug) -> git.Repo:
        """The local clone of ``bug``'s project.

        Raises:
            UsageError: no clone (naming where it was expected and how to make it), or not a
                git repository.
        """
        entry = self._bugs[bug.id]
        repo_name = entry.github_url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
        names = dict.fromkeys([entry.project, repo_name])
        for name in filter(None, names):
            where = self.clones / name
            if where.exists():
                try:
                    return git.Repo(where)
                except git.InvalidGitRepositoryError:
                    raise UsageError(f"{where}: not a git repository") from None
        expected = self.clones / entry.project
        raise UsageError(f"no clone of {entry.project} at {expected}: clone it first "
                         f"(git clone {entry.github_url or '<its repository>'} {expected}); "
                         "BugsInPy bugs are checked out from local clones, nothing is downloaded")

    def checkout(self, bug: Bug, dest: Path) -> Path:
        """The buggy tree plus the fixed ``test_file`` files, as one commit in ``dest``."""
        entry = self._bugs[bug.id]
        buggy, fixed = self._commits(entry)
        tests = {f: _fixed_test(entry, fixed.tree, f) for f in entry.info.test_files}
        ensure_empty(dest)
        write_tree(buggy.tree, dest)
        for file, data in tests.items():
            (dest / file).parent.mkdir(parents=True, exist_ok=True)
            (dest / file).write_bytes(data)
        return commit_tree(dest, f"{bug.id}: buggy version, with the fixed version's tests")

    def developer_patch(self, bug: Bug) -> str:
        """``bug_patch.txt`` applied to the checkout's files and diffed by git; if it does not
        apply there, git's diff of the buggy and fixed commits over the files it names.

        Raises:
            UsageError: neither gives a diff (the patch names files the commits lack).
        """
        entry = self._bugs[bug.id]
        buggy, fixed = self._commits(entry)
        patch = entry.patch.read_bytes()
        tests = set(entry.info.test_files)

        def read(path: str) -> bytes | None:
            return blob_bytes(fixed.tree if path in tests else buggy.tree, path)

        try:
            return replay_patch(read, patch)
        except UsageError:
            paths = [p for p in patch_paths(patch) if p not in tests]
            text: str = self.clone(bug).git.diff(buggy.hexsha, fixed.hexsha, *DIFF_FLAGS, "--",
                                                 *paths, strip_newline_in_stdout=False)
            if not paths or not text.strip():
                raise UsageError(f"{entry.patch}: does not apply to {bug.id}'s buggy version and "
                                 "names no file the fix changes") from None
            return text

    def _commits(self, entry: BugsInPyBug) -> tuple[git.Commit, git.Commit]:
        repo = self.clone(entry.bug)
        return (_resolve(repo, entry.info.buggy_commit, entry),
                _resolve(repo, entry.info.fixed_commit, entry))


def interpreter(python: str, project: str, python_version: str = "") -> str:
    """``python`` with its ``{project}`` and ``{python_version}`` fields filled in; a relative
    path (one with a ``/``) is made absolute, since tests run in the checkout. A name without
    ``/`` (``python3.8``) is left to ``PATH``.

    Raises:
        UsageError: another field, or a malformed template.
    """
    try:
        path = python.format(project=project, python_version=python_version)
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(f"--python {python!r}: bad template ({exc}); its fields are "
                         "{project} and {python_version}") from None
    if "/" in path and not os.path.isabs(path):
        path = os.path.abspath(path)
    return path


def read_bug(directory: Path, python: str = "python") -> BugsInPyBug:
    """The bug in ``projects/<P>/bugs/<N>``; its test command runs ``python``, which may be a
    template (:func:`interpreter`).

    Raises:
        UsageError: ``<N>`` is not a number, ``bug.info`` or ``bug_patch.txt`` is unusable, or
            ``python`` is a bad template.
    """
    project = directory.parent.parent.name
    if not directory.name.isdigit():
        raise UsageError(f"{directory}: a bug directory's name must be its number")
    info = BugInfo.parse(_read_text(directory / "bug.info"), directory / "bug.info")
    patch = directory / "bug_patch.txt"
    if not patch.is_file():
        raise UsageError(f"{project}-{directory.name}: {patch} is missing")
    run_test = directory / "run_test.sh"
    spec = read_run_test(_read_text(run_test) if run_test.is_file() else "", info.test_files,
                         interpreter(python, project, info.python_version))
    url = _github_url(directory.parent.parent / "project.info")
    bug = Bug(id=f"{project}-{directory.name}", language="python", failing_tests=spec.ids,
              test_command=spec.command, hunks=count_hunks(patch),
              description=f"{url.rstrip('/')}/commit/{info.fixed_commit}" if url else "")
    return BugsInPyBug(bug=bug, project=project, directory=directory, info=info, github_url=url)


def write_tree(tree: git.Tree, dest: Path) -> None:
    """Write every file of ``tree`` below ``dest``: contents as committed, executable bits and
    symbolic links kept, submodules left out (they are not in the clone)."""
    for item in tree.traverse():
        if not isinstance(item, git.Blob):
            continue
        target = dest / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = item.data_stream.read()
        if item.mode == git.Blob.link_mode:
            os.symlink(os.fsdecode(data), target)
            continue
        target.write_bytes(data)
        if item.mode == git.Blob.executable_mode:
            target.chmod(0o755)


def _fixed_test(entry: BugsInPyBug, tree: git.Tree, file: str) -> bytes:
    data = blob_bytes(tree, file)
    if data is None:
        raise UsageError(f"{entry.bug.id}: test file {file} is not in the fixed commit "
                         f"{entry.info.fixed_commit}")
    return data


def _resolve(repo: git.Repo, commit: str, entry: BugsInPyBug) -> git.Commit:
    found = resolve_commit(repo, commit)
    if found is None:
        where = repo.working_dir
        raise UsageError(f"{entry.bug.id}: commit {commit} is not in the clone at {where} "
                         f"(fetch it: git -C {where} fetch)")
    return found


def _github_url(project_info: Path) -> str:
    if not project_info.is_file():
        return ""
    return parse_info(_read_text(project_info)).get("github_url", "")


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _order(entry: BugsInPyBug) -> tuple[str, int]:
    return entry.project, int(entry.directory.name)
