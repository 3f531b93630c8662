"""Developer patches: made by git, read with unidiff, reduced to the code they change.

Some suites' fixed versions differ from the buggy ones in more than the fix (QuixBugs' buggy
programs carry a docstring the correct ones lack). :func:`code_diff` keeps only the hunks that
change code — a hunk whose removed and added lines are all blank, comments or docstrings is
dropped — and lets git make the diff of what remains.
"""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

from tree_sitter import Node

from apr.lang import LanguageSupport, get_language
from apr.project.workspace import commit_all


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
    old = buggy.decode("utf-8").splitlines(keepends=True)
    new = fixed.decode("utf-8").splitlines(keepends=True)
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
    return git_diff(file, buggy, "".join(result).encode("utf-8"))


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
