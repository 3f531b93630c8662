"""Skips for the Java tests: each needs a tool that a fresh machine may lack.

CI installs them (`.ci/run`): Debian's ``junit4``, ``libhamcrest-java``, ``libjacoco-java``
and a JDK (``javac``); Maven plus a local repository (``~/.m2``) holding the plugins for the Maven
fixture.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound
from apr.project.java_tools import JavaTools, platform_jars

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks" / "java"


@functools.cache
def java_tools() -> JavaTools | None:
    try:
        return JavaTools.find()
    except TestCommandNotFound:
        return None


def _missing_junit() -> str:
    return "" if java_tools() is not None else (
        "needs javac and JUnit 4 jars (apt-get install default-jdk-headless junit4 "
        "libhamcrest-java)")


def _missing_jacoco() -> str:
    tools = java_tools()
    if tools is None:
        return _missing_junit()
    return "" if tools.coverage else "needs JaCoCo (apt-get install libjacoco-java)"


@functools.cache
def _missing_maven() -> str:
    if shutil.which("mvn") is None:
        return "needs mvn (apt-get install maven)"
    plugins = Path.home() / ".m2" / "repository" / "org" / "apache" / "maven" / "plugins"
    needed = ("maven-surefire-plugin/3.2.5", "maven-compiler-plugin/3.13.0",
              "maven-resources-plugin/3.3.1")
    absent = [n for n in needed if not (plugins / n).is_dir()]
    if absent or not platform_jars():
        return ("needs the Maven fixture's plugins and JUnit 5 in ~/.m2 for `mvn -o` "
                f"(missing: {', '.join(absent) or 'junit-platform'})")
    return ""


needs_junit = pytest.mark.skipif(bool(_missing_junit()), reason=_missing_junit() or "ok")
needs_jacoco = pytest.mark.skipif(bool(_missing_jacoco()), reason=_missing_jacoco() or "ok")
needs_maven = pytest.mark.skipif(bool(_missing_maven()), reason=_missing_maven() or "ok")
