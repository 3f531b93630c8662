"""Run a Node project's tests with mocha (8+), per test: node's driver with mocha underneath.

Everything but the command is :mod:`apr.project.node`'s: test ids (``<file>::<suite> > <test>``),
one process per test file, per-file time limits, per-test V8 coverage, fail-fast. What differs:

- The process is ``node <mocha's bin> [the project's flags] --config <apr's> --no-package
  --reporter <apr's> --exit [--grep P] FILE``, with the project's own mocha (found in the
  ``node_modules`` of the project folder or a folder above it: a missing one is a clear error).
- apr's configuration file (``js/apr-mocharc.cjs``) loads the project's (``.mocharc.*`` or the
  one its command names, and package.json's ``mocha`` key) with mocha's own loader and drops
  ``spec`` (mocha would add the project's test files to the one apr runs), ``reporter``,
  ``watch``, ``parallel``, ``grep`` and ``bail``; the same flags are dropped from the command.
  ``--exit``: a test that leaves a server or timer open does not hold its file's process until
  the time limit.
- apr's reporter (``js/apr-mocha-reporter.cjs``) writes node's records, each naming its test by
  its title path; tests that did not run are recorded at the end (skipped; or failed, with the
  error of the ``before``/``beforeEach`` hook that failed under them).
- Picking tests: ``--grep`` with the tests' full titles (mocha matches the suites' and the
  test's titles joined by spaces), anchored; the test files: a run of mocha over the project's
  own spec with a pattern that matches nothing, whose reporter lists every test it loaded, and
  the file it came from.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from apr import proc
from apr.errors import UsageError
from apr.project.node import LISTING, NOTHING, RunnerDriver, parse_results, process_env
from apr.project.node_command import NodeCommand, RunnerFlags, find_package, test_command

#: mocha's command line; ``--exit``, ``--config``, ``--package`` are apr's own.
MOCHA = RunnerFlags(
    programs=frozenset({"mocha", "_mocha", "mocha.js"}),
    values=frozenset({
        "--require", "-r", "--ui", "-u", "--timeout", "-t", "--slow", "-s", "--retries",
        "--extension", "--ignore", "--exclude", "--file", "--node-option", "-n", "--reporter",
        "-R", "--reporter-option", "--reporter-options", "-O", "--grep", "-g", "--fgrep", "-f",
        "--jobs", "-j", "--watch-files", "--watch-ignore", "--config", "--package", "--spec"}),
    dropped=frozenset({
        "--reporter", "-R", "--reporter-option", "--reporter-options", "-O", "--watch", "-w",
        "--watch-files", "--watch-ignore", "--parallel", "-p", "--jobs", "-j", "--grep", "-g",
        "--fgrep", "-f", "--invert", "-i", "--bail", "-b", "--dry-run", "--exit", "--no-exit",
        "--config", "--no-config", "--package", "--no-package", "--spec"}),
    spec="--spec")


def mocha_command(words: Sequence[str]) -> NodeCommand:
    """The flags (``node_flags``) and spec paths of a mocha command."""
    return MOCHA.command("mocha", words)


def find_mocha(project_dir: Path) -> Path:
    """The folder of the project's mocha package.

    Raises:
        TestCommandNotFound: mocha is not installed.
    """
    return find_package(project_dir, ("mocha",))


#: The oldest mocha apr runs: ``lib/cli/config.js`` (the configuration loader) and
#: ``Runnable.titlePath`` exist from mocha 6 on, ``--exit`` from 4; 8 is the oldest tested.
OLDEST = 8


def _bin(mocha: Path) -> Path:
    """mocha's command-line script (``bin/mocha.js`` in mocha 10+, ``bin/mocha`` before).

    Raises:
        UsageError: the project's mocha is older than :data:`OLDEST`.
    """
    data = json.loads((mocha / "package.json").read_text(encoding="utf-8"))
    version = str(data.get("version", ""))
    major = version.partition(".")[0]
    if major.isdigit() and int(major) < OLDEST:
        raise UsageError(
            f"this project's mocha is {version} ({mocha}); apr runs mocha {OLDEST} or newer "
            f"(its reporter and configuration loader): install one (`npm install --save-dev "
            f"mocha@10`; options of test/mocha.opts move to .mocharc.json)")
    bins = data.get("bin")
    name = bins.get("mocha") if isinstance(bins, dict) else None
    return mocha / (name or "bin/mocha")


class MochaDriver(RunnerDriver):
    """TestDriver for projects tested with mocha (``npm test`` = ``mocha ...``).

    Args:
        command: the test command (``"mocha --recursive test/"``); None: ``package.json``'s
            ``scripts.test``.
        node: the node executable.
    """

    name = "mocha"
    FLAGS = MOCHA
    coverage_per_file = True

    def __init__(self, command: str | None = None, *, node: str = "node") -> None:
        super().__init__(command, node=node)
        for script in ("apr-mocha-reporter.cjs", "apr-mocharc.cjs"):
            data = resources.files("apr.project").joinpath(f"js/{script}").read_bytes()
            (self._dir / script).write_bytes(data)
        self.reporter = self._dir / "apr-mocha-reporter.cjs"
        self.config = self._dir / "apr-mocharc.cjs"
        self._envs: dict[Path, dict[str, str]] = {}

    def script(self, project_dir: Path) -> Path:
        return _bin(find_mocha(project_dir))

    def coverage_env(self, folder: Path) -> dict[str, str]:
        """V8 coverage, taken test by test by apr's reporter."""
        return {"NODE_V8_COVERAGE": str(folder), "APR_TEST_COVERAGE": "1"}

    def env(self, project_dir: Path) -> dict[str, str]:
        """Where apr's configuration file finds mocha's loader and the project's settings (read
        once per project folder: every test process asks)."""
        if project_dir not in self._envs:
            self._envs[project_dir] = self._read_env(project_dir)
        return dict(self._envs[project_dir])

    def _read_env(self, project_dir: Path) -> dict[str, str]:
        flags = mocha_command(test_command(project_dir, self.command).words).node_flags
        chosen = _flag_value(flags, "--config")
        package = _flag_value(flags, "--package") or str(project_dir / "package.json")
        return {
            "APR_MOCHA_CONFIG_LIB": str(find_mocha(project_dir) / "lib" / "cli" / "config.js"),
            "APR_MOCHA_CONFIG": "none" if "--no-config" in flags else (chosen or ""),
            "APR_MOCHA_PACKAGE": "" if "--no-package" in flags else package,
        }

    def file_argv(self, spec: NodeCommand, file: str | None, pattern: str | None) -> list[str]:
        """The command running one test file (None: the project's own spec and configuration)
        with apr's reporter (and a ``--grep``)."""
        argv = [self.node, *spec.node_flags]
        if file is not None:
            argv += ["--config", str(self.config), "--no-package"]
        argv += ["--reporter", str(self.reporter), "--exit", "--no-parallel", "--full-trace"]
        if pattern is not None:
            argv += ["--grep", pattern]
        return [*argv, *([file] if file is not None else spec.paths)]

    def test_files(self, project_dir: Path, spec: NodeCommand) -> list[str]:
        """The files mocha runs for the project's own command, found by mocha: one process
        over the whole spec with a pattern that matches nothing; apr's reporter lists the tests
        it loaded (they are known then: no file is listed again).

        Raises:
            UsageError: mocha could not load the tests.
        """
        with tempfile.TemporaryDirectory(prefix="apr-mocha-list-") as tmp:
            results = Path(tmp) / "results.jsonl"
            env = process_env(results, self.env(project_dir))
            argv = self.file_argv(spec, None, NOTHING)
            res = proc.run_tests(argv, cwd=project_dir, timeout=LISTING, env=env)
            lines = results.read_text(encoding="utf-8").splitlines() if results.exists() else []
        by_file: dict[str, list[str]] = {}
        for line in lines:
            try:
                file = json.loads(line).get("file")
            except ValueError:
                continue
            if file:
                by_file.setdefault(str(file), []).append(line)
        if not by_file and res.returncode not in (0, None):
            raise UsageError(f"mocha could not load the project's tests:\n{res.tail(30)}")
        for file, records in by_file.items():
            self._known[file] = sorted(parse_results(records, file).outcomes)
        return sorted(by_file)


def _flag_value(flags: Sequence[str], name: str) -> str | None:
    for i, word in enumerate(flags):
        if word == name and i + 1 < len(flags):
            return flags[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None
