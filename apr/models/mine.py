"""Mining bug-fix pairs from git history, MultiMend/CoCoNuT style.

A commit counts as a fix when it has one parent, touches few files, and its message names a fix
(:data:`FIX_MESSAGE`). For each changed source file, git's zero-context hunks (``-U0``) are read
against both versions of the file with comments (and Python docstrings) blanked out, line numbers
kept; small hunks whose code really changed become pairs. Pure insertions (no buggy line) are
skipped: there is nothing to localize. The context is the function around the first buggy line in
the parent version (tree-sitter, for languages :mod:`apr.lang` supports), else the lines around
the hunk.

GitPython and pygments are imported inside the functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from apr.errors import NotARepository, UsageError

FIX_MESSAGE = re.compile(
    r"\b(fix(e[sd]|ing)?|bugs?|issues?|errors?|faults?|defects?|patch(e[sd]|ing)?)\b",
    re.IGNORECASE)
"""Words in a commit message that mark a fix (whole words, any case)."""

LANGUAGE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "python": (".py",),
    "java": (".java",),
    "javascript": (".js", ".jsx", ".mjs", ".cjs"),
    "c": (".c", ".h"),
}

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class MineConfig:
    """What to mine.

    Attributes:
        languages: language names (keys of :data:`LANGUAGE_EXTENSIONS`).
        max_commits: most commits read per repository, newest first (None: all).
        max_files: skip commits that change more files than this.
        max_hunk_lines: skip hunks removing or adding more lines than this.
        context_lines: lines above and below a hunk, when no enclosing function is found.
        max_file_bytes: skip file versions larger than this.
        progress_every: report progress every this many commits.
    """

    languages: tuple[str, ...] = tuple(LANGUAGE_EXTENSIONS)
    max_commits: int | None = None
    max_files: int = 5
    max_hunk_lines: int = 6
    context_lines: int = 3
    max_file_bytes: int = 1_000_000
    progress_every: int = 100

    def __post_init__(self) -> None:
        unknown = sorted(set(self.languages) - set(LANGUAGE_EXTENSIONS))
        if unknown or not self.languages:
            known = ", ".join(LANGUAGE_EXTENSIONS)
            raise UsageError(f"cannot mine language(s) {', '.join(unknown) or '(none)'} "
                             f"(known: {known})")


@dataclass(frozen=True, slots=True)
class BugFixPair:
    """One mined hunk: the buggy lines, their fix, and the code around them (the JSONL record).

    ``buggy``/``fixed`` are the hunk's lines with comments removed, blank lines dropped and
    indentation kept; ``line`` is the first buggy line (1-based) in the parent's ``file``.
    """

    repo: str
    commit: str
    file: str
    language: str
    buggy: str
    fixed: str
    context: str
    message: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class MineSummary:
    """What one :func:`mine` run read and wrote."""

    commits: int
    fix_commits: int
    pairs: int


@dataclass(slots=True)
class MineTally:
    """Counters a mining run accumulates while it reads (mutable, unlike the summary)."""

    commits: int = 0
    fix_commits: int = 0
    pairs: int = 0
    seen: set[tuple[str, str, str, str]] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class HunkRange:
    """A ``-U0`` hunk header: old lines ``old_start..+old_count``, new ``new_start..+new_count``."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int


def is_fix_message(message: str) -> bool:
    """Whether a commit message names a fix (:data:`FIX_MESSAGE`)."""
    return FIX_MESSAGE.search(message) is not None


def language_of(path: str, languages: Sequence[str]) -> str | None:
    """The language among ``languages`` whose extensions match ``path``, else None."""
    suffix = PurePosixPath(path).suffix.lower()
    return next((lang for lang in languages if suffix in LANGUAGE_EXTENSIONS[lang]), None)


def parse_hunks(patch: str) -> list[HunkRange]:
    """The hunk headers of one file's unified diff (counts default to 1, as git writes them)."""
    return [HunkRange(int(m[1]), int(m[2] or 1), int(m[3]), int(m[4] or 1))
            for m in _HUNK_HEADER.finditer(patch)]


def mine(repos: Sequence[str | Path], out: str | Path, config: MineConfig = MineConfig(), *,
         progress: Progress | None = None) -> MineSummary:
    """Mine every repository in ``repos`` into the JSONL file ``out`` (one pair per line).

    Pairs identical in language, buggy, fixed and context lines are written once. The file is
    written as pairs are found, so an interrupted run leaves the pairs mined so far.

    Raises:
        NotARepository: a path is not a git repository.
    """
    tally = MineTally()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with Path(out).open("w", encoding="utf-8") as sink:
        for repo in repos:
            for pair in mine_repository(repo, config, progress=progress, tally=tally):
                key = (pair.language, pair.buggy, pair.fixed, pair.context)
                if key not in tally.seen:
                    tally.seen.add(key)
                    sink.write(json.dumps(pair.to_json(), ensure_ascii=False) + "\n")
                    sink.flush()
    return MineSummary(tally.commits, tally.fix_commits, len(tally.seen))


def mine_repository(path: str | Path, config: MineConfig = MineConfig(), *,
                    progress: Progress | None = None,
                    tally: MineTally | None = None) -> Iterator[BugFixPair]:
    """The bug-fix pairs in one repository's history, newest commit first.

    Args:
        path: a git repository (work tree or bare).
        config: what to mine.
        progress: called with a line of text every ``config.progress_every`` commits.
        tally: counters to accumulate into (commits read, fix commits, pairs yielded).

    Raises:
        NotARepository: ``path`` is not a git repository.
    """
    repo = _open_repo(path)
    name = _repo_name(path)
    tally = tally if tally is not None else MineTally()
    for commit in _commits(repo, config.max_commits):
        tally.commits += 1
        if len(commit.parents) == 1 and is_fix_message(str(commit.message)):
            tally.fix_commits += 1
            for pair in commit_pairs(name, commit, config):
                tally.pairs += 1
                yield pair
        if progress and config.progress_every > 0 and tally.commits % config.progress_every == 0:
            progress(f"mine: {name}: {tally.commits} commits read, {tally.fix_commits} fixes, "
                     f"{tally.pairs} pairs")


def commit_pairs(repo_name: str, commit: Any, config: MineConfig) -> Iterator[BugFixPair]:
    """The pairs of one single-parent commit (a GitPython ``Commit``), in file order."""
    parent = commit.parents[0]
    changes = parent.diff(commit)
    if len(changes) > config.max_files:
        return
    wanted = [d for d in changes if d.a_blob is not None and d.b_blob is not None
              and language_of(d.b_path, config.languages)]
    if not wanted:
        return
    paths = sorted({p for d in wanted for p in (d.a_path, d.b_path)})
    message = str(commit.message).strip()
    for diff in parent.diff(commit, paths=paths, create_patch=True, unified=0):
        language = language_of(diff.b_path or "", config.languages)
        if language and diff.a_blob is not None and diff.b_blob is not None:
            for buggy, fixed, context, line in file_pairs(diff, language, config):
                yield BugFixPair(repo=repo_name, commit=commit.hexsha, file=diff.b_path,
                                 language=language, buggy=buggy, fixed=fixed, context=context,
                                 message=message, line=line)


def file_pairs(diff: Any, language: str,
               config: MineConfig) -> Iterator[tuple[str, str, str, int]]:
    """``(buggy, fixed, context, line)`` for the small, real hunks of one file's diff."""
    before = _blob_text(diff.a_blob, config.max_file_bytes)
    after = _blob_text(diff.b_blob, config.max_file_bytes)
    if before is None or after is None:
        return
    old, new = _code_lines(before, language), _code_lines(after, language)
    if old is None or new is None:
        return
    patch = diff.diff.decode("utf-8", "replace") if isinstance(diff.diff, bytes) else diff.diff
    for hunk in parse_hunks(patch or ""):
        pair = hunk_pair(hunk, old, new, config.max_hunk_lines)
        if pair is not None:
            buggy, fixed, line = pair
            span = (hunk.old_start, hunk.old_start + hunk.old_count - 1)
            yield buggy, fixed, context_of(before, language, line, span, config.context_lines), line


def hunk_pair(hunk: HunkRange, old: list[str], new: list[str],
              max_lines: int) -> tuple[str, str, int] | None:
    """``(buggy, fixed, first buggy line)`` of one hunk over comment-free lines, or None when
    the hunk is too big, inserts only, or changes only comments or whitespace."""
    if hunk.old_count > max_lines or hunk.new_count > max_lines or hunk.old_count == 0:
        return None
    removed = old[hunk.old_start - 1:hunk.old_start - 1 + hunk.old_count]
    added = new[hunk.new_start - 1:hunk.new_start - 1 + hunk.new_count] if hunk.new_count else []
    buggy = [line.rstrip() for line in removed if line.strip()]
    fixed = [line.rstrip() for line in added if line.strip()]
    if not buggy or _squash(buggy) == _squash(fixed):
        return None
    first = hunk.old_start + next(i for i, line in enumerate(removed) if line.strip())
    return "\n".join(buggy), "\n".join(fixed), first


def context_of(source: str, language: str, line: int, span: tuple[int, int],
               around: int) -> str:
    """The function enclosing ``line`` in ``source``; else lines ``span`` widened by ``around``."""
    function = _enclosing_function(source, language, line)
    if function is not None:
        return function
    lines = source.split("\n")
    first, last = max(1, span[0] - around), min(len(lines), span[1] + around)
    return "\n".join(lines[first - 1:last]).rstrip()


def strip_comments(text: str, language: str) -> str:
    """``text`` with comments (and Python docstrings) replaced by as many newlines, so that line
    numbers stay; preprocessor lines are kept (as MultiMend does, with pygments)."""
    from pygments import lex
    from pygments.token import Comment, String

    kept = []
    for kind, value in lex(text, _lexer(language)):
        is_comment = kind in Comment and kind not in (Comment.Preproc, Comment.PreprocFile)
        kept.append("\n" * value.count("\n") if is_comment or kind in String.Doc else value)
    return "".join(kept)


def _lexer(language: str) -> Any:
    from pygments.lexers import CLexer, JavaLexer, JavascriptLexer, PythonLexer

    lexers = {"python": PythonLexer, "java": JavaLexer, "javascript": JavascriptLexer,
              "c": CLexer}
    return lexers[language](stripnl=False, stripall=False, ensurenl=False)


def _code_lines(text: str, language: str) -> list[str] | None:
    """The lines of ``text`` without comments, or None if stripping moved line numbers."""
    lines = strip_comments(text, language).split("\n")
    return lines if len(lines) == len(text.split("\n")) else None


def _squash(lines: list[str]) -> str:
    return "".join("".join(lines).split())


def _enclosing_function(source: str, language: str, line: int) -> str | None:
    from apr.lang import LANGUAGES, get_language

    if language not in LANGUAGES:
        return None
    data = source.encode("utf-8")
    span = get_language(language).enclosing_function(data, line)
    return None if span is None else data[span.start:span.end].decode("utf-8", "replace")


def _blob_text(blob: Any, max_bytes: int) -> str | None:
    if blob.size > max_bytes:
        return None
    try:
        return str(blob.data_stream.read().decode("utf-8"))
    except UnicodeDecodeError:
        return None


def _open_repo(path: str | Path) -> Any:
    import git

    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise NotARepository(f"{path} is not a git repository") from exc


def _commits(repo: Any, max_commits: int | None) -> Iterator[Any]:
    import git

    options = {"max_count": max_commits} if max_commits else {}
    try:
        yield from repo.iter_commits(**options)
    except (ValueError, git.GitCommandError) as exc:
        raise UsageError(f"{repo.git_dir}: cannot read the history ({exc})") from exc


def _repo_name(path: str | Path) -> str:
    name = Path(path).resolve().name
    return name[:-4] if name.endswith(".git") else name
