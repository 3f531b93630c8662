"""The gradle driver (against a stub `gradle`) and the maven driver (real `mvn -o`, offline)."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from apr.errors import ProjectBroken
from apr.model import TestStatus
from apr.project import make_driver
from apr.project.maven import MavenDriver, arg_line, read_reports, selection
from apr.project.workspace import Snapshot, UserRepo
from tests.project.java.conftest import BENCHMARKS, needs_maven

REPORT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="demo.CalcTest" tests="3">
  <testcase name="small" classname="demo.CalcTest" time="0.012"/>
  <testcase name="big" classname="demo.CalcTest" time="0.5">
    <failure message="expected: &lt;11&gt; but was: &lt;9&gt;"
             type="org.opentest4j.AssertionFailedError">
org.opentest4j.AssertionFailedError: expected: &lt;11&gt; but was: &lt;9&gt;
	at demo.Calc.inc(Calc.java:6)
    </failure>
  </testcase>
  <testcase name="later" classname="demo.CalcTest" time="0"><skipped/></testcase>
</testsuite>
"""

STUB = '''
import sys
from pathlib import Path

if any("broken" in a for a in sys.argv):
    print("Compilation failed; see the compiler error output for details.")
    sys.exit(1)
folder = Path("build/test-results/test")
folder.mkdir(parents=True, exist_ok=True)
(folder / "TEST-demo.CalcTest.xml").write_text(REPORT)
sys.exit(1)
'''


def test_reports_are_read(tmp_path: Path) -> None:
    (tmp_path / "TEST-demo.CalcTest.xml").write_text(REPORT)
    outcomes, durations, traces = read_reports(tmp_path)
    assert outcomes == {"demo.CalcTest#small": TestStatus.PASSED,
                        "demo.CalcTest#big": TestStatus.FAILED,
                        "demo.CalcTest#later": TestStatus.SKIPPED}
    assert durations["demo.CalcTest#big"] == 0.5
    assert "at demo.Calc.inc(Calc.java:6)" in traces["demo.CalcTest#big"]


def test_maven_flags() -> None:
    flags = selection(["a.BTest#one", "a.BTest#two", "a.CTest"], fail_fast=True)
    assert "-Dtest=a.BTest#one+two,a.CTest" in flags
    assert "-Dsurefire.skipAfterFailureCount=1" in flags
    assert arg_line(2.4, None, None) == ["-DargLine=-Djunit.jupiter.execution.timeout.default=2s"]
    assert arg_line(None, None, None) == []


def test_gradle_without_gradle_needs_the_junit_way_for_other_jars(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "build.gradle").write_text(
        "dependencies {\n  testImplementation 'junit:junit:4.13.2'\n"
        "  implementation \"com.google.guava:guava:33.0-jre\"\n}\n")
    driver = make_driver(None, tmp_path, "java", None)
    with pytest.raises(ProjectBroken, match="com.google.guava:guava.*--driver junit") as info:
        driver.run(tmp_path, tmp_path, timeout=60)
    assert "\n" not in str(info.value) and "gradle is not on PATH" in str(info.value)


def test_gradle_stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "gradle"
    script.write_text(f"#!{sys.executable}\nREPORT = {REPORT!r}\n" + textwrap.dedent(STUB))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    project = tmp_path / "p"
    (project / "src/main/java/demo").mkdir(parents=True)
    (project / "src/main/java/demo/Calc.java").write_text("package demo;\nclass Calc {}\n")
    (project / "build.gradle").write_text("")
    driver = make_driver(None, project, "java", None)
    assert driver.name == "gradle"
    run = driver.run(project, project, timeout=60)
    assert run.failing == ("demo.CalcTest#big",) and run.errors == ()
    broken = driver.run(project, project, ["demo.CalcTest#broken"], timeout=60)
    assert broken.outcomes == {} and "Compilation failed" in broken.errors[0]


@needs_maven
@pytest.mark.slow
def test_maven_offline_outcomes_and_coverage(tmp_path: Path) -> None:
    source = BENCHMARKS / "maven-csv-quote-first-char" / "buggy"
    repo = tmp_path / "repo"
    shutil.copytree(source, repo)
    os.system(f"cd {repo} && git init -q && git add -A && git -c user.name=t -c user.email=t@t "
              "commit -qm buggy")
    with Snapshot(UserRepo.locate(repo)) as snap:
        ws = snap.workspace("w")
        driver = MavenDriver()
        run = driver.run(ws.project_dir, ws.root, coverage=True, timeout=600, test_timeout=10)
        failing = ("com.example.csv.CsvWriterTest#fieldStartingWithSeparatorIsQuoted",
                   "com.example.csv.CsvWriterTest#rowWithLeadingSeparatorInCell")
        assert run.failing == failing and len(run.outcomes) == 9 and run.errors == ()
        main = "src/main/java/com/example/csv/CsvWriter.java"
        assert 22 in run.coverage[failing[0]][main]
        one = driver.run(ws.project_dir, ws.root, [failing[0]], fail_fast=True, timeout=600)
        assert one.outcomes == {failing[0]: TestStatus.FAILED}
        ws.write(main, snap.read(main).replace(b"quote = value", b"quote = = value"))
        broken = driver.run(ws.project_dir, ws.root, [failing[0]], timeout=600)
        assert broken.outcomes == {} and "COMPILATION ERROR" in broken.errors[0]


LATIN1_SOURCES = {
    "src/main/java/d/A.java": "package d;\n/** für */\npublic class A {\n"
                              "    public static String s() { return \"ü\"; }\n}\n",
    "src/test/java/d/ATest.java": "package d;\nimport org.junit.jupiter.api.Test;\n"
                                  "import static org.junit.jupiter.api.Assertions.assertEquals;\n"
                                  "class ATest {\n"
                                  "    @Test void s() { assertEquals(1, A.s().length()); }\n}\n",
}


def latin1_maven_project(root: Path, pom: str) -> Path:
    for name, text in {**LATIN1_SOURCES, "pom.xml": pom}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(text.encode("latin-1"))
    return root


def test_maven_reads_undeclared_latin1_sources_as_such(tmp_path: Path) -> None:
    pom = (BENCHMARKS / "maven-csv-quote-first-char/buggy/pom.xml").read_text()
    undeclared = pom.replace("<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>",
                             "")
    flag = "-Dproject.build.sourceEncoding=ISO-8859-1"
    assert flag in MavenDriver().argv(latin1_maven_project(tmp_path / "a", undeclared))
    assert flag not in MavenDriver().argv(latin1_maven_project(tmp_path / "b", pom))


@needs_maven
@pytest.mark.slow
def test_maven_compiles_undeclared_latin1_sources(tmp_path: Path) -> None:
    pom = (BENCHMARKS / "maven-csv-quote-first-char/buggy/pom.xml").read_text()
    project = latin1_maven_project(tmp_path, pom.replace(
        "<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>", ""))
    run = MavenDriver().run(project, project, timeout=600)
    assert run.errors == () and run.outcomes == {"d.ATest#s": TestStatus.PASSED}
