"""What a Node project's tests are run with: the runner named by ``package.json``.

``scripts.test`` decides (``npm test`` runs it): ``node --test [flags] [paths]`` is node's
built-in runner; ``mocha``, ``jest`` or ``vitest`` (directly, through ``npx``, or as the only
test runner among the dev dependencies when the script is something else) are the others.
apr runs the runner itself, not ``npm test``, so that it can add its reporter and pick tests.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from apr.errors import TestCommandNotFound, UsageError

RUNNERS = ("node", "mocha", "jest", "vitest")

#: node's own flags that apr sets itself or that make no sense for one file run directly.
_DROPPED_FLAGS = ("--test", "--test-reporter", "--test-reporter-destination", "--watch",
                  "--test-concurrency", "--test-timeout", "--test-name-pattern", "--test-only",
                  "--experimental-test-coverage", "--test-force-exit")
_ENV_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_JS_SUFFIXES = (".js", ".cjs", ".mjs")
#: node --test's default file names (Node 20): ``*.test.js``, ``*-test.js``, ``*_test.js``,
#: ``test-*.js``, ``test.js``, and every script under a ``test`` folder.
_TEST_NAME = re.compile(r"(^test\.|^test-|[._-]test\.)[cm]?js$")
_SKIP_DIRS = frozenset({"node_modules", ".git"})


@dataclass(frozen=True, slots=True)
class NodeCommand:
    """A project's test command, taken apart.

    Attributes:
        runner: ``node``, ``mocha``, ``jest`` or ``vitest``.
        node_flags: flags for ``node`` itself (``--import tsx``, ``--experimental-vm-modules``).
        paths: the files, folders or globs the command names (empty: the runner's defaults).
        words: the command as written, for messages.
    """

    runner: str
    node_flags: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


def read_package(project_dir: Path) -> dict[str, object]:
    """``package.json`` as a dict ({} when absent).

    Raises:
        UsageError: the file is not valid JSON.
    """
    path = project_dir / "package.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc})") from None
    return data if isinstance(data, dict) else {}


def test_command(project_dir: Path, command: str | None = None) -> NodeCommand:
    """The test command of the project: ``command`` when given, else ``scripts.test``, else
    ``node --test``.

    Raises:
        UsageError: the command cannot be read or names no runner apr knows.
    """
    package = read_package(project_dir)
    script = command
    if not script:
        scripts = package.get("scripts")
        script = scripts.get("test") if isinstance(scripts, dict) else None
    if not script or _npm_placeholder(script):
        return NodeCommand("node", words=("node", "--test"))
    words = _segment(_split(script))
    runner = _runner_of(words) or _runner_of_dependencies(package)
    if runner is None:
        raise UsageError(f"cannot tell the test runner from `{script}`; apr runs node --test, "
                         "mocha, jest or vitest (pass --test 'node --test test/')")
    if runner != "node":
        return NodeCommand(runner, words=tuple(words))
    return _node_command(words)


def pretest_script(project_dir: Path) -> str | None:
    """``scripts.pretest`` of package.json (what ``npm test`` runs first), if it has one."""
    scripts = read_package(project_dir).get("scripts")
    script = scripts.get("pretest") if isinstance(scripts, dict) else None
    return script if isinstance(script, str) and script.strip() else None


def _split(script: object) -> list[str]:
    """The words of a test command, as a shell would split them.

    Raises:
        UsageError: not a string, or unbalanced quotes.
    """
    if not isinstance(script, str):
        raise UsageError(f"package.json: scripts.test must be a string, got {script!r}")
    try:
        return shlex.split(script)
    except ValueError as exc:
        raise UsageError(f"cannot read the test command `{script}`: {exc}") from None


def _npm_placeholder(script: object) -> bool:
    return isinstance(script, str) and "no test specified" in script


def _segment(words: list[str]) -> list[str]:
    """The part of ``a && b`` that runs the tests (the last one naming a runner), without
    leading ``VAR=value`` words."""
    segments: list[list[str]] = [[]]
    for word in words:
        if word in ("&&", "||", ";", "|"):
            segments.append([])
        else:
            segments[-1].append(word)
    chosen = next((s for s in reversed(segments) if _runner_of(s)), segments[-1])
    while chosen and _ENV_WORD.match(chosen[0]):
        chosen = chosen[1:]
    return chosen


def _runner_of(words: list[str]) -> str | None:
    rest = words[1:] if words[:1] in (["npx"], ["pnpm"], ["yarn"]) else words
    if not rest:
        return None
    program = PurePosixPath(rest[0]).name
    if program in ("node", "nodejs"):
        return "node" if "--test" in rest else None
    return program if program in RUNNERS else None


def _runner_of_dependencies(package: dict[str, object]) -> str | None:
    deps: set[str] = set()
    for key in ("devDependencies", "dependencies"):
        value = package.get(key)
        if isinstance(value, dict):
            deps.update(value)
    found = [r for r in RUNNERS[1:] if r in deps]
    return found[0] if len(found) == 1 else None


def _node_command(words: list[str]) -> NodeCommand:
    flags: list[str] = []
    paths: list[str] = []
    index = 1
    while index < len(words):
        word = words[index]
        index += 1
        if not word.startswith("-"):
            paths.append(word)
            continue
        name = word.split("=", 1)[0]
        takes_value = "=" not in word and name in _VALUE_FLAGS
        value = [words[index]] if takes_value and index < len(words) else []
        index += len(value)
        if name not in _DROPPED_FLAGS:
            flags += [word, *value]
    return NodeCommand("node", tuple(flags), tuple(paths), tuple(words))


#: node flags followed by a separate value word.
_VALUE_FLAGS = frozenset({"--import", "--require", "-r", "--loader", "--experimental-loader",
                          "--test-reporter", "--test-reporter-destination", "--test-name-pattern",
                          "--test-concurrency", "--test-timeout", "--conditions", "-C",
                          "--env-file", "--input-type", "--stack-size"})


def test_files(project_dir: Path, paths: tuple[str, ...]) -> list[str]:
    """The test files ``node --test`` runs (POSIX, relative to ``project_dir``), sorted: the
    named files, the test files under the named folders and globs, or all of the project's."""
    if not paths:
        return _walk(project_dir, project_dir)
    found: set[str] = set()
    for path in paths:
        matches = sorted(project_dir.glob(path)) if any(c in path for c in "*?[") \
            else [project_dir / path]
        for match in matches:
            if match.is_dir():
                found.update(_walk(project_dir, match))
            elif match.is_file():
                found.add(match.relative_to(project_dir).as_posix())
    return sorted(found)


def _walk(project_dir: Path, folder: Path) -> list[str]:
    found = []
    for dirpath, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        rel = Path(dirpath).relative_to(project_dir)
        for name in files:
            file = (rel / name).as_posix()
            if is_default_test_file(file):
                found.append(file)
    return sorted(found)


def is_default_test_file(file: str) -> bool:
    """Whether ``node --test`` without arguments runs ``file`` (relative to the project)."""
    path = PurePosixPath(file)
    if path.suffix not in _JS_SUFFIXES or "node_modules" in path.parts:
        return False
    return "test" in path.parts[:-1] or bool(_TEST_NAME.search(path.name))


@dataclass(frozen=True, slots=True)
class RunnerFlags:
    """How a test runner's command line reads (mocha, jest): apr runs the runner itself, with
    the project's flags but those it sets or that would pick other tests.

    Attributes:
        programs: the names the runner's command is called by (``mocha``, ``_mocha``).
        values: flags followed by a separate value word (short forms included).
        dropped: flags apr leaves out of its own runs.
        spec: a flag whose value is a test path (mocha's ``--spec``), read as one.
        subcommands: words right after the runner's name that are not test paths (vitest's
            ``run``).
        dropped_prefixes: flags dropped by their start (vitest's ``--coverage.*``).
    """

    programs: frozenset[str]
    values: frozenset[str]
    dropped: frozenset[str]
    spec: str | None = None
    subcommands: frozenset[str] = frozenset()
    dropped_prefixes: tuple[str, ...] = ()

    def command(self, runner: str, words: Sequence[str]) -> NodeCommand:
        """The flags (in ``node_flags``) and test paths of the command: the words after the
        runner's name (none when the script runs the runner another way: ``npm run unit``)."""
        start = next((i + 1 for i, w in enumerate(words)
                      if PurePosixPath(w).name in self.programs), len(words))
        if start < len(words) and words[start] in self.subcommands:
            start += 1
        flags: list[str] = []
        paths: list[str] = []
        for word, value in self._flags(words[start:], paths):
            if word.split("=", 1)[0] == self.spec:
                paths += value or [word.split("=", 1)[1]]
            else:
                flags += [word, *value]
        return NodeCommand(runner, tuple(flags), tuple(paths), tuple(words))

    def kept(self, flags: Sequence[str]) -> list[str]:
        """``flags`` less the dropped ones (and their values)."""
        kept: list[str] = []
        for word, value in self._flags(flags, []):
            name = word.split("=", 1)[0]
            if name not in self.dropped and not name.startswith(self.dropped_prefixes):
                kept += [word, *value]
        return kept

    def _flags(self, words: Sequence[str], paths: list[str]) -> Iterator[tuple[str, list[str]]]:
        """Each flag with its separate value word, if it takes one; other words go to
        ``paths``."""
        rest = list(words)
        while rest:
            word = rest.pop(0)
            if not word.startswith("-"):
                paths.append(word)
                continue
            takes = "=" not in word and word.split("=", 1)[0] in self.values
            yield word, [rest.pop(0)] if takes and rest else []


def find_package(project_dir: Path, names: Sequence[str]) -> Path:
    """The folder of the first of the packages ``names`` installed in ``node_modules`` of the
    project folder or a folder above it (a monorepo's root).

    Raises:
        TestCommandNotFound: none is installed there.
    """
    for folder in (project_dir, *project_dir.parents):
        for name in names:
            package = folder / "node_modules" / name
            if (package / "package.json").is_file():
                return package
    raise TestCommandNotFound(
        f"{names[0]} is not installed for {project_dir} (no node_modules/{names[0]} in it or a "
        "folder above it): run `npm install` in the project first")
