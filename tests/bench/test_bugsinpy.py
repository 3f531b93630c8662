"""The BugsInPy adapter against a fake BugsInPy checkout and a local clone built in tmp_path."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from apr.bench import open_suite
from apr.bench.base import Bug
from apr.bench.bugsinpy import BugInfo, BugsInPySuite, parse_info, read_run_test
from apr.errors import UsageError
from tests.conftest import git, write_files

OPS_BUGGY = '''"""Arithmetic helpers."""


def divide(a, b):
    """a / b, or None when b is zero."""
    return a / b


def double(x):
    return x * 2
'''
OPS_FIXED = OPS_BUGGY.replace("    return a / b\n", "    if b == 0:\n        return None\n"
                              "    return a / b\n")
TESTS_BUGGY = '''import unittest

from calc.ops import divide, double


class OpsTest(unittest.TestCase):
    def test_double(self):
        self.assertEqual(double(2), 4)

    def test_divide(self):
        self.assertEqual(divide(6, 3), 2)
'''
TESTS_FIXED = TESTS_BUGGY + '''
    def test_divide_by_zero(self):
        self.assertIsNone(divide(1, 0))
'''
BUG_INFO = ('python_version="3.8.1"\r\n'
            "# a comment\r\n"
            "\r\n"
            'buggy_commit_id="{buggy}"\r\n'
            'fixed_commit_id ="{fixed}"\r\n'
            'test_file="tests/test_ops.py"\r\n')


@dataclass(frozen=True)
class FakeBugsInPy:
    root: Path
    clones: Path
    buggy: str
    fixed: str


def build_fake(base: Path) -> FakeBugsInPy:
    """BugsInPy project ``calc`` (bugs 1 and 2, same commits) and its clone in clones/calc."""
    clone = base / "clones" / "calc"
    clone.mkdir(parents=True)
    git(clone, "init", "-q", "-b", "main")
    write_files(clone, {"calc/__init__.py": "", "calc/ops.py": OPS_BUGGY,
                        "tests/__init__.py": "", "tests/test_ops.py": TESTS_BUGGY,
                        "scripts/check.sh": "#!/bin/sh\necho ok\n"})
    (clone / "scripts" / "check.sh").chmod(0o755)
    os.symlink("calc/ops.py", clone / "ops_link.py")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "buggy")
    write_files(clone, {"calc/ops.py": OPS_FIXED, "tests/test_ops.py": TESTS_FIXED})
    git(clone, "commit", "-q", "-am", "fix divide by zero")
    buggy, fixed = git(clone, "rev-parse", "HEAD~1", "HEAD").split()
    project = base / "BugsInPy" / "projects" / "calc"
    write_files(project, {"project.info": 'github_url="https://github.com/example/Calc"\n'
                                          'status="OK"\ncause="N.A."\n'})
    patch = git(clone, "diff", buggy, fixed, "--", "calc")
    one, two = project / "bugs" / "1", project / "bugs" / "2"
    for bug in (one, two):
        bug.mkdir(parents=True)
        (bug / "requirements.txt").write_text("")
    (one / "bug.info").write_bytes(BUG_INFO.format(buggy=buggy, fixed=fixed).encode())
    (one / "bug_patch.txt").write_text(patch)
    (one / "run_test.sh").write_text("pytest -q -s tests/test_ops.py::OpsTest::"
                                     "test_divide_by_zero\n")
    (two / "bug.info").write_text(f"buggy_commit_id={buggy[:7]}\nfixed_commit_id = '{fixed}'\n"
                                  "test_file=tests/test_ops.py;tests/__init__.py\n")
    # damaged context: the patch no longer applies as it is; the adapter asks git instead
    (two / "bug_patch.txt").write_text(patch.replace(' """a / b', ' """a/b'))
    (two / "run_test.sh").write_text("python -m unittest -q tests.test_ops.OpsTest."
                                     "test_divide_by_zero")
    return FakeBugsInPy(base / "BugsInPy", base / "clones", buggy, fixed)


@pytest.fixture
def fake(tmp_path: Path) -> FakeBugsInPy:
    return build_fake(tmp_path)


def _bug(suite: BugsInPySuite, bug_id: str) -> Bug:
    return next(b for b in suite.bugs() if b.id == bug_id)


def test_parse_info_is_tolerant() -> None:
    text = ('\ufeffpython_version="3.8.1"\r\n\r\n# note\r\nfixed_commit_id ="abc"\r\n'
            "buggy_commit_id = 'def'  \r\ntest_file=a.py;b.py # trailing\r\nnot a pair\r\n"
            'pythonpath=""\r\n')
    assert parse_info(text) == {"python_version": "3.8.1", "fixed_commit_id": "abc",
                                "buggy_commit_id": "def", "test_file": "a.py;b.py",
                                "pythonpath": ""}
    info = BugInfo.parse(text, Path("bug.info"))
    assert (info.buggy_commit, info.fixed_commit) == ("def", "abc")
    assert info.test_files == ("a.py", "b.py")
    assert info.pythonpath == ()
    with pytest.raises(UsageError, match="missing buggy_commit_id"):
        BugInfo.parse('fixed_commit_id="abc"', Path("bug.info"))


@pytest.mark.parametrize(("script", "ids", "command"), [
    ("pytest -q -s tests/test_a.py::test_x\n", ("tests/test_a.py::test_x",),
     "python -m pytest tests/test_a.py"),
    ("python3 -m pytest -k 'not slow' a/test_b.py::T::test_y\r\npy.test a/test_c.py::test_z\n",
     ("a/test_b.py::T::test_y", "a/test_c.py::test_z"), "python -m pytest a/test_b.py a/test_c.py"),
    ("tox tests/test_a.py::test_x\n# a comment\n\nLANG=C pytest ./tests/test_a.py::test_w",
     ("tests/test_a.py::test_x", "tests/test_a.py::test_w"), "python -m pytest tests/test_a.py"),
    ("python -m unittest -q tests.test_a.T.test_x\npython -m unittest tests.test_a\n",
     ("tests/test_a.py::T::test_x", "tests/test_a.py"), "python -m pytest tests/test_a.py"),
    ("python -m unittest -q other.module.T.test_x\n", ("other.module.T.test_x",), None),
    ("make test\n", (), None),
])
def test_run_test_lines_become_node_ids(script: str, ids: tuple[str, ...],
                                        command: str | None) -> None:
    spec = read_run_test(script, ("tests/data/x.py", "tests/test_a.py"))
    assert spec.ids == ids
    assert spec.command == command


def test_unittest_ids_use_the_longest_matching_module() -> None:
    spec = read_run_test("python -m unittest pkg.tests.test_a.T.test_x",
                         ("pkg/tests.py", "pkg/tests/test_a.py"))
    assert spec.ids == ("pkg/tests/test_a.py::T::test_x",)


def test_bugs_come_from_the_bug_directories(fake: FakeBugsInPy) -> None:
    bugs = BugsInPySuite(fake.root, clones=fake.clones, python="python3.8").bugs()
    assert [b.id for b in bugs] == ["calc-1", "calc-2"]
    one, two = bugs
    assert one.language == "python"
    assert one.failing_tests == ("tests/test_ops.py::OpsTest::test_divide_by_zero",)
    assert one.test_command == "python3.8 -m pytest tests/test_ops.py"
    assert one.hunks == 1
    assert one.description == f"https://github.com/example/Calc/commit/{fake.fixed}"
    assert two.failing_tests == ("tests/test_ops.py::OpsTest::test_divide_by_zero",)


def test_checkout_is_the_buggy_tree_with_the_fixed_tests(fake: FakeBugsInPy,
                                                         tmp_path: Path) -> None:
    suite = BugsInPySuite(fake.root, clones=fake.clones)
    dest = suite.checkout(_bug(suite, "calc-1"), tmp_path / "co")
    assert (dest / "calc" / "ops.py").read_text() == OPS_BUGGY
    assert (dest / "tests" / "test_ops.py").read_text() == TESTS_FIXED
    assert git(dest, "rev-list", "--count", "HEAD").strip() == "1"  # no history to peek at
    assert git(dest, "status", "--porcelain", "--untracked-files=all") == ""
    assert os.access(dest / "scripts" / "check.sh", os.X_OK)
    assert os.readlink(dest / "ops_link.py") == "calc/ops.py"


def test_the_trigger_test_fails_before_and_passes_after_the_patch(fake: FakeBugsInPy,
                                                                  tmp_path: Path) -> None:
    suite = BugsInPySuite(fake.root, clones=fake.clones)
    bug = _bug(suite, "calc-1")
    dest = suite.checkout(bug, tmp_path / "co")
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *bug.failing_tests]
    assert subprocess.run(argv, cwd=dest, capture_output=True).returncode == 1
    (tmp_path / "fix.patch").write_text(suite.developer_patch(bug))
    git(dest, "apply", str(tmp_path / "fix.patch"))
    assert subprocess.run(argv, cwd=dest, capture_output=True).returncode == 0


@pytest.mark.parametrize("bug_id", ["calc-1", "calc-2"])
def test_developer_patch_applies_to_the_checkout(fake: FakeBugsInPy, tmp_path: Path,
                                                 bug_id: str) -> None:
    suite = BugsInPySuite(fake.root, clones=fake.clones)
    bug = _bug(suite, bug_id)
    dest = suite.checkout(bug, tmp_path / "co")
    patch = suite.developer_patch(bug)
    assert patch == git(fake.clones / "calc", "diff", fake.buggy, fake.fixed, "--", "calc")
    (tmp_path / "fix.patch").write_text(patch)
    git(dest, "apply", str(tmp_path / "fix.patch"))
    assert (dest / "calc" / "ops.py").read_text() == OPS_FIXED


def test_a_patch_for_files_the_fix_does_not_change(fake: FakeBugsInPy) -> None:
    bug_dir = fake.root / "projects" / "calc" / "bugs" / "1"
    text = (bug_dir / "bug_patch.txt").read_text()
    (bug_dir / "bug_patch.txt").write_text(text.replace("calc/ops.py", "calc/other.py"))
    suite = BugsInPySuite(fake.root, clones=fake.clones)
    with pytest.raises(UsageError, match="does not apply to calc-1's buggy version"):
        suite.developer_patch(_bug(suite, "calc-1"))


def test_a_missing_clone_is_named(fake: FakeBugsInPy, tmp_path: Path) -> None:
    suite = BugsInPySuite(fake.root, clones=tmp_path / "nowhere")
    with pytest.raises(UsageError, match=r"no clone of calc at .*nowhere/calc: clone it first "
                       r"\(git clone https://github.com/example/Calc "):
        suite.checkout(_bug(suite, "calc-1"), tmp_path / "co")


def test_the_clone_may_carry_the_repository_name(fake: FakeBugsInPy, tmp_path: Path) -> None:
    (fake.clones / "calc").rename(fake.clones / "Calc")
    suite = BugsInPySuite(fake.root, clones=fake.clones)
    dest = suite.checkout(_bug(suite, "calc-1"), tmp_path / "co")
    assert (dest / "calc" / "ops.py").read_text() == OPS_BUGGY


def test_a_commit_missing_from_the_clone(fake: FakeBugsInPy, tmp_path: Path) -> None:
    info = fake.root / "projects" / "calc" / "bugs" / "1" / "bug.info"
    info.write_text(f'buggy_commit_id="{"0" * 40}"\nfixed_commit_id="{fake.fixed}"\n')
    suite = BugsInPySuite(fake.root, clones=fake.clones)
    with pytest.raises(UsageError, match="calc-1: commit 0+ is not in the clone"):
        suite.checkout(_bug(suite, "calc-1"), tmp_path / "co")


def test_registry_reads_the_clones_from_the_environment(fake: FakeBugsInPy, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APR_BUGSINPY_CLONES", str(fake.clones))
    suite = open_suite("bugsinpy", fake.root)
    assert suite.name == "bugsinpy"
    expected = shlex.join([sys.executable, "-m", "pytest", "tests/test_ops.py"])
    assert suite.bugs()[0].test_command == expected  # the interpreter running apr
    dest = suite.checkout(suite.bugs()[0], tmp_path / "co")
    assert (dest / "calc" / "ops.py").read_text() == OPS_BUGGY


def test_a_path_that_is_not_bugsinpy(fake: FakeBugsInPy, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a BugsInPy checkout"):
        BugsInPySuite(tmp_path / "empty")
    with pytest.raises(UsageError, match="language 'java'"):
        BugsInPySuite(fake.root, language="java")
    (fake.root / "projects" / "calc" / "bugs" / "2" / "bug_patch.txt").unlink()
    with pytest.raises(UsageError, match="calc-2: .*bug_patch.txt is missing"):
        BugsInPySuite(fake.root)


def test_python_template_gives_each_project_its_interpreter(fake: FakeBugsInPy,
                                                            tmp_path: Path) -> None:
    template = str(tmp_path / "envs" / "{project}-{python_version}" / "bin" / "python")
    bug = BugsInPySuite(fake.root, clones=fake.clones, python=template).bugs()[0]
    expected = tmp_path / "envs" / "calc-3.8.1" / "bin" / "python"
    assert bug.test_command == shlex.join([str(expected), "-m", "pytest", "tests/test_ops.py"])


def test_python_relative_path_is_made_absolute_and_a_name_is_kept(
        fake: FakeBugsInPy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bug = BugsInPySuite(fake.root, clones=fake.clones, python="envs/{project}/bin/python").bugs()[0]
    assert shlex.split(bug.test_command or "")[0] == str(tmp_path / "envs/calc/bin/python")
    bug = BugsInPySuite(fake.root, clones=fake.clones, python="python{python_version}").bugs()[0]
    assert shlex.split(bug.test_command or "")[0] == "python3.8.1"


@pytest.mark.parametrize("template", ["envs/{bug}/bin/python", "envs/{project/python", "{0}"])
def test_python_template_with_another_field(fake: FakeBugsInPy, template: str) -> None:
    with pytest.raises(UsageError, match=r"bad template .*\{project\} and \{python_version\}"):
        BugsInPySuite(fake.root, clones=fake.clones, python=template)


def test_registry_takes_clones_and_python(fake: FakeBugsInPy, tmp_path: Path) -> None:
    suite = open_suite("bugsinpy", fake.root, clones=str(fake.clones),
                       python=str(tmp_path / "{project}" / "python"))
    bug = suite.bugs()[0]
    assert bug.test_command == shlex.join([str(tmp_path / "calc" / "python"), "-m", "pytest",
                                           "tests/test_ops.py"])
    dest = suite.checkout(bug, tmp_path / "co")
    assert (dest / "calc" / "ops.py").read_text() == OPS_BUGGY
    with pytest.raises(UsageError, match="manifest does not take --python"):
        open_suite("manifest", None, python="python3")


def test_the_cli_passes_clones_and_python(fake: FakeBugsInPy, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from apr.cli import main

    code = main(["bench", "list", "bugsinpy", "--path", str(fake.root), "--clones",
                 str(fake.clones), "--python", str(tmp_path / "{project}" / "python")])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("calc-1\tpython\t1\t")
    code = main(["bench", "list", "bugsinpy", "--path", str(fake.root), "--clones",
                 str(fake.clones), "--python", "{bug}/python"])
    assert code == 2  # the template reached the suite, which rejects its field
    assert "bad template" in capsys.readouterr().err


def test_a_plausible_patch_is_judged_in_a_checkout_with_a_dangling_symlink(
        fake: FakeBugsInPy, tmp_path: Path) -> None:
    from apr.bench.runner import judge_patch

    suite = BugsInPySuite(fake.root, clones=fake.clones)
    bug = _bug(suite, "calc-1")
    dest = suite.checkout(bug, tmp_path / "co")
    os.symlink("generated/missing.md", dest / "docs.md")  # as black's docs/*.md
    patch = suite.developer_patch(bug)
    assert judge_patch(dest, patch, patch, "python") == (True, True)
