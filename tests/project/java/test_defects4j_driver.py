"""The defects4j driver against a stub ``defects4j`` (the real one needs its own downloads).

The stub compiles with javac like the real ``defects4j compile`` (into ``build/``), and answers
``export``; its ``test`` decides outcomes by rule: a test listed in ``.stub-tests`` fails while
its "needle" text is in the code, and the stub writes Defects4J's ``failing_tests`` file.
"""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound
from apr.model import TestStatus
from apr.project import make_driver
from apr.project.defects4j_driver import Defects4JDriver, read_failing_tests
from apr.project.workspace import Snapshot, UserRepo, Workspace
from tests.conftest import RepoFactory
from tests.project.java.conftest import java_tools, needs_jacoco

STUB = '''
import os, subprocess, sys
from pathlib import Path

JARS = os.environ["STUB_JUNIT"].split(os.pathsep)
EXPORTS = {"dir.src.classes": "src/main/java", "dir.src.tests": "src/test/java",
           "dir.bin.classes": "build/classes", "tests.all": "demo.CalcTest",
           "cp.test": os.pathsep.join(["build/classes", "build/tests", *JARS])}

def files(folder):
    return [str(p) for p in sorted(Path(folder).rglob("*.java"))]

def main(args):
    command = args[0]
    if command == "compile":
        ok = subprocess.run(["javac", "-nowarn", "-d", "build/classes", *files("src/main/java")])
        if ok.returncode:
            return 1
        return subprocess.run(["javac", "-nowarn", "-d", "build/tests", "-cp",
                               os.pathsep.join(["build/classes", *JARS]),
                               *files("src/test/java")]).returncode
    if command == "export":
        value = EXPORTS[args[args.index("-p") + 1]]
        if "-o" in args:
            Path(args[args.index("-o") + 1]).write_text(value)
        else:
            print(value)
        return 0
    if command == "test":
        only = args[args.index("-t") + 1] if "-t" in args else None
        code = "\\n".join(Path(f).read_text() for f in files("src/main/java"))
        failing = []
        for line in Path(".stub-tests").read_text().splitlines():
            test, needle = line.split("|")
            if (only is None or only == test) and needle in code:
                failing.append(test)
        with open("failing_tests", "w") as fh:
            for test in failing:
                fh.write(f"--- {test}\\njunit.framework.AssertionFailedError: boom\\n"
                         "\\tat demo.Calc.inc(Calc.java:6)\\n"
                         f"\\tat demo.CalcTest.big(CalcTest.java:11)\\n")
        print(f"Failing tests: {len(failing)}")
        return 0
    print("usage", file=sys.stderr)
    return 1

sys.exit(main(sys.argv[1:]))
'''

PROJECT = {
    ".defects4j.config": "pid=Demo\nvid=1b\n",
    ".stub-tests": "demo.CalcTest::big|x - 1\n",
    "src/main/java/demo/Calc.java": """
        package demo;

        public class Calc {
            public static int inc(int x) {
                if (x > 5) {
                    return x - 1;
                }
                return x + 1;
            }
        }
        """,
    "src/test/java/demo/CalcTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Test;

        public class CalcTest {
            @Test
            public void small() {
                assertEquals(2, Calc.inc(1));
            }

            @Test
            public void big() {
                assertEquals(11, Calc.inc(10));
            }
        }
        """,
}


@pytest.fixture
def stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tools = java_tools()
    if tools is None:
        pytest.skip("needs javac and JUnit 4 jars (apt-get install junit4 libhamcrest-java)")
    script = tmp_path / "bin" / "defects4j"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(STUB))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("STUB_JUNIT", os.pathsep.join(map(str, tools.junit)))
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return script


@pytest.fixture
def workspace(make_repo: RepoFactory) -> Iterator[Workspace]:
    with Snapshot(UserRepo.locate(make_repo(PROJECT))) as snap:
        yield snap.workspace("w")


def test_read_failing_tests(tmp_path: Path) -> None:
    (tmp_path / "failing_tests").write_text(
        "--- a.BTest::one\njava.lang.AssertionError\n\tat a.B.f(B.java:3)\n--- a.BTest::two\n")
    assert read_failing_tests(tmp_path / "failing_tests") == {
        "a.BTest::one": "java.lang.AssertionError\n\tat a.B.f(B.java:3)", "a.BTest::two": ""}
    assert read_failing_tests(tmp_path / "absent") == {}


def test_missing_program_is_reported(workspace: Workspace) -> None:
    driver = Defects4JDriver("/nonexistent/defects4j test")
    with pytest.raises(TestCommandNotFound, match="Defects4J"):
        driver.run(workspace.project_dir, workspace.root, timeout=30)


def test_selected_tests_and_whole_suite(stub: Path, workspace: Workspace) -> None:
    driver = make_driver(None, workspace.project_dir, "java", "defects4j test")
    assert driver.name == "defects4j"
    root = workspace.project_dir
    one = driver.run(root, workspace.root, ["demo.CalcTest::big", "demo.CalcTest::small"],
                     timeout=120)
    assert one.outcomes == {"demo.CalcTest::big": TestStatus.FAILED,
                            "demo.CalcTest::small": TestStatus.PASSED}
    assert "demo.Calc.inc(Calc.java:6)" in one.traces["demo.CalcTest::big"]
    whole = driver.run(root, workspace.root, timeout=120)
    assert whole.failing == ("demo.CalcTest::big",)
    assert driver.is_test_file("src/test/java/demo/CalcTest.java")
    main = "src/main/java/demo/Calc.java"
    workspace.write(main, workspace.snapshot.read(main).replace(b"x - 1", b"x + 1"))
    fixed = driver.run(root, workspace.root, timeout=120)
    assert fixed.outcomes == {"demo.CalcTest": TestStatus.PASSED}
    workspace.write(main, workspace.snapshot.read(main).replace(b"x - 1", b"x -* 1"))
    broken = driver.run(root, workspace.root, ["demo.CalcTest::big"], timeout=120)
    assert broken.errors and broken.outcomes == {}


@needs_jacoco
def test_baseline_coverage_through_the_runner(stub: Path, workspace: Workspace) -> None:
    driver = Defects4JDriver("defects4j test")
    run = driver.run(workspace.project_dir, workspace.root, coverage=True, timeout=120,
                     test_timeout=10)
    assert run.outcomes == {"demo.CalcTest::big": TestStatus.FAILED,
                            "demo.CalcTest::small": TestStatus.PASSED}
    assert run.coverage["demo.CalcTest::big"] == {"src/main/java/demo/Calc.java": (5, 6)}
