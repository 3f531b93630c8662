"""Run a Node project's tests with jest (27+), per test: node's driver with jest underneath.

Test ids, one process per test file, per-file time limits and fail-fast are
:mod:`apr.project.node`'s. What differs:

- The process is ``node <jest's bin> [the project's flags] --ci --runInBand --watchman=false
  --forceExit --reporters=<apr's> [-t P] --runTestsByPath FILE``, with the project's own jest
  (``node_modules/jest`` or ``jest-cli`` in the project folder or a folder above it).
  ``--runTestsByPath``: the file is a path, not a pattern; ``--forceExit``: a test that leaves a
  handle open does not hold the process until the time limit. Flags that pick other tests,
  watch, replace reporters, collect coverage or run in parallel are dropped.
- apr's reporter (``js/apr-jest-reporter.cjs``) writes node's records, each naming its test by
  its title path (``describe`` titles, then the test's); tests that did not run are skipped.
- Picking tests: ``-t`` with the tests' full titles (jest matches them joined by spaces);
  test files: ``jest --listTests`` with the project's own flags and configuration.
- Coverage: jest runs sources through its transform (babel-jest by default), so V8's offsets
  are not the file's. Each test runs alone with jest's own coverage (``--coverage
  --coverageProvider=v8 --coverageReporters=json``), which maps them back; the covered lines
  are the statements (lines, for the v8 provider) that ran, read from ``coverage-final.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from apr import proc
from apr.errors import UsageError
from apr.project.node import LISTING, RunnerDriver, process_env
from apr.project.node_command import NodeCommand, RunnerFlags, find_package

#: jest's command line; ``--ci``, ``--runInBand``, ``--forceExit`` and the reporter are apr's.
JEST = RunnerFlags(
    programs=frozenset({"jest", "jest.js"}),
    values=frozenset({
        "--config", "-c", "--rootDir", "--roots", "--testEnvironment", "--env", "--testMatch",
        "--testRegex", "--testPathIgnorePatterns", "--setupFiles", "--setupFilesAfterEnv",
        "--moduleDirectories", "--moduleFileExtensions", "--modulePaths", "--moduleNameMapper",
        "--transform", "--transformIgnorePatterns", "--testTimeout", "--testRunner",
        "--resolver", "--globals", "--preset", "--projects", "--selectProjects", "--maxWorkers",
        "-w", "--reporters", "--testNamePattern", "-t", "--testPathPattern",
        "--testPathPatterns", "--outputFile", "--coverageDirectory", "--coverageProvider",
        "--coverageReporters", "--collectCoverageFrom", "--changedSince", "--seed", "--shard",
        "--testSequencer", "--cacheDirectory", "--snapshotResolver",
        "--workerIdleMemoryLimit"}),
    dropped=frozenset({
        "--watch", "--watchAll", "--coverage", "--collectCoverage", "--collectCoverageFrom",
        "--coverageDirectory", "--coverageProvider", "--coverageReporters", "--json",
        "--outputFile", "--reporters", "--verbose", "--maxWorkers", "-w", "--runInBand", "-i",
        "--bail", "-b", "--testNamePattern", "-t", "--testPathPattern", "--testPathPatterns",
        "--onlyChanged", "-o", "--changedSince", "--findRelatedTests", "--lastCommit",
        "--listTests", "--detectOpenHandles", "--ci", "--forceExit", "--watchman",
        "--no-watchman", "--runTestsByPath", "--shard", "--passWithNoTests", "--silent"}))


def jest_command(words: Sequence[str]) -> NodeCommand:
    """The flags (``node_flags``) and path patterns of a jest command."""
    return JEST.command("jest", words)


def find_jest(project_dir: Path) -> Path:
    """jest's command-line script (of the ``jest`` package, or ``jest-cli``'s).

    Raises:
        TestCommandNotFound: jest is not installed.
    """
    return find_package(project_dir, ("jest", "jest-cli")) / "bin" / "jest.js"


class JestDriver(RunnerDriver):
    """TestDriver for projects tested with jest (``npm test`` = ``jest ...``).

    Args:
        command: the test command (``"jest src/"``); None: ``package.json``'s ``scripts.test``.
        node: the node executable.
    """

    name = "jest"
    FLAGS = JEST
    #: jest's own start-up (its module registry, the transform, a config with ts-jest) takes
    #: 1-3 s on a busy machine: node's 3 s made candidates of commander.js time out.
    startup = 10.0

    def __init__(self, command: str | None = None, *, node: str = "node") -> None:
        super().__init__(command, node=node)
        data = resources.files("apr.project").joinpath("js/apr-jest-reporter.cjs").read_bytes()
        self.reporter = self._dir / "apr-jest-reporter.cjs"
        self.reporter.write_bytes(data)

    def script(self, project_dir: Path) -> Path:
        return find_jest(project_dir)

    def file_argv(self, spec: NodeCommand, file: str, pattern: str | None) -> list[str]:
        """The command running one test file with apr's reporter (and a ``-t``)."""
        argv = [self.node, *spec.node_flags, "--ci", "--runInBand", "--watchman=false",
                "--forceExit", f"--reporters={self.reporter}"]
        if pattern is not None:
            argv += ["-t", pattern]
        return [*argv, "--runTestsByPath", file]

    def coverage_env(self, folder: Path) -> dict[str, str]:
        return {}

    def coverage_args(self, folder: Path | None) -> list[str]:
        """jest's own v8 coverage into ``folder``; none at all otherwise, whatever the
        project's ``collectCoverage`` says (it would slow every run and write ``coverage/``)."""
        if folder is None:
            return ["--coverage=false"]
        return ["--coverage", "--coverageProvider=v8", "--coverageReporters=json",
                f"--coverageDirectory={folder}"]

    def read_coverage(self, folder: Path, repo_root: Path) -> dict[str, tuple[int, ...]]:
        return istanbul_lines(folder, repo_root)

    def test_files(self, project_dir: Path, spec: NodeCommand) -> list[str]:
        """``jest --listTests`` with the project's flags, path patterns and configuration.

        Raises:
            UsageError: jest could not list them.
        """
        argv = [self.node, *spec.node_flags, "--ci", "--watchman=false", "--listTests",
                "--json", *spec.paths]
        # loading the project's configuration (and, for vitest, its test files) runs its
        # code: inside the fence and with the environment of its test runs
        env = process_env(None, self.env(project_dir))
        res = proc.run_tests(argv, cwd=project_dir, timeout=LISTING, env=env)
        arrays = [ln for ln in res.output.splitlines() if ln.startswith("[")]
        try:
            listed = json.loads(arrays[-1]) if arrays else None
        except ValueError:
            listed = None
        if not isinstance(listed, list):
            raise UsageError(f"jest could not list the project's tests:\n{res.tail(30)}")
        base = project_dir.resolve()
        files = []
        for path in listed:
            try:
                files.append(Path(path).resolve().relative_to(base).as_posix())
            except ValueError:
                continue
        return sorted(files)


def istanbul_lines(folder: Path, repo_root: Path) -> dict[str, tuple[int, ...]]:
    """The lines whose statements ran, per file under ``repo_root`` (``node_modules`` left
    out), from the ``coverage-final.json`` (istanbul's format) that jest or vitest wrote into
    ``folder``."""
    try:
        data = json.loads((folder / "coverage-final.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    base = repo_root.resolve()
    found: dict[str, tuple[int, ...]] = {}
    for file, entry in data.items() if isinstance(data, dict) else ():
        try:
            rel = Path(file).resolve().relative_to(base)
        except (ValueError, OSError):
            continue
        if "node_modules" not in rel.parts:
            found[rel.as_posix()] = _ran_lines(entry)
    return found


def _ran_lines(entry: Any) -> tuple[int, ...]:
    if not isinstance(entry, dict):
        return ()
    statements = entry.get("statementMap") or {}
    counts = entry.get("s") or {}
    lines = {int(statements[k]["start"]["line"]) for k, count in counts.items()
             if count and k in statements}
    return tuple(sorted(lines))
