"""Projects: isolated workspaces and the TestDrivers that build and run their tests.

``DRIVERS`` is the explicit registry (name -> factory taking the test command); the driver for a
run is named by config (``driver``) or detected from the project's files and language.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from apr.errors import UsageError
from apr.project.base import TestDriver


def _pytest(command: str | None, **options: Any) -> TestDriver:
    from apr.project.pytest_driver import PytestDriver

    return PytestDriver(command, project_dir=options.get("project_dir"),
                        repo_root=options.get("repo_root"), python=options.get("python"),
                        warm=options.get("warm", True))


def _junit(command: str | None, **options: Any) -> TestDriver:
    from apr.project.junit import JUnitDriver

    return JUnitDriver(command, warm=options.get("warm", True))


def _maven(command: str | None, **options: Any) -> TestDriver:
    from apr.project.maven import MavenDriver

    return MavenDriver(command, warm=options.get("warm", True))


def _gradle(command: str | None, **options: Any) -> TestDriver:
    from apr.project.gradle import GradleDriver

    return GradleDriver(command, warm=options.get("warm", True))


def _defects4j(command: str | None, **options: Any) -> TestDriver:
    from apr.project.defects4j_driver import Defects4JDriver

    return Defects4JDriver(command)


def _node(command: str | None, **options: Any) -> TestDriver:
    """node's built-in runner, or mocha, jest or vitest when the project's command runs them."""
    from apr.project.node import NodeDriver
    from apr.project.node_command import test_command

    project_dir = options.get("project_dir")
    runner = test_command(Path(project_dir), command).runner if project_dir else "node"
    if runner in ("mocha", "jest", "vitest"):
        return DRIVERS[runner](command)
    return NodeDriver(command)


def _mocha(command: str | None, **options: Any) -> TestDriver:
    from apr.project.mocha import MochaDriver

    return MochaDriver(command)


def _jest(command: str | None, **options: Any) -> TestDriver:
    from apr.project.jest import JestDriver

    return JestDriver(command)


def _vitest(command: str | None, **options: Any) -> TestDriver:
    from apr.project.vitest import VitestDriver

    return VitestDriver(command)


def _make(command: str | None, **options: Any) -> TestDriver:
    from apr.project.make import MakeDriver

    return MakeDriver(command)


def _ctest(command: str | None, **options: Any) -> TestDriver:
    from apr.project.ctest import CTestDriver

    return CTestDriver(command)


def _meson(command: str | None, **options: Any) -> TestDriver:
    from apr.project.meson_driver import MesonDriver

    return MesonDriver(command)


def _io(command: str | None, **options: Any) -> TestDriver:
    from apr.project.io_driver import IODriver

    return IODriver(command)


#: name -> factory(test command, project_dir=..., repo_root=..., python=..., warm=...); a
#: factory takes the options it needs and ignores the rest (``warm``: a long-lived worker per
#: workspace for validation runs, where the driver has one; default True).
DRIVERS: dict[str, Callable[..., TestDriver]] = {
    "pytest": _pytest,
    "junit": _junit,
    "maven": _maven,
    "gradle": _gradle,
    "defects4j": _defects4j,
    "make": _make,
    "ctest": _ctest,
    "meson": _meson,
    "io": _io,
    "node": _node,
    "mocha": _mocha,
    "jest": _jest,
    "vitest": _vitest,
}

#: Per language, the drivers to try in order, each with the files that make it the right one
#: (an empty tuple: the language's fallback).
DETECTION: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "python": [("pytest", ())],
    "java": [("defects4j", (".defects4j.config",)), ("maven", ("pom.xml",)),
             ("gradle", ("build.gradle", "build.gradle.kts")), ("junit", ())],
    "javascript": [("node", ())],  # with or without package.json
    "c": [("meson", ("meson.build",)), ("ctest", ("CMakeLists.txt",)),
          ("make", ("GNUmakefile", "makefile", "Makefile")), ("io", ("tests",))],
}

__all__ = ["DETECTION", "DRIVERS", "TestDriver", "detect_driver", "make_driver"]


def detect_driver(project_dir: Path, language: str) -> str:
    """The driver name for a project: the first whose marker files exist, else the fallback.

    Raises:
        UsageError: no driver is known for ``language``.
    """
    for name, markers in DETECTION.get(language, []):
        if not markers or any((project_dir / m).exists() for m in markers):
            return name
    raise UsageError(f"no test driver for language {language!r}; pass --driver "
                     f"(known: {', '.join(DRIVERS)})")


def make_driver(name: str | None, project_dir: Path, language: str,
                command: str | None, **options: Any) -> TestDriver:
    """The driver called ``name`` (detected when None or "auto"), set up with ``command`` and
    ``options`` (``repo_root``, ``python``) for the user's project at ``project_dir``."""
    chosen = detect_driver(project_dir, language) if name in (None, "", "auto") else name
    if chosen not in DRIVERS:
        raise UsageError(f"unknown test driver {chosen!r}; known: {', '.join(DRIVERS)}")
    return DRIVERS[chosen](command, project_dir=project_dir, **options)
