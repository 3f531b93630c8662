"""benchmarks/realbugs/java.py: Defects4J bugs rebuilt from a fake Defects4J tree and a git repo."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from apr.bench.manifest import ManifestSuite
from tests.conftest import git, write_files

RECIPE = Path(__file__).resolve().parents[2] / "benchmarks" / "realbugs" / "java.py"
CALC = "src/main/java/org/fake/Calc.java"
TEST = "src/test/java/org/fake/CalcTest.java"
FIXED = "package org.fake;\n\npublic class Calc {\n    public static int add(int a, int b) {\n" \
        "        return a + b;\n    }\n}\n"
BUGGY = FIXED.replace("a + b", "a - b")
CALC_TEST = """package org.fake;

import org.junit.Test;
import static org.junit.Assert.assertEquals;

public class CalcTest {
    @Test
    public void testAdd() {
        assertEquals(3, Calc.add(1, 2));
    }

    @Test(timeout = 1000)
    public void testBroken() {
        String s = "}{ // not a comment";
        char c = '}';
        /* } */
        assertEquals(s, "}");
    }
}
"""


@pytest.fixture(scope="module")
def recipe() -> ModuleType:
    spec = importlib.util.spec_from_file_location("realbugs_java", RECIPE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def fake(root: Path) -> tuple[Path, Path, str]:
    """(Defects4J root, clones dir, fixed revision): project Fake, bug 1 in Calc.add."""
    repo = root / "clones" / "fake-repo"
    write_files(repo, {CALC: BUGGY, TEST: CALC_TEST, "pom.xml": "<project/>\n"})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "buggy")
    buggy = git(repo, "rev-parse", "HEAD").strip()
    write_files(repo, {CALC: FIXED})
    git(repo, "commit", "-q", "-am", "fix")
    fixed = git(repo, "rev-parse", "HEAD").strip()
    reverse = git(repo, "diff", fixed, buggy)
    project = root / "d4j" / "framework" / "projects" / "Fake"
    write_files(project, {
        "active-bugs.csv": "bug.id,revision.id.buggy,revision.id.fixed,report.id,report.url\n"
                           f"1,{buggy},{fixed},FAKE-1,https://example.org/FAKE-1\n",
        "dir-layout.csv": f"{fixed},src/main/java,src/test/java\n",
        "trigger_tests/1": "--- org.fake.CalcTest::testAdd\njava.lang.AssertionError\n"
                           "\tat org.fake.CalcTest.testAdd(CalcTest.java:9)\n",
        "lib/dep/dep-1.0.jar": "not really a jar\n"})
    (project / "patches").mkdir()
    (project / "patches" / "1.src.patch").write_text(reverse)
    return root / "d4j", root / "clones", fixed


def test_bug_list_merges_project_defaults(recipe: ModuleType, tmp_path: Path) -> None:
    listing = tmp_path / "bugs.txt"
    listing.write_text("# comment\nFake repo=fake-repo release=11 # trailing\n\n"
                       "Fake-1 release=8 tests=src/test/java/org\nOther-2\n")
    specs = recipe.read_bugs(listing)
    assert [s.id for s in specs] == ["Fake-1", "Other-2"]
    assert specs[0].keys == {"repo": "fake-repo", "release": "8", "tests": "src/test/java/org"}
    assert specs[1].keys == {}
    listing.write_text("Fake-1 colour=red\n")
    with pytest.raises(SystemExit, match="bad word 'colour=red'"):
        recipe.read_bugs(listing)


def test_remove_test_deletes_the_method_and_its_annotations(recipe: ModuleType,
                                                            tmp_path: Path) -> None:
    write_files(tmp_path, {"org/fake/CalcTest.java": CALC_TEST})
    recipe.remove_test(tmp_path, "org.fake.CalcTest#testBroken", "utf-8")
    text = (tmp_path / "org/fake/CalcTest.java").read_text()
    assert "testBroken" not in text and "timeout" not in text
    assert text.endswith("        assertEquals(3, Calc.add(1, 2));\n    }\n\n}\n")
    with pytest.raises(SystemExit, match="no method testGone"):
        recipe.remove_test(tmp_path, "org.fake.CalcTest#testGone", "utf-8")


def test_build_writes_a_manifest_bug(recipe: ModuleType, tmp_path: Path) -> None:
    d4j, clones, fixed = fake(tmp_path)
    listing = tmp_path / "bugs.txt"
    listing.write_text("Fake repo=fake-repo jars=dep/dep-1.0.jar\n"
                       "Fake-1 broken=org.fake.CalcTest#testBroken\n")
    suite = tmp_path / "suite"
    assert recipe.main(["--defects4j", str(d4j), "--clones", str(clones), "--out", str(suite),
                        "--bugs-file", str(listing)]) == 0
    bug_dir = suite / "Fake-1"
    assert (bug_dir / "buggy" / CALC).read_text() == BUGGY
    assert (bug_dir / "buggy" / "lib" / "dep-1.0.jar").exists()
    assert "testBroken" not in (bug_dir / "buggy" / TEST).read_text()
    patch = (bug_dir / "fix.patch").read_text()
    assert patch.startswith(f"diff --git a/{CALC} b/{CALC}")
    assert "-        return a - b;\n+        return a + b;" in patch
    loaded = ManifestSuite(suite)
    [bug] = loaded.bugs()
    assert bug.id == "Fake-1" and bug.language == "java" and bug.driver == "junit"
    assert bug.failing_tests == ("org.fake.CalcTest#testAdd",)
    assert bug.hunks == 1
    assert bug.test_command == "main=src/main/java test=src/test/java release=8"
    assert fixed in bug.description and "FAKE-1" in bug.description
    assert (bug_dir / "buggy" / "pom.xml").exists()  # build files stay; driver = "junit"


def test_test_command_names_the_encoding_the_driver_takes(recipe: ModuleType) -> None:
    spec = recipe.Spec("Fake", 1, {"encoding": "ISO-8859-1", "tests": "src/test/java/org/x",
                                   "classpath": "src/test", "release": "7"})
    assert recipe.driver_takes_encoding()  # apr's junit driver has `encoding=`
    assert recipe.test_command(spec, "src/main/java", "src/test/java") == (
        "main=src/main/java test=src/test/java/org/x release=7 classpath=src/test "
        "encoding=ISO-8859-1")
