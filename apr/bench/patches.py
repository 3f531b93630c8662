"""Developer patches: made by git, read with unidiff, reduced to the code they change.

Some suites' fixed versions differ from the buggy ones in more than the fix (QuixBugs' buggy
programs carry a docstring the correct ones lack). :func:`code_diff` keeps only the hunks that
change code — a hunk whose removed and added lines are all blank, comments or docstrings is
dropped — and lets git make the diff of what remains.

Suites that keep their patches apart from the project (Defects4J, BugsInPy) replay them on a git
tree: :func:`replay_patch` applies a patch to the few files it names and returns git's diff.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Callable
from pathlib import Path

import git
from tree_sitter import Node
from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from apr.errors import UsageError
from apr.lang import LanguageSupport, get_language
from apr.lang.normal import is_docstring
from apr.lang.text import decode_source, encode_source
from apr.project.workspace import GIT_IDENTITY, commit_all


def git_diff(file: str, old: bytes, new: bytes, context: int = 3) -> str:
    """The unified diff, made by git, that turns ``old`` into ``new`` at path ``file``."""
    with tempfile.TemporaryDirectory(prefix="apr-diff-") as tmp:
        root = Path(tmp)
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_bytes(old)
        repo = commit_all(root, "old")
        (root / file).write_bytes(new)
        text: str = repo.git.diff("--no-color", "--no-ext-diff", f"-U{context}",
                                  strip_newline_in_stdout=False)
        return text


def code_diff(file: str, buggy: bytes, fixed: bytes, language: str) -> str:
    """Like :func:`git_diff`, without changes to blank lines, comments or docstrings.

    The code lines of both versions (noise left out) are aligned with difflib's matcher; the
    changed code lines of ``fixed`` replace those of ``buggy`` in place, noise lines of ``buggy``
    stay; git then diffs ``buggy`` against the result. (Aligning whole files instead lets git
    pair a changed line with one inside a removed docstring, far from where it belongs.)
    """
    lang = get_language(language)
    old = decode_source(buggy).splitlines(keepends=True)
    new = decode_source(fixed).splitlines(keepends=True)
    code_old = _code_indices(old, noncode_lines(buggy, lang))
    code_new = _code_indices(new, noncode_lines(fixed, lang))
    matcher = difflib.SequenceMatcher(None, [_key(old[i], lang) for i in code_old],
                                      [_key(new[j], lang) for j in code_new], autojunk=False)
    result = list(old)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        added = [_ending(new[j]) for j in code_new[j1:j2]]
        if i1 < i2:
            lines = code_old[i1:i2]
            result[lines[0]: lines[-1] + 1] = [*added, *_kept_noise(old, lines, code_old)]
        else:
            at = code_old[i1] if i1 < len(code_old) else _after_last(code_old, old)
            result[at:at] = added
    return git_diff(file, buggy, encode_source("".join(result)))


def _key(line: str, lang: LanguageSupport) -> str:
    """A line's code for alignment: indentation and tokens, comments and spacing ignored."""
    indent = line[: len(line) - len(line.lstrip())]
    return indent + lang.normalize(line.strip())


def _code_indices(lines: list[str], noise: set[int]) -> list[int]:
    return [i for i in range(len(lines)) if i + 1 not in noise]


def _kept_noise(old: list[str], lines: list[int], code: list[int]) -> list[str]:
    """Noise lines between the first and last replaced code line stay (after the new code)."""
    inside = set(range(lines[0], lines[-1] + 1)) - set(code)
    return [old[i] for i in sorted(inside)]


def _after_last(code: list[int], old: list[str]) -> int:
    return code[-1] + 1 if code else len(old)


def _ending(line: str) -> str:
    return line if line.endswith("\n") else line + "\n"


def noncode_lines(source: bytes, lang: LanguageSupport) -> set[int]:
    """1-based lines that hold no code: blank, comment-only, or inside a docstring."""
    text_lines = decode_source(source).splitlines()
    noise = {i + 1 for i, t in enumerate(text_lines) if not t.strip()}
    code: set[int] = set()
    for node in _code_leaves(lang.parse(source).root_node, lang):
        code.update(range(node.start_point[0] + 1, node.end_point[0] + 2))
    return noise | ({i + 1 for i in range(len(text_lines))} - code)


def _code_leaves(node: Node, lang: LanguageSupport) -> list[Node]:
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind in lang.grammar.comment_types or is_docstring(current):
            continue
        children = current.children
        if not children or kind in lang.grammar.atomic_types:
            out.append(current)
        else:
            stack.extend(children)
    return out


# --- replaying patches on git trees (Defects4J, BugsInPy) ------------------------------------

DIFF_FLAGS = ("--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--src-prefix=a/",
              "--dst-prefix=b/")
def count_hunks(patch: Path) -> int:
    """How many hunks the unified diff in ``patch`` has (at least 1).

    Raises:
        UsageError: the file is not a unified diff.
    """
    text = patch.read_bytes().decode("utf-8", errors="replace")
    try:
        found = sum(len(pf) for pf in PatchSet(text))
    except UnidiffParseError as exc:
        raise UsageError(f"{patch}: not a unified diff: {exc}") from None
    return max(found, 1)


def replay_patch(read: Callable[[str], bytes | None], patch: bytes, *, reverse: bool = False,
                 directory: str = "") -> str:
    """Apply ``patch`` to the files it names, as ``read`` gives them; git diffs the result.

    Only the files the patch names are written to a scratch repository, so a large project
    costs no more than a small one. ``read(path)`` is a file's content in the tree the patch
    applies to (``None``: no such file). ``directory`` (``"src/"``) is prepended to the patch's
    paths (``git apply --directory``); ``reverse`` applies it in reverse (``git apply -R``).

    Returns:
        The unified diff, made by git, from those files to the patched files, paths relative to
        the tree's root (``a/`` and ``b/`` prefixes, no rename detection).

    Raises:
        UsageError: the patch does not apply to those files.
    """
    with tempfile.TemporaryDirectory(prefix="apr-replay-") as tmp:
        work = Path(tmp) / "tree"
        for path in patch_paths(patch):
            data = read(directory + path)
            if data is not None:
                (work / directory / path).parent.mkdir(parents=True, exist_ok=True)
                (work / directory / path).write_bytes(data)
        work.mkdir(exist_ok=True)
        repo = git.Repo.init(work)
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", "before")
        (Path(tmp) / "change.patch").write_bytes(patch)
        args = ["apply", "--whitespace=nowarn", *(["-R"] if reverse else []),
                *([f"--directory={directory.rstrip('/')}"] if directory else []),
                str(Path(tmp) / "change.patch")]
        try:
            _git(repo, *args)
        except git.GitCommandError as exc:
            raise UsageError(f"the patch does not apply: {str(exc.stderr).strip()}") from None
        _git(repo, "add", "-A")
        text: str = repo.git.diff("--cached", *DIFF_FLAGS, strip_newline_in_stdout=False)
        return text


def patch_paths(patch: bytes) -> list[str]:
    """The paths a git-style patch names (``a/``, ``b/`` stripped; ``/dev/null`` left out)."""
    paths: dict[str, None] = {}
    for pf in PatchSet(patch.decode("utf-8", errors="replace")):
        for name, prefix in ((pf.source_file, "a/"), (pf.target_file, "b/")):
            if name and name != "/dev/null":
                paths[name.removeprefix(prefix)] = None
    return list(paths)


def blob_bytes(tree: git.Tree, path: str) -> bytes | None:
    """The content of ``path`` in ``tree``; ``None`` when it is not a file there."""
    try:
        item = tree / path
    except KeyError:
        return None
    if item.type != "blob":
        return None
    data: bytes = item.data_stream.read()
    return data


def resolve_commit(repo: git.Repo, rev: str) -> git.Commit | None:
    """The commit ``rev`` (a sha, possibly abbreviated, or a ref) names; ``None`` when ``repo``
    has no such commit (GitPython alone does not check a full sha until it reads it)."""
    if not rev or rev.startswith("-"):
        return None
    try:
        sha = repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")
    except git.GitCommandError:
        return None
    return repo.commit(sha.strip())


def _git(repo: git.Repo, *args: str) -> None:
    repo.git.execute(["git", *GIT_IDENTITY, *args])
