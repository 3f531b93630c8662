"""Build files read as they come: source encoding, Ant folders, dependencies, the fallback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apr.errors import ProjectBroken, UsageError
from apr.project import make_driver
from apr.project.java_build import (
    ant_folders,
    beyond_junit,
    declared_encoding,
    maven_folders,
    source_encoding,
)
from apr.project.java_fallback import first_reason, junit_fallback, unresolved
from apr.project.junit import detect_layout, parse_options


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
      <build><plugins><plugin>
        <artifactId>maven-compiler-plugin</artifactId>
        <configuration><encoding>Cp1252</encoding></configuration>
      </plugin></plugins></build>
    </project>
    """

BUILD_XML = """
    <project name="old" default="test">
      <property name="src.dir" value="src/java"/>
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
