"""What a Java project's build file says, read without running the build tool.

Source encoding (what javac's ``-encoding`` gets), the first that applies:

1. the junit driver's ``encoding=`` option;
2. the build file: Maven's ``project.build.sourceEncoding`` property or the
   maven-compiler-plugin's ``<encoding>`` (``pom.xml``); Gradle's ``options.encoding`` (also as
   ``compileJava.options.encoding``, ``build.gradle``/``build.gradle.kts``); Ant's
   ``<javac encoding="...">`` (``build.xml``);
3. detected: ``UTF-8`` when every ``.java`` file decodes as UTF-8, else ``ISO-8859-1`` (older
   Apache projects keep Latin-1 sources; every byte is a character there, so javac reads them).

Ant projects (``build.xml``) also name their folders: each ``<javac srcdir="...">`` (``${name}``
resolved from ``<property name value|location>``) is a test folder when its path holds ``test``,
else a code folder. Maven projects may move theirs (``<sourceDirectory>``,
``<testSourceDirectory>``). Dependencies (``group:artifact``) are read from ``pom.xml`` and from
Gradle's ``'group:artifact:version'`` strings, to tell whether the junit driver can run the
tests without the build tool (nothing beyond JUnit and Hamcrest, which it brings itself).
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from apr.lang.text import is_utf8

GRADLE_FILES = ("build.gradle", "build.gradle.kts")
_SKIP_DIRS = frozenset({".git", ".apr-build", "target", "build", "out", ".gradle", "node_modules"})
_GRADLE_ENCODING = re.compile(r"""options\.encoding\s*=\s*['"]([\w.:-]+)['"]""")
_GRADLE_DEPENDENCY = re.compile(r"""['"]([\w.-]+):([\w.-]+):[^'"\s]*['"]""")
_PROPERTY_REF = re.compile(r"\$\{([^}]+)\}")
#: Dependencies the junit driver brings itself (Debian's junit4 and hamcrest jars).
JUNIT_GROUPS = frozenset({"junit", "org.hamcrest"})


def source_encoding(project_dir: Path) -> str:
    """The encoding of the project's ``.java`` sources (see the module doc, rules 2 and 3)."""
    return declared_encoding(project_dir) or detected_encoding(project_dir)


def declared_encoding(project_dir: Path) -> str | None:
    """The encoding the build file declares, or None."""
    pom = _xml(project_dir / "pom.xml")
    if pom is not None:
        found = _pom_encoding(pom)
        if found:
            return found
    for name in GRADLE_FILES:
        match = _GRADLE_ENCODING.search(_read(project_dir / name))
        if match:
            return match.group(1)
    ant = _xml(project_dir / "build.xml")
    if ant is not None:
        return next((j.get("encoding") for j in ant.iter("javac") if j.get("encoding")), None)
    return None


def detected_encoding(project_dir: Path) -> str:
    """``UTF-8`` when every ``.java`` file under ``project_dir`` is UTF-8, else ``ISO-8859-1``."""
    for path in java_files(project_dir):
        if not is_utf8(path.read_bytes()):
            return "ISO-8859-1"
    return "UTF-8"


def java_files(project_dir: Path) -> Iterable[Path]:
    """The ``.java`` files under ``project_dir``, build outputs and hidden folders skipped."""
    for dirpath, dirs, files in os.walk(project_dir):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        yield from (Path(dirpath) / f for f in sorted(files) if f.endswith(".java"))


def ant_folders(project_dir: Path) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """``(code folders, test folders)`` from ``build.xml``'s javac tasks, or None."""
    ant = _xml(project_dir / "build.xml")
    if ant is None:
        return None
    properties = {"basedir": ".", **{p.get("name", ""): p.get("value") or p.get("location") or ""
                                     for p in ant.iter("property")}}
    folders = [_resolve(d, properties) for j in ant.iter("javac")
               for d in (j.get("srcdir") or "").split(os.pathsep) if d]
    folders += [_resolve(s.get("path") or s.get("location") or "", properties)
                for j in ant.iter("javac") for s in j.iter("src")]
    existing = [f for f in dict.fromkeys(folders) if f and (project_dir / f).is_dir()]
    main = tuple(f for f in existing if "test" not in f.lower())
    test = tuple(f for f in existing if "test" in f.lower())
    return (main, test) if main and test else None


def maven_folders(project_dir: Path) -> tuple[str, str]:
    """``(code folder, test folder)`` of a Maven project (its pom's, else Maven's defaults)."""
    pom = _xml(project_dir / "pom.xml")
    main = _text(pom, "build/sourceDirectory") if pom is not None else None
    test = _text(pom, "build/testSourceDirectory") if pom is not None else None
    properties = {"basedir": ".", "project.basedir": "."}
    return (_resolve(main or "src/main/java", properties),
            _resolve(test or "src/test/java", properties))


def dependencies(project_dir: Path) -> list[str]:
    """``group:artifact`` of the dependencies the build file declares (pom.xml, Gradle)."""
    found: list[str] = []
    pom = _xml(project_dir / "pom.xml")
    if pom is not None:
        for dep in pom.findall("dependencies/dependency"):
            found.append(f"{_text(dep, 'groupId') or ''}:{_text(dep, 'artifactId') or ''}")
    for name in GRADLE_FILES:
        found += [f"{g}:{a}" for g, a in _GRADLE_DEPENDENCY.findall(_read(project_dir / name))]
    return found


def beyond_junit(project_dir: Path) -> list[str]:
    """The declared dependencies the junit driver does not bring itself."""
    return [d for d in dependencies(project_dir) if d.partition(":")[0] not in JUNIT_GROUPS]


def _pom_encoding(pom: ET.Element) -> str | None:
    """The pom's source encoding, ``${property}`` references resolved (None if one is not)."""
    found = _text(pom, "properties/project.build.sourceEncoding")
    for plugin in pom.iter("plugin"):
        if not found and _text(plugin, "artifactId") == "maven-compiler-plugin":
            found = _text(plugin, "configuration/encoding")
    properties = {p.tag: (p.text or "").strip() for p in pom.findall("properties/*")}
    value = _substitute(found, properties) if found else None
    return value if value and "${" not in value else None


def _substitute(value: str, properties: dict[str, str]) -> str:
    """``value`` with ``${name}`` replaced (twice, for properties built of properties)."""
    for _ in range(2):
        value = _PROPERTY_REF.sub(lambda m: properties.get(m.group(1), m.group(0)), value)
    return value.strip()


def _resolve(path: str, properties: dict[str, str]) -> str:
    """A folder of a build file, properties substituted, as a relative POSIX path."""
    return _substitute(path, properties).strip("/").removeprefix("./") or "."


def _xml(path: Path) -> ET.Element | None:
    """The root of an XML file with namespaces dropped from tag names, or None."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = element.tag.rpartition("}")[2]
    return root


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    return (found.text or "").strip() or None if found is not None else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
