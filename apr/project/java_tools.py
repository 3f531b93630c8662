"""The Java toolchain apr's Java drivers share: javac/java, JUnit 4, JaCoCo, and apr's runner.

Jars come from Debian's packages by default (``junit4``, ``libhamcrest-java``,
``libjacoco-java``: ``/usr/share/java``); ``$APR_JAVA_LIBS`` (folders, ``os.pathsep``-separated)
is searched first. JaCoCo is optional: without it tests run but report no coverage.

apr's runner (``apr/project/java/*.java``, shipped as package data) is compiled at first use
into ``$XDG_CACHE_HOME/apr/java/<hash>/`` (default ``~/.cache``), the hash covering the sources,
the jars compiled against and the JDK; Debian's ``org.jacoco.agent.jar`` is a wrapper around the
real agent, ``jacocoagent.jar``, which is extracted there too.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from apr import proc
from apr.errors import TestCommandNotFound

DEFAULT_LIB_DIRS = ("/usr/share/java",)
JUNIT_JARS = ("junit4.jar", "hamcrest-core.jar")
JACOCO_CORE_JARS = ("org.jacoco.core.jar", "asm.jar", "asm-commons.jar", "asm-tree.jar")
JACOCO_AGENT_WRAPPER = "org.jacoco.agent.jar"
RUNNER_SOURCES = ("JUnitRunner.java", "CoverageReport.java", "Json.java", "WarmServer.java",
                  "Batch.java")
PLATFORM_LISTENER = "PlatformCoverageListener.java"
PLATFORM_SERVICE = "META-INF/services/org.junit.platform.launcher.TestExecutionListener"
PLATFORM_ARTIFACTS = ("junit-platform-launcher", "junit-platform-engine", "junit-platform-commons")
#: Class files for Java 8, so that a project testing on an older JVM can load them.
RELEASE = "8"
RUNNER_MAIN = "apr.runner.JUnitRunner"
COVERAGE_MAIN = "apr.runner.CoverageReport"
WARM_MAIN = "apr.runner.WarmServer"
#: JVM flags for short runs: start-up dominates, so skip the optimizing compiler.
FAST_JVM = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss4m")
#: Classes the coverage agent leaves alone: test frameworks and apr's runner.
AGENT_EXCLUDES = "org.junit.*:junit.*:org.hamcrest.*:apr.runner.*:org.jacoco.*:org.objectweb.*"

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class JavaTools:
    """Where the JDK and the jars are.

    Attributes:
        javac, java: the programs (absolute paths).
        junit: JUnit 4 and Hamcrest jars, for compiling and running tests.
        jacoco_agent: Debian's wrapper jar around the agent, or None (no coverage).
        jacoco_core: JaCoCo core and ASM jars, to analyse execution data.
    """

    javac: str
    java: str
    junit: tuple[Path, ...]
    jacoco_agent: Path | None
    jacoco_core: tuple[Path, ...]

    @property
    def coverage(self) -> bool:
        return self.jacoco_agent is not None and bool(self.jacoco_core)

    @classmethod
    def find(cls, need_junit: bool = True) -> JavaTools:
        """Locate the tools.

        Raises:
            TestCommandNotFound: no ``javac``/``java`` on PATH, or no JUnit 4 jar (with the apt
                packages that provide them).
        """
        javac, java = shutil.which("javac"), shutil.which("java")
        if javac is None or java is None:
            raise TestCommandNotFound("javac/java not found on PATH (install a JDK, e.g. "
                                      "`apt-get install default-jdk-headless`)")
        junit = tuple(p for p in (_jar(n) for n in JUNIT_JARS) if p is not None)
        if need_junit and len(junit) < len(JUNIT_JARS):
            raise TestCommandNotFound("JUnit 4 jars not found (junit4.jar, hamcrest-core.jar in "
                                      f"{', '.join(lib_dirs())}; `apt-get install junit4 "
                                      "libhamcrest-java`, or set APR_JAVA_LIBS)")
        core = tuple(p for p in (_jar(n) for n in JACOCO_CORE_JARS) if p is not None)
        agent = _jar(JACOCO_AGENT_WRAPPER)
        complete = len(core) == len(JACOCO_CORE_JARS) and agent is not None
        return cls(javac=javac, java=java, junit=junit, jacoco_agent=agent if complete else None,
                   jacoco_core=core if complete else ())


def lib_dirs() -> list[str]:
    extra = [d for d in os.environ.get("APR_JAVA_LIBS", "").split(os.pathsep) if d]
    return [*extra, *DEFAULT_LIB_DIRS]


def _jar(name: str) -> Path | None:
    for folder in lib_dirs():
        path = Path(folder) / name
        if path.is_file():
            return path.resolve()
    return None


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "apr" / "java"


@dataclass(frozen=True, slots=True)
class Runner:
    """apr's compiled runner: its class folder, and the extracted JaCoCo agent (if any)."""

    classes: Path
    agent: Path | None


def compiled_runner(tools: JavaTools) -> Runner:
    """The runner compiled for ``tools`` (compiling it on first use; safe across processes).

    Raises:
        TestCommandNotFound: the runner does not compile (a JDK or jar that is too old).
    """
    sources = {n: resources.files("apr.project").joinpath("java", n).read_bytes()
               for n in RUNNER_SOURCES}
    jars = [*tools.junit, *tools.jacoco_core, *([tools.jacoco_agent] if tools.jacoco_agent else [])]
    digest = hashlib.sha256()
    for name, data in sorted(sources.items()):
        digest.update(name.encode() + b"\0" + data)
    for item in [tools.javac, RELEASE, *map(str, jars)]:
        digest.update(item.encode() + b"\0")
    target = cache_root() / digest.hexdigest()[:16]
    _cached(target, lambda tmp: _build(tmp, sources, tools))
    agent = target / "jacocoagent.jar"
    return Runner(classes=target / "classes", agent=agent if agent.exists() else None)


def _cached(target: Path, build: Callable[[Path], str]) -> None:
    """Make ``target`` once, safely across threads and processes: ``build`` fills a fresh
    folder next to it and returns what goes into its ``done`` file; the folder is then renamed
    to ``target`` (a process that finished first wins)."""
    with _lock:
        if (target / "done").exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="build-", dir=target.parent))
        try:
            (tmp / "done").write_text(build(tmp))
            try:
                tmp.rename(target)
            except OSError:  # another process finished first
                pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _javac(tools: JavaTools, folder: Path, classpath: list[Path], files: list[str],
           ) -> proc.ProcResult:
    """Compile ``files`` of ``folder`` into ``folder/classes`` for :data:`RELEASE`."""
    return proc.run([tools.javac, "-nowarn", "-Xlint:-options", "--release", RELEASE,
                     "-encoding", "UTF-8", "-d", str(folder / "classes"),
                     "-cp", os.pathsep.join(map(str, classpath)), *files],
                    cwd=folder, timeout=300)


def _build(tmp: Path, sources: dict[str, bytes], tools: JavaTools) -> str:
    names = [n for n in sources if tools.coverage or n != "CoverageReport.java"]
    for name in names:
        (tmp / name).write_bytes(sources[name])
    res = _javac(tools, tmp, [*tools.junit, *tools.jacoco_core], names)
    if not res.ok:
        raise TestCommandNotFound(f"apr's Java runner does not compile with {tools.javac}",
                                  detail=res.tail(40))
    if tools.jacoco_agent is not None:
        with zipfile.ZipFile(tools.jacoco_agent) as wrapper:
            (tmp / "jacocoagent.jar").write_bytes(wrapper.read("jacocoagent.jar"))
    return "ok\n"


def platform_jars(repository: Path | None = None) -> list[Path]:
    """JUnit Platform jars (launcher, engine, commons, of one version) in a Maven repository
    (default ``~/.m2/repository``), to compile the Platform listener; [] when absent."""
    repo = repository or Path.home() / ".m2" / "repository"
    base = repo / "org" / "junit" / "platform"
    versions = sorted((d.name for d in (base / PLATFORM_ARTIFACTS[0]).glob("*") if d.is_dir()),
                      key=_version_key, reverse=True) if base.is_dir() else []
    for version in versions:
        jars = [base / a / version / f"{a}-{version}.jar" for a in PLATFORM_ARTIFACTS]
        if all(j.is_file() for j in jars):
            extra = sorted(repo.glob("org/opentest4j/opentest4j/*/opentest4j-*.jar"))
            extra += sorted(repo.glob("org/apiguardian/apiguardian-api/*/apiguardian-api-*.jar"))
            return [*jars, *extra[-2:]]
    return []


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.-]", version))


def platform_listener(tools: JavaTools, jars: list[Path]) -> Path | None:
    """A class folder holding apr's JUnit Platform coverage listener and its service file
    (compiled on first use against ``jars``); None without JaCoCo or jars, or if it does not
    compile."""
    if not tools.coverage or not jars:
        return None
    source = resources.files("apr.project").joinpath("java", PLATFORM_LISTENER).read_bytes()
    digest = hashlib.sha256(source + b"\0" + "\0".join(map(str, jars)).encode())
    target = cache_root() / f"platform-{digest.hexdigest()[:16]}"
    _cached(target, lambda tmp: _build_listener(tmp, source, tools, jars))
    return target / "classes" if (target / "classes").is_dir() else None


def _build_listener(tmp: Path, source: bytes, tools: JavaTools, jars: list[Path]) -> str:
    (tmp / PLATFORM_LISTENER).write_bytes(source)
    classes = tmp / "classes"
    res = _javac(tools, tmp, jars, [PLATFORM_LISTENER])
    if not res.ok:
        shutil.rmtree(classes, ignore_errors=True)
        return res.tail(20)
    service = classes / PLATFORM_SERVICE
    service.parent.mkdir(parents=True, exist_ok=True)
    service.write_text("apr.runner.PlatformCoverageListener\n", encoding="utf-8")
    return "ok\n"


def javac_archive(tools: JavaTools) -> tuple[list[str], Path | None]:
    """javac flags for a class-data-sharing archive of javac's own classes (JDK 13+): the
    first compile dumps one (returned second, to :func:`keep_archive` after the run), later
    ones start from it, about a third faster. A JVM that cannot use it ignores it."""
    key = hashlib.sha256(tools.javac.encode()).hexdigest()[:16]
    archive = cache_root() / f"javac-{key}.jsa"
    if archive.is_file():
        return [f"-J-XX:SharedArchiveFile={archive}", "-J-Xlog:disable"], None
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(f"{archive.name}.{os.getpid()}.{threading.get_ident()}")
    return [f"-J-XX:ArchiveClassesAtExit={partial}", "-J-Xlog:disable"], partial


def keep_archive(partial: Path | None) -> None:
    """Move a freshly dumped archive into place (atomically; the first one wins)."""
    if partial is None or not partial.is_file():
        return
    target = partial.with_name(partial.name.split(".jsa.", 1)[0] + ".jsa")
    if target.exists():
        partial.unlink(missing_ok=True)
    else:
        os.replace(partial, target)
