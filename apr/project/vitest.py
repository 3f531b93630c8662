"""Run a Node project's tests with vitest (1+), per test: node's driver with vitest underneath.

Test ids, one process per test file, per-file time limits and fail-fast are
:mod:`apr.project.node`'s. What differs:

- The process is ``node <vitest's bin> run [the project's flags] --reporter=<apr's>
  --coverage.enabled=false [-t P] FILE`` with the project's own vitest (``node_modules/vitest``
  in the project folder or a folder above it); the project's configuration
  (``vitest.config.*``/``vite.config.*``) applies. Flags that watch, replace reporters, collect
  coverage, pick other tests or shard are dropped.
- apr's reporter (``js/apr-vitest-reporter.mjs``) writes node's records when the run ends,
  each naming its test by its title path; tests that did not run are skipped.
- Picking tests: ``-t`` with the tests' full titles (vitest matches them joined by spaces);
  test files: ``vitest list --json`` with the project's flags and path filters (it lists every
  test and its file, so no file is listed again).
- Coverage: vite transforms every file, so V8's offsets are not the file's. Each test runs
  alone with vitest's own v8 coverage (``--coverage.provider=v8``, reported as istanbul JSON
  even when the test fails), which needs the project's ``@vitest/coverage-v8`` (the package
  ``vitest --coverage`` asks for); without it the baseline says how to install it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from apr import proc
from apr.errors import TestCommandNotFound, UsageError
from apr.model import TestRun
from apr.project.jest import istanbul_lines
from apr.project.node import LISTING, RunnerDriver, process_env, test_id
from apr.project.node_command import NodeCommand, RunnerFlags, find_package

#: vitest's command line; ``run``, the reporter and coverage are apr's.
VITEST = RunnerFlags(
    programs=frozenset({"vitest", "vitest.mjs"}),
    values=frozenset({
        "--config", "-c", "--root", "-r", "--dir", "--environment", "--pool", "--project",
        "--mode", "--reporter", "--outputFile", "--testNamePattern", "-t", "--exclude",
        "--shard", "--testTimeout", "--hookTimeout", "--maxWorkers", "--minWorkers",
        "--sequence.seed", "--retry", "--workspace", "--inspect", "--browser"}),
    dropped=frozenset({
        "--watch", "-w", "--run", "--reporter", "--outputFile", "--testNamePattern", "-t",
        "--ui", "--open", "--bail", "--changed", "--shard", "--passWithNoTests", "--silent",
        "--coverage", "--update", "-u", "--typecheck", "--standalone", "--clearScreen"}),
    subcommands=frozenset({"run", "watch", "dev"}),
    dropped_prefixes=("--coverage.",))


def vitest_command(words: Sequence[str]) -> NodeCommand:
    """The flags (``node_flags``) and path filters of a vitest command."""
    return VITEST.command("vitest", words)


class VitestDriver(RunnerDriver):
    """TestDriver for projects tested with vitest (``npm test`` = ``vitest run ...``).

    Args:
        command: the test command (``"vitest run src/"``); None: ``package.json``'s
            ``scripts.test``.
        node: the node executable.
    """

    name = "vitest"
    FLAGS = VITEST
    #: vite's start-up (the config, the transform pipeline) takes 1-3 s on a busy machine.
    startup = 10.0

    def __init__(self, command: str | None = None, *, node: str = "node") -> None:
        super().__init__(command, node=node)
        data = resources.files("apr.project").joinpath("js/apr-vitest-reporter.mjs").read_bytes()
        self.reporter = self._dir / "apr-vitest-reporter.mjs"
        self.reporter.write_bytes(data)

    def script(self, project_dir: Path) -> Path:
        return find_package(project_dir, ("vitest",)) / "vitest.mjs"

    def run(self, project_dir: Path, repo_root: Path, tests: Sequence[str] | None = None, *,
            coverage: bool = False, fail_fast: bool = False, timeout: float | None = None,
            test_timeout: float | None = None) -> TestRun:
        """As the node driver's; per-test coverage first checks that vitest's v8 provider is
        installed.

        Raises:
            TestCommandNotFound: coverage was asked for and ``@vitest/coverage-v8`` is missing.
        """
        if coverage:
            try:
                find_package(project_dir, ("@vitest/coverage-v8",))
            except TestCommandNotFound:
                raise TestCommandNotFound(
                    "apr takes per-test coverage with vitest's v8 provider, which this project "
                    "does not have: `npm install --save-dev @vitest/coverage-v8` (the version "
                    "of its vitest)") from None
        return super().run(project_dir, repo_root, tests, coverage=coverage,
                           fail_fast=fail_fast, timeout=timeout, test_timeout=test_timeout)

    def file_argv(self, spec: NodeCommand, file: str, pattern: str | None) -> list[str]:
        """The command running one test file with apr's reporter (and a ``-t``)."""
        script, *flags = spec.node_flags
        argv = [self.node, script, "run", *flags, f"--reporter={self.reporter}"]
        if pattern is not None:
            argv += ["-t", pattern]
        return [*argv, file]

    def coverage_env(self, folder: Path) -> dict[str, str]:
        return {}

    def coverage_args(self, folder: Path | None) -> list[str]:
        """vitest's own v8 coverage into ``folder`` (written even when the test fails); none
        at all otherwise, whatever the project's configuration says."""
        if folder is None:
            return ["--coverage.enabled=false"]
        return ["--coverage.enabled=true", "--coverage.provider=v8", "--coverage.reporter=json",
                f"--coverage.reportsDirectory={folder}", "--coverage.reportOnFailure=true"]

    def read_coverage(self, folder: Path, repo_root: Path) -> dict[str, tuple[int, ...]]:
        return istanbul_lines(folder, repo_root)

    def test_files(self, project_dir: Path, spec: NodeCommand) -> list[str]:
        """``vitest list --json`` with the project's flags and filters: every test and its file
        (the tests of each file are known then).

        Raises:
            UsageError: vitest could not list them.
        """
        script, *flags = spec.node_flags
        # ``--json`` last: it takes an optional path, and would take (and overwrite) a filter
        argv = [self.node, script, "list", *flags, *spec.paths, "--json"]
        # loading the project's configuration (and, for vitest, its test files) runs its
        # code: inside the fence and with the environment of its test runs
        env = process_env(None, self.env(project_dir))
        res = proc.run_tests(argv, cwd=project_dir, timeout=LISTING, env=env)
        listed = _json_array(res.output)
        if listed is None:
            raise UsageError(f"vitest could not list the project's tests:\n{res.tail(30)}")
        base = project_dir.resolve()
        known: dict[str, list[str]] = {}
        for entry in listed:
            try:
                file = Path(str(entry["file"])).resolve().relative_to(base).as_posix()
            except (KeyError, TypeError, ValueError):
                continue
            names = str(entry.get("name", "")).split(" > ")
            known.setdefault(file, []).append(test_id(file, names))
        for file, ids in known.items():
            self._known[file] = sorted(ids)
        return sorted(known)


def _json_array(output: str) -> list[dict[str, object]] | None:
    """The JSON array a command printed (after whatever else it printed), or None."""
    start = output.find("[\n")
    if start < 0:
        start = output.find("[")
    try:
        data = json.loads(output[start:]) if start >= 0 else None
    except ValueError:
        return None
    return data if isinstance(data, list) else None
