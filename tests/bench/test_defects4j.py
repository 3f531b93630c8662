"""The Defects4J adapter against a fake installation and the stub ``defects4j`` in fakes/."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from apr.bench import Bug, open_suite
from apr.bench.defects4j import Defects4JSuite, commit_pending, read_trigger_tests
from apr.errors import AprError, UsageError
from tests.conftest import git, write_files

STUB = Path(__file__).parent / "fakes" / "defects4j"
CALC = "src/main/java/org/fake/Calc.java"
FILLER = "".join(f"    public static int id{i}(int x) {{\n        return x;\n    }}\n\n"
                 for i in range(3))


def calc(add: str, negate: str, larger: str) -> str:
    return ("package org.fake;\n\npublic class Calc {\n"
            f"    public static int add(int a, int b) {{\n        return {add};\n    }}\n\n"
            f"{FILLER}"
            f"    public static int negate(int x) {{\n        return {negate};\n    }}\n\n"
            f"{FILLER}"
            f"    public static int max(int a, int b) {{\n        return {larger};\n    }}\n}}\n")


BUG1_BUGGY = calc("a - b", "x", "a > b ? a : b")
FIXED = calc("a + b", "-x", "a > b ? a : b")
BUG2_BUGGY = calc("a + b", "-x", "a < b ? a : b")
TEST = "src/test/java/org/fake/CalcTest.java"
TRIGGER_1 = """--- org.fake.CalcTest::testAdd
junit.framework.AssertionFailedError: expected:<3> but was:<-1>
\tat org.fake.CalcTest.testAdd(CalcTest.java:7)
--- org.fake.CalcTest::testNegate
junit.framework.AssertionFailedError: expected:<-2> but was:<2>
\tat org.fake.CalcTest.testNegate(CalcTest.java:11)
"""


@dataclass(frozen=True)
class FakeD4J:
    root: Path
    revisions: dict[str, str]


def _commit(repo: Path, content: str, message: str) -> str:
    write_files(repo, {CALC: content})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def build_fake(root: Path) -> FakeD4J:
    """A Defects4J root: project Fake (bugs 1, 2, 10), its repository, and the stub CLI."""
    repo = root / "project_repos" / "Fake.git"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "trunk")
    write_files(repo, {TEST: "package org.fake;\n\npublic class CalcTest {}\n",
                       "build.xml": "<project name='fake'/>\n"})
    revs = {"b1": _commit(repo, BUG1_BUGGY, "pre-fix 1"), "f1": _commit(repo, FIXED, "fix 1"),
            "b2": _commit(repo, BUG2_BUGGY, "regress"), "f2": _commit(repo, FIXED, "fix 2")}
    project = root / "framework" / "projects" / "Fake"
    (project / "patches").mkdir(parents=True)
    reverse1 = git(repo, "diff", revs["f1"], revs["b1"], "--", "src/main/java")
    (project / "patches" / "1.src.patch").write_text(reverse1)
    (project / "patches" / "10.src.patch").write_text(reverse1)
    (project / "patches" / "2.src.patch").write_text(
        git(repo, "diff", "--relative=src/main/java", revs["f2"], revs["b2"]))
    (project / "active-bugs.csv").write_text(
        "bug.id,revision.id.buggy,revision.id.fixed,report.id,report.url\n"
        f"10,{revs['b1']},{revs['f1']},FAKE-10,https://example.invalid/FAKE-10\n"
        f"1,{revs['b1']},{revs['f1']},FAKE-1,https://example.invalid/FAKE-1\n"
        f"2,{revs['b2']},{revs['f2']},FAKE-2,https://example.invalid/FAKE-2\n")
    (project / "dir-layout.csv").write_text(
        "".join(f"{revs[k]},src/main/java,src/test/java\n" for k in ("f1", "f2")))
    (project / "trigger_tests").mkdir()
    (project / "trigger_tests" / "1").write_text(TRIGGER_1)
    (project / "trigger_tests" / "2").write_text("--- org.fake.CalcTest::testMax\n\tat x\n")
    install_stub(root / "framework" / "bin")
    return FakeD4J(root, revs)


def install_stub(bin_dir: Path) -> Path:
    """Copy the stub to ``bin_dir/defects4j``, run by this interpreter."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    text = STUB.read_text(encoding="utf-8").split("\n", 1)[1]
    target = bin_dir / "defects4j"
    target.write_text(f"#!{sys.executable}\n{text}", encoding="utf-8")
    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return target


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeD4J:
    made = build_fake(tmp_path / "defects4j")
    monkeypatch.setenv("PATH", f"{made.root / 'framework' / 'bin'}{os.pathsep}"
                       f"{os.environ.get('PATH', '')}")
    return made


def _bug(suite: Defects4JSuite, bug_id: str) -> Bug:
    return next(b for b in suite.bugs() if b.id == bug_id)


def test_bugs_come_from_the_projects_files(fake: FakeD4J) -> None:
    bugs = Defects4JSuite(fake.root).bugs()
    assert [b.id for b in bugs] == ["Fake-1", "Fake-2", "Fake-10"]
    first = bugs[0]
    assert first.language == "java"
    assert first.failing_tests == ("org.fake.CalcTest::testAdd", "org.fake.CalcTest::testNegate")
    assert first.hunks == 2
    assert first.test_command == "defects4j test"
    assert first.description == "https://example.invalid/FAKE-1"
    assert bugs[1].failing_tests == ("org.fake.CalcTest::testMax",)
    assert bugs[1].hunks == 1
    assert bugs[2].failing_tests == ()  # no trigger_tests/10


def test_registry_opens_the_suite(fake: FakeD4J) -> None:
    suite = open_suite("defects4j", fake.root)
    assert suite.name == "defects4j"
    assert len(suite.bugs()) == 3


def test_checkout_is_a_clean_repo_at_the_buggy_version(fake: FakeD4J, tmp_path: Path) -> None:
    suite = Defects4JSuite(fake.root)
    dest = suite.checkout(_bug(suite, "Fake-1"), tmp_path / "co")
    assert (dest / CALC).read_text() == BUG1_BUGGY
    assert (dest / TEST).exists()
    assert git(dest, "status", "--porcelain", "--untracked-files=all") == ""
    assert "D4J_Fake_1_BUGGY_VERSION" in git(dest, "tag", "--points-at", "HEAD")


def test_checkout_refuses_a_non_empty_destination(fake: FakeD4J, tmp_path: Path) -> None:
    suite = Defects4JSuite(fake.root)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("x")
    with pytest.raises(UsageError, match="not an empty directory"):
        suite.checkout(_bug(suite, "Fake-1"), tmp_path / "busy")


@pytest.mark.parametrize(("bug_id", "buggy"), [("Fake-1", BUG1_BUGGY), ("Fake-2", BUG2_BUGGY)])
def test_developer_patch_turns_the_checkout_into_the_fix(fake: FakeD4J, tmp_path: Path,
                                                         bug_id: str, buggy: str) -> None:
    suite = Defects4JSuite(fake.root)
    bug = _bug(suite, bug_id)
    dest = suite.checkout(bug, tmp_path / "co")
    patch = suite.developer_patch(bug)
    assert patch.startswith(f"diff --git a/{CALC} b/{CALC}\n")  # from the checkout root
    assert (dest / CALC).read_text() == buggy
    (tmp_path / "fix.patch").write_text(patch)
    git(dest, "apply", str(tmp_path / "fix.patch"))
    assert (dest / CALC).read_text() == FIXED


def test_developer_patch_without_a_checkout_checks_out_on_its_own(fake: FakeD4J,
                                                                  tmp_path: Path) -> None:
    suite = Defects4JSuite(fake.root)
    patch = suite.developer_patch(_bug(suite, "Fake-2"))
    assert f"-        return {'a < b ? a : b'};" in patch
    assert f"+        return {'a > b ? a : b'};" in patch
    other = Defects4JSuite(fake.root)
    dest = other.checkout(_bug(other, "Fake-2"), tmp_path / "co")
    (tmp_path / "fix.patch").write_text(patch)
    git(dest, "apply", "--check", str(tmp_path / "fix.patch"))


def test_missing_defects4j_is_a_usage_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    made = build_fake(tmp_path / "defects4j")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(UsageError, match="defects4j not found on PATH: install Defects4J"):
        Defects4JSuite(made.root)


def test_failed_checkout_reports_the_command(fake: FakeD4J, tmp_path: Path) -> None:
    suite = Defects4JSuite(fake.root)
    bug = _bug(suite, "Fake-1")
    (fake.root / "project_repos" / "Fake.git").rename(fake.root / "project_repos" / "gone")
    with pytest.raises(AprError, match="defects4j checkout of Fake-1 failed .exit 1.: Error"):
        suite.checkout(bug, tmp_path / "co")


def test_a_path_that_is_not_defects4j(fake: FakeD4J, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a Defects4J root"):
        Defects4JSuite(tmp_path)
    with pytest.raises(UsageError, match="language 'python'"):
        Defects4JSuite(fake.root, "python")


def test_bad_active_bugs_csv(fake: FakeD4J) -> None:
    table = fake.root / "framework" / "projects" / "Fake" / "active-bugs.csv"
    table.write_text("bug.id,revision.id.buggy,revision.id.fixed\nLang,x,y\n")
    with pytest.raises(UsageError, match="bug.id 'Lang' is not a number"):
        Defects4JSuite(fake.root)
    table.write_text("id,buggy\n1,x\n")
    with pytest.raises(UsageError, match="needs the columns"):
        Defects4JSuite(fake.root)


def test_trigger_tests_skip_traces_and_repeats(tmp_path: Path) -> None:
    path = tmp_path / "3"
    path.write_text("--- a.B::c\r\n\tat a.B.c(B.java:1)\r\n--- a.B::c\r\n--- a.D::e\r\n")
    assert read_trigger_tests(path) == ("a.B::c", "a.D::e")
    assert read_trigger_tests(tmp_path / "missing") == ()


def test_commit_pending_commits_untracked_state(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_files(repo, {"A.java": "class A {}\n"})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    write_files(repo, {"A.java": "class A { }\n", "build/Out.txt": "log\n"})
    commit_pending(repo, "pending")
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(repo, "log", "--format=%s").split() == ["pending", "first"]
    commit_pending(repo, "again")  # clean: nothing to commit
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "2"
    plain = tmp_path / "plain"
    write_files(plain, {"B.java": "class B {}\n"})
    commit_pending(plain, "only")
    assert git(plain, "log", "--format=%s").strip() == "only"
