"""Build files read as they come: source encoding, Ant folders, dependencies, the fallback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from apr.cli import main
from apr.errors import ProjectBroken, UsageError
from apr.model import TestStatus
from apr.project import make_driver
from apr.project.java_build import (
    ant_folders,
    beyond_junit,
    declared_encoding,
    maven_folders,
    source_encoding,
)
from apr.project.java_fallback import (
    first_reason,
    junit_fallback,
    newest_local_plugin,
    unresolved,
)
from apr.project.junit import (
    _content_hash,
    _java_files,
    _Listings,
    _StatMemo,
    detect_layout,
    package_key,
    parse_options,
)
from tests.conftest import RepoFactory
from tests.project.java.conftest import java_tools, needs_junit


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = textwrap.dedent(content).lstrip().encode()
        path.write_bytes(content)
    return root


POM = """
    <project xmlns="http://maven.apache.org/POM/4.0.0">
      <properties><project.build.sourceEncoding>ISO-8859-1</project.build.sourceEncoding>
      </properties>
      <dependencies>
        <dependency><groupId>junit</groupId><artifactId>junit</artifactId></dependency>
        <dependency><groupId>org.hamcrest</groupId><artifactId>hamcrest</artifactId></dependency>
        <dependency><groupId>commons-io</groupId><artifactId>commons-io</artifactId></dependency>
      </dependencies>
      <build><sourceDirectory>${basedir}/src/java</sourceDirectory></build>
    </project>
    """

COMPILER_POM = """
    <project>
      <properties><enc>Cp1252</enc></properties>
      <build><plugins><plugin>
        <artifactId>maven-compiler-plugin</artifactId>
        <configuration><encoding>${enc}</encoding></configuration>
      </plugin></plugins></build>
    </project>
    """

BUILD_XML = """
    <project name="old" default="test">
      <property name="src.dir" value="${basedir}/src/java"/>
      <property name="test.dir" location="src/test"/>
      <target name="compile">
        <javac srcdir="${src.dir}" destdir="build/classes" encoding="ISO-8859-1"/>
      </target>
      <target name="compile-tests">
        <javac destdir="build/tests"><src path="${test.dir}"/></javac>
      </target>
    </project>
    """


@pytest.mark.parametrize(("files", "expected"), [
    ({"pom.xml": POM}, "ISO-8859-1"),
    ({"pom.xml": COMPILER_POM}, "Cp1252"),
    ({"build.gradle": "compileJava.options.encoding = 'ISO-8859-1'\n"}, "ISO-8859-1"),
    ({"build.gradle.kts": 'tasks.withType<JavaCompile> { options.encoding = "UTF-16" }\n'},
     "UTF-16"),
    ({"build.xml": BUILD_XML}, "ISO-8859-1"),
    ({"pom.xml": "<project/>"}, None),
    ({"pom.xml": COMPILER_POM.replace("<enc>Cp1252</enc>", "")}, None),
])
def test_declared_encoding(tmp_path: Path, files: dict[str, str | bytes],
                           expected: str | None) -> None:
    assert declared_encoding(write(tmp_path, files)) == expected


def test_detected_encoding(tmp_path: Path) -> None:
    write(tmp_path, {"src/A.java": "class A { String s = \"ü\"; }\n"})
    assert source_encoding(tmp_path) == "UTF-8"
    write(tmp_path, {"test/B.java": "class B { /* für */ }\n".encode("latin-1")})
    assert source_encoding(tmp_path) == "ISO-8859-1"
    write(tmp_path, {"pom.xml": COMPILER_POM})
    assert source_encoding(tmp_path) == "Cp1252"  # what the build file says wins


def test_layout_takes_the_encoding_option_first(tmp_path: Path) -> None:
    write(tmp_path, {"src/main/java/A.java": b"class A { /* \xfc */ }\n", "pom.xml": POM})
    assert detect_layout(tmp_path).encoding == "ISO-8859-1"
    options = parse_options("encoding=UTF-8")
    assert detect_layout(tmp_path, options).encoding == "UTF-8"
    with pytest.raises(UsageError, match="encoding"):
        parse_options("charset=UTF-8")


def test_ant_folders_become_the_layout(tmp_path: Path) -> None:
    write(tmp_path, {"build.xml": BUILD_XML, "src/java/a/A.java": "package a; class A {}\n",
                     "src/test/a/ATest.java": "package a; class ATest {}\n"})
    assert ant_folders(tmp_path) == (("src/java",), ("src/test",))
    layout = detect_layout(tmp_path)
    assert (layout.main, layout.test) == (("src/java",), ("src/test",))
    assert layout.main_files(tmp_path) == ["src/java/a/A.java"]


def test_maven_folders_and_dependencies(tmp_path: Path) -> None:
    write(tmp_path, {"pom.xml": POM})
    assert maven_folders(tmp_path) == ("src/java", "src/test/java")
    assert beyond_junit(tmp_path) == ["commons-io:commons-io"]


def test_fallback_without_a_classpath_needs_nothing_beyond_junit(tmp_path: Path) -> None:
    write(tmp_path, {"pom.xml": POM})
    with pytest.raises(ProjectBroken) as info:
        junit_fallback("mvn", tmp_path, maven_folders(tmp_path), None, "mvn is not on PATH")
    message = str(info.value)
    assert "\n" not in message and "commons-io:commons-io" in message
    assert '--driver junit --test "main=src/java test=src/test/java classpath=' in message
    driver = junit_fallback("mvn", tmp_path, ("src/java", "t"), ["/m2/a.jar", "/m2/b.jar"], "")
    assert driver.options == {"main": "src/java", "test": "t", "classpath": "/m2/a.jar:/m2/b.jar"}


def test_maven_without_mvn_runs_the_junit_way(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    write(tmp_path, {"pom.xml": POM})
    driver = make_driver(None, tmp_path, "java", None)
    assert driver.name == "maven"
    with pytest.raises(ProjectBroken, match="mvn is not on PATH"):
        driver.run(tmp_path, tmp_path, timeout=60)


def test_unresolved_output_is_recognised() -> None:
    output = ("[ERROR] Plugin org.apache.maven.plugins:maven-surefire-plugin:99.0 or one of its "
              "dependencies could not be resolved: Cannot access central in offline mode\n"
              "[ERROR] -> [Help 1]")
    assert unresolved(output)
    assert first_reason(output).startswith("Plugin org.apache.maven.plugins:maven-surefire")
    assert not unresolved("[ERROR] /p/src/main/java/A.java:[3,5] cannot find symbol")


STUB_MVN = '''
import sys
from pathlib import Path

args = sys.argv[1:]
goal = next(a for a in args if not a.startswith("-"))
if goal != "org.apache.maven.plugins:maven-dependency-plugin:3.10.0:build-classpath":
    print(f"[ERROR] Plugin for {goal} could not be resolved: Cannot access central in offline "
          "mode and the artifact has not been downloaded from it before.")
    sys.exit(1)
out = next(a.partition("=")[2] for a in args if a.startswith("-Dmdep.outputFile="))
Path(out).write_text(CLASSPATH)
'''


def fake_local_repository(root: Path) -> Path:
    plugins = root / "org/apache/maven/plugins/maven-dependency-plugin"
    for version, jar in (("3.10.0", True), ("3.9.0", True), ("3.11.0", False)):
        (plugins / version).mkdir(parents=True)
        if jar:
            (plugins / version / f"maven-dependency-plugin-{version}.jar").write_bytes(b"")
    return root


def test_newest_local_plugin_has_a_jar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = fake_local_repository(tmp_path / "m2")
    monkeypatch.setenv("MAVEN_OPTS", f"-Xmx1g -Dmaven.repo.local={repo}")
    assert newest_local_plugin("maven-dependency-plugin") == "3.10.0"
    assert newest_local_plugin("maven-nothing-plugin") is None


@needs_junit
def test_maven_failing_offline_runs_junit_on_mavens_classpath(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = write(tmp_path / "lib", {"src/lib/Twice.java": """
        package lib;
        public class Twice { public static int of(int x) { return 2 * x; } }
        """})
    tools = java_tools()
    assert tools is not None
    subprocess.run([tools.javac, "-d", str(lib / "classes"), str(lib / "src/lib/Twice.java")],
                   check=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "mvn"
    stub.write_text(f"#!{sys.executable}\nCLASSPATH = {str(lib / 'classes')!r}\n"
                    + textwrap.dedent(STUB_MVN))
    stub.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("MAVEN_OPTS", f"-Dmaven.repo.local={fake_local_repository(tmp_path / 'm2')}")
    project = write(tmp_path / "p", {"pom.xml": POM, "src/java/demo/Calc.java": """
        package demo;
        public class Calc { public static int four() { return lib.Twice.of(2); } }
        """, "src/test/java/demo/CalcTest.java": """
        package demo;
        public class CalcTest {
            @org.junit.Test public void four() { org.junit.Assert.assertEquals(4, Calc.four()); }
        }
        """})
    driver = make_driver(None, project, "java", None)
    run = driver.run(project, project, timeout=120)
    assert run.errors == () and run.outcomes == {"demo.CalcTest#four": TestStatus.PASSED}
    assert driver.argv(project)[0] == "javac"


@needs_junit
def test_gradle_without_gradle_runs_a_junit_only_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = os.environ["PATH"].split(os.pathsep)
    monkeypatch.setenv("PATH", os.pathsep.join(d for d in folders
                                               if not shutil.which("gradle", path=d)))
    project = write(tmp_path / "p", {
        "build.gradle": "dependencies { testImplementation 'junit:junit:4.13.2' }\n"
                        "compileJava.options.encoding = 'ISO-8859-1'\n",
        "src/main/java/demo/Calc.java": "package demo;\n/** f\xfcr */\npublic class Calc {\n"
                                        "    public static int one() { return 1; }\n}\n"
                                        .encode("latin-1"),
        "src/test/java/demo/CalcTest.java": """
            package demo;
            public class CalcTest {
                @org.junit.Test public void one() { org.junit.Assert.assertEquals(1, Calc.one()); }
            }
            """})
    driver = make_driver(None, project, "java", None)
    assert driver.name == "gradle"
    run = driver.run(project, project, timeout=120)
    assert run.errors == () and run.outcomes == {"demo.CalcTest#one": TestStatus.PASSED}


def test_repair_stops_with_one_line_naming_the_junit_way(
        make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo({"pom.xml": POM, "src/java/demo/A.java": "package demo; class A {}\n",
                      "src/test/java/demo/ATest.java": "package demo; class ATest {}\n"})
    only_git = repo.parent / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(str(shutil.which("git")))
    monkeypatch.setenv("PATH", str(only_git))  # no mvn
    assert main(["repair", str(repo), "--quiet"]) == 3
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "--driver junit --test" in error


def test_source_hashes_follow_every_edit(tmp_path: Path) -> None:
    """Hashes are kept while a file's stat holds, and an edit of the same size that puts the
    old modification time back is still seen (its change time moved)."""
    source = tmp_path / "A.java"
    source.write_text("class A { int x = 1; }")
    old = time.time() - 3600
    os.utime(source, (old, old))
    reads: list[Path] = []
    # trusting any stat (its change time is now: the clock's tick is tried below)
    hashes = _StatMemo(lambda path: reads.append(path) or _content_hash(path), settle_ns=0)
    first = hashes.of(source)
    assert hashes.of(source) == first and len(reads) == 1  # the second answer is kept
    source.write_text("class A { int x = 2; }")
    os.utime(source, (old, old))
    assert hashes.of(source) != first
    fresh = tmp_path / "B.java"  # written just now: read again every time
    fresh.write_text("class B {}")
    ticked = _StatMemo(lambda path: reads.append(path) or _content_hash(path))
    assert ticked.of(fresh) == ticked.of(fresh)
    assert reads.count(fresh) == 2
    fresh.write_text("class C {}")
    assert ticked.of(fresh) != hashes.of(tmp_path / "A.java")


def test_package_keys_follow_an_edited_package_line(tmp_path: Path) -> None:
    source = tmp_path / "src" / "A.java"
    source.parent.mkdir()
    source.write_text("package a.b;\nclass A {}\n")
    old = time.time() - 3600
    os.utime(source, (old, old))
    assert package_key(tmp_path, "src/A.java") == "a/b/A.java"
    source.write_text("package a.c;\nclass A {}\n")
    os.utime(source, (old, old))
    assert package_key(tmp_path, "src/A.java") == "a/c/A.java"


def _age(root: Path) -> None:
    """Every folder and file under ``root`` (and ``root``) last changed an hour ago."""
    old = time.time() - 3600
    for path in [root, *root.rglob("*")]:
        os.utime(path, (old, old))


def test_source_listings_are_kept_and_follow_added_and_removed_files(tmp_path: Path) -> None:
    """A listing is walked again only when a folder's stat changed: rewriting a file in place
    keeps it; adding or removing a file or a folder, at any depth, is seen."""
    (tmp_path / "src" / "a").mkdir(parents=True)
    (tmp_path / "src" / "a" / "A.java").write_text("class A {}")
    (tmp_path / "src" / "a" / "notes.txt").write_text("")
    _age(tmp_path)
    listings = _Listings(settle_ns=0)  # trusting any stat: the clock's tick is tried below
    assert listings.files(tmp_path, "src") == ("src/a/A.java",)
    kept = listings.files(tmp_path, "src")
    (tmp_path / "src" / "a" / "A.java").write_text("class A { int x; }")  # in place
    assert listings.files(tmp_path, "src") is kept
    (tmp_path / "src" / "a" / "B.java").write_text("class B {}")
    assert sorted(listings.files(tmp_path, "src")) == ["src/a/A.java", "src/a/B.java"]
    _age(tmp_path)
    (tmp_path / "src" / "a" / "deep").mkdir()
    (tmp_path / "src" / "a" / "deep" / "C.java").write_text("class C {}")
    assert "src/a/deep/C.java" in listings.files(tmp_path, "src")
    _age(tmp_path)
    (tmp_path / "src" / "a" / "A.java").unlink()
    assert "src/a/A.java" not in listings.files(tmp_path, "src")
    assert _java_files(tmp_path, ["src"]) == ["src/a/B.java", "src/a/deep/C.java"]


def test_a_listing_of_folders_changed_just_now_is_walked_again(tmp_path: Path) -> None:
    """Within the file system's clock tick an added file may leave its folder's stat as it
    was: a folder changed less than two seconds ago is not trusted."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "A.java").write_text("class A {}")
    listings = _Listings()
    first = listings.files(tmp_path, "src")
    stat = (tmp_path / "src").stat()
    (tmp_path / "src" / "B.java").write_text("class B {}")
    os.utime(tmp_path / "src", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same tick
    assert first == ("src/A.java",)
    assert "src/B.java" in listings.files(tmp_path, "src")
