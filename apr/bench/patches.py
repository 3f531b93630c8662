"""Developer patches: made by git, read with unidiff, reduced to the code they change.

Some suites' fixed versions differ from the buggy ones in more than the fix (QuixBugs' buggy
programs carry a docstring the correct ones lack). :func:`code_diff` keeps only the hunks that
change code — a hunk whose removed and added lines are all blank, comments or docstrings is
dropped — and lets git make the diff of what remains.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import git
from tree_sitter import Node
from unidiff import PatchSet

from apr.lang import LanguageSupport, get_language

_IDENTITY = ("-c", "user.name=apr", "-c", "user.email=apr@localhost", "-c", "commit.gpgsign=false")


def git_diff(file: str, old: bytes, new: bytes, context: int = 3) -> str:
    """The unified diff, made by git, that turns ``old`` into ``new`` at path ``file``."""
    with tempfile.TemporaryDirectory(prefix="apr-diff-") as tmp:
        root = Path(tmp)
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_bytes(old)
        repo = git.Repo.init(root)
        repo.git.execute(["git", *_IDENTITY, "add", "-A"])
        repo.git.execute(["git", *_IDENTITY, "commit", "-q", "-m", "old"])
        (root / file).write_bytes(new)
        text: str = repo.git.diff("--no-color", "--no-ext-diff", f"-U{context}",
                                  strip_newline_in_stdout=False)
        return text


def code_diff(file: str, buggy: bytes, fixed: bytes, language: str) -> str:
    """Like :func:`git_diff`, without changes to blank lines, comments or docstrings.

    Works line by line on git's zero-context diff: a removed line is removed only if it is code
    in ``buggy``, an added line is added only if it is code in ``fixed``; git then diffs
    ``buggy`` against the result.
    """
    lang = get_language(language)
    full = PatchSet(git_diff(file, buggy, fixed, context=0))
    if not full:
        return ""
    noise_old, noise_new = noncode_lines(buggy, lang), noncode_lines(fixed, lang)
    lines = buggy.decode("utf-8").splitlines(keepends=True)
    for hunk in reversed(list(full[0])):
        kept_old = [ln.value for ln in hunk if ln.is_removed and ln.source_line_no in noise_old]
        added = [ln.value for ln in hunk if ln.is_added and ln.target_line_no not in noise_new]
        start = hunk.source_start - (0 if hunk.source_length else -1) - 1
        lines[start: start + hunk.source_length] = kept_old + added
    return git_diff(file, buggy, "".join(lines).encode("utf-8"))


def noncode_lines(source: bytes, lang: LanguageSupport) -> set[int]:
    """1-based lines that hold no code: blank, comment-only, or inside a docstring."""
    text_lines = source.decode("utf-8", "replace").splitlines()
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


def is_docstring(node: Node) -> bool:
    """An expression statement that is a lone string literal (Python docstrings)."""
    if node.type != "expression_statement":
        return False
    named = node.named_children
    return len(named) == 1 and named[0].type in ("string", "concatenated_string")
