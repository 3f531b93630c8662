"""When Maven or Gradle cannot build a project offline: its tests run with the junit driver.

A real project often cannot be built offline (a plugin or dependency missing from the local
repository, no ``mvn``/``gradle`` on PATH). The junit driver then compiles it with javac: in the
build file's folders, with its source encoding (:mod:`apr.project.java_build`), on the class path
that the build tool's own offline resolution gives (``mvn -o dependency:build-classpath``, from
whatever ``~/.m2`` holds). When that resolution fails too, the junit driver still runs a project
that declares nothing beyond JUnit and Hamcrest (it brings those jars itself); any other project
stops with one line (:class:`~apr.errors.ProjectBroken`, exit 3) naming the ``--driver junit``
way, since only the user knows where its jars are.
"""

from __future__ import annotations

import os
import re
import shlex
import tempfile
from pathlib import Path

from apr import proc
from apr.errors import ProjectBroken
from apr.project.java_build import beyond_junit
from apr.project.junit import JUnitDriver

#: Maven's and Gradle's words for "needed something the local repository does not have".
UNRESOLVED = re.compile(r"offline mode|could not be resolved|could not resolve|"
                        r"non-resolvable|has not been downloaded|failed to read artifact|"
                        r"no cached version|unknown packaging", re.I)
_LIMIT = 300.0  # seconds for the build tool's offline class path resolution


def unresolved(output: str) -> bool:
    """Whether a failed build's output says that something could not be resolved offline."""
    return bool(UNRESOLVED.search(output))


def maven_classpath(mvn: str, project_dir: Path) -> list[str] | None:
    """The test class path Maven resolves offline from the local repository, else None.

    The dependency plugin is tried in the version Maven picks (``dependency:``), then in the
    newest version whose jar the local repository holds (Maven 3.8 picks 2.8 without metadata).
    """
    goals = ["dependency:build-classpath"]
    local = newest_local_plugin("maven-dependency-plugin")
    if local is not None:
        goals.append(f"org.apache.maven.plugins:maven-dependency-plugin:{local}:build-classpath")
    with tempfile.TemporaryDirectory(prefix="apr-mvn-cp-") as tmp:
        out = Path(tmp) / "classpath.txt"
        for goal in goals:
            res = proc.run([mvn, "-o", "-q", "-B", goal, f"-Dmdep.outputFile={out}",
                            "-Dmdep.includeScope=test"], cwd=project_dir, timeout=_LIMIT)
            if res.ok and out.exists():
                text = out.read_text(encoding="utf-8").strip()
                return [p for p in text.split(os.pathsep) if p]
    return None


def local_repository() -> Path:
    """Maven's local repository: ``-Dmaven.repo.local`` in ``$MAVEN_OPTS``, else ``~/.m2``'s."""
    for word in shlex.split(os.environ.get("MAVEN_OPTS", "")):
        if word.startswith("-Dmaven.repo.local="):
            return Path(word.partition("=")[2]).expanduser()
    return Path.home() / ".m2" / "repository"


def newest_local_plugin(artifact: str) -> str | None:
    """The newest version of Maven plugin ``artifact`` whose jar the local repository holds."""
    folder = local_repository() / "org" / "apache" / "maven" / "plugins" / artifact
    versions = [d.name for d in folder.glob("*") if (d / f"{artifact}-{d.name}.jar").is_file()]
    return max(versions, key=_version_key, default=None)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def junit_fallback(tool: str, project_dir: Path, folders: tuple[str, str],
                   classpath: list[str] | None, reason: str, warm: bool = False) -> JUnitDriver:
    """A junit driver for a project ``tool`` cannot build offline (see the module doc).

    Args:
        tool: ``mvn`` or ``gradle``, for the message.
        project_dir: the project (its build file is read).
        folders: ``(code folder, test folder)`` relative to ``project_dir``.
        classpath: the tool's offline class path, or None when it could not resolve one.
        reason: why the tool cannot run (one line).
        warm: the junit driver's ``warm``.

    Raises:
        ProjectBroken: no class path, and dependencies beyond JUnit are declared.
    """
    main, test = folders
    words = [f"main={main}", f"test={test}"]
    if classpath is None:
        others = beyond_junit(project_dir)
        if others:
            raise ProjectBroken(
                f"{tool} cannot build this project offline ({reason}) and it needs "
                f"{', '.join(others[:3])}{' ...' if len(others) > 3 else ''}; run it with "
                f'--driver junit --test "main={main} test={test} classpath=JAR:JAR"')
    else:
        words.append(f"classpath={':'.join(classpath)}")
    return JUnitDriver(shlex.join(words), warm=warm)


def first_reason(output: str) -> str:
    """The line of a build's output that says what could not be resolved (shortened)."""
    line = next((ln for ln in output.splitlines() if unresolved(ln)), "") or "it failed"
    line = line.removeprefix("[ERROR]").strip()
    return line if len(line) <= 160 else line[:157] + "..."
