"""Mining bug-fix pairs from a small git history built in tmp_path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from apr.cli import main
from apr.errors import NotARepository, UsageError
from apr.models.mine import MineConfig, is_fix_message, mine, parse_hunks
from tests.conftest import RepoFactory, git

TOTAL = textwrap.dedent('''\
    def total(xs, n):
        """Sum of the first n items."""
        s = 0
        for i in range(n - 1):  # every index
            s += xs[i]
        return s
    ''')

SUM_JAVA = textwrap.dedent('''\
    class Sum {
        // Adds two numbers.
        int add(int a, int b) {
            return a - b;
        }
    }
    ''')


def commit(root: Path, message: str, files: dict[str, str]) -> str:
    for name, text in files.items():
        (root / name).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def history(make_repo: RepoFactory) -> tuple[Path, dict[str, str]]:
    """initial; Fix off-by-one (+ a comment change); Add feature; fix comment; a big fix;
    Fix in Java; a fix across too many files."""
    root = make_repo({"calc.py": TOTAL, "Sum.java": SUM_JAVA, "README.md": "calc\n"},
                     name="calc")
    shas = {"off_by_one": commit(root, "Fix off-by-one in total()", {
        "calc.py": TOTAL.replace("range(n - 1):  # every index", "range(n):  # all indices")})}
    commit(root, "Add feature: mean", {"calc.py": (root / "calc.py").read_text()
                                       + "\n\ndef mean(xs):\n    return total(xs, 1)\n"})
    commit(root, "fix typo in comment", {"calc.py": (root / "calc.py").read_text()
                                         .replace("# all indices", "# every index")})
    big = "".join(f"    x{i} = {i}\n" for i in range(8))
    commit(root, "Fix everything at once", {"calc.py": (root / "calc.py").read_text()
                                            .replace("    s = 0\n", "    s = 0\n" + big)})
    shas["java"] = commit(root, "Bug 12: add, not subtract", {
        "Sum.java": SUM_JAVA.replace("a - b", "a + b")})
    commit(root, "Fix style", {f"m{i}.py": "x = 1\n" for i in range(6)})
    return root, shas


def read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_mines_the_fix_hunks_and_skips_the_rest(history: tuple[Path, dict[str, str]],
                                                tmp_path: Path) -> None:
    root, shas = history
    lines: list[str] = []
    summary = mine([root], tmp_path / "pairs.jsonl", MineConfig(progress_every=2),
                   progress=lines.append)
    assert (summary.commits, summary.fix_commits, summary.pairs) == (7, 5, 2)
    java, python = read(tmp_path / "pairs.jsonl")
    assert python == {
        "repo": "calc", "commit": shas["off_by_one"], "file": "calc.py", "language": "python",
        "buggy": "    for i in range(n - 1):", "fixed": "    for i in range(n):",
        "context": 'def total(xs, n):\n    """Sum of the first n items."""\n    s = 0\n'
                   "    for i in range(n - 1):  # every index\n        s += xs[i]\n    return s",
        "message": "Fix off-by-one in total()", "line": 4}
    assert java["commit"] == shas["java"] and java["language"] == "java"
    assert (java["buggy"], java["fixed"], java["line"]) == \
        ("        return a - b;", "        return a + b;", 4)
    # apr.lang knows Java: the context is the enclosing method
    assert java["context"] == "int add(int a, int b) {\n        return a - b;\n    }"
    assert lines == [f"mine: calc: {n} commits read, {f} fixes, {p} pairs"
                     for n, f, p in [(2, 2, 1), (4, 4, 1), (6, 5, 2)]]


def test_languages_and_commit_limit(history: tuple[Path, dict[str, str]],
                                    tmp_path: Path) -> None:
    root, _ = history
    out = tmp_path / "py.jsonl"
    assert mine([root], out, MineConfig(languages=("python",))).pairs == 1
    assert mine([root], out, MineConfig(max_commits=3)).pairs == 1  # newest 3: the Java fix
    assert read(out)[0]["language"] == "java"


def test_fix_messages() -> None:
    assert all(map(is_fix_message, ["Fix off-by-one", "fixes #3", "Patched NPE",
                                    "BUG: crash", "handle the error case", "Defect 7"]))
    assert not any(map(is_fix_message, ["Add feature", "prefix handling", "debugging aid",
                                        "Bugfix"]))


def test_hunk_headers() -> None:
    patch = "@@ -3 +3 @@ def f():\n-a\n+b\n@@ -10,2 +9,0 @@\n-c\n-d\n@@ -20,0 +18,3 @@\n"
    assert [(h.old_start, h.old_count, h.new_start, h.new_count) for h in parse_hunks(patch)] \
        == [(3, 1, 3, 1), (10, 2, 9, 0), (20, 0, 18, 3)]


def test_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(NotARepository):
        mine([tmp_path], tmp_path / "out.jsonl")
    with pytest.raises(UsageError, match="rust"):
        MineConfig(languages=("python", "rust"))


def test_cli(history: tuple[Path, dict[str, str]], tmp_path: Path,
             capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = history
    out = tmp_path / "pairs.jsonl"
    assert main(["mine", str(root), "--out", str(out), "--lang", "python,c",
                 "--progress-every", "3"]) == 0
    captured = capsys.readouterr()
    assert "1 pairs from 5 fix commits (7 commits read)" in captured.out
    assert "mine: calc: 6 commits read" in captured.err
    assert [r["file"] for r in read(out)] == ["calc.py"]
    assert main(["mine", str(tmp_path), "--out", str(out)]) == 2
