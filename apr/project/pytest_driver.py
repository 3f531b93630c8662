"""Run a Python project's tests with pytest, per test, optionally with per-test coverage.

Outcomes come from our own pytest plugin (``pytest_plugin.py``, loaded with ``-p``): pytest node
ids are not the names in its JUnit XML, so we record node id -> outcome directly. Per-test
coverage uses pytest-cov's ``--cov-context=test``, which labels each covered line with the node
ids that ran it (``"<nodeid>|run"``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path, PurePosixPath

from apr import proc
from apr.errors import TestCommandNotFound
from apr.model import TestRun, TestStatus

_PLUGIN = "apr_pytest_plugin"


class PytestDriver:
    """TestDriver for pytest projects.

    Args:
        command: the pytest command line (e.g. ``"python -m pytest tests/unit"``); ``None`` runs
            ``<python> -m pytest`` with the project's ``.venv`` Python if it has one, else ours.
    """

    name = "pytest"

    def __init__(self, command: str | Sequence[str] | None = None) -> None:
        if isinstance(command, str):
            command = shlex.split(command)
        self.command = list(command) if command else None
        self._plugin_dir = Path(tempfile.mkdtemp(prefix="apr-plugin-"))
        plugin = resources.files("apr.project").joinpath("pytest_plugin.py").read_bytes()
        (self._plugin_dir / f"{_PLUGIN}.py").write_bytes(plugin)

    def close(self) -> None:
        shutil.rmtree(self._plugin_dir, ignore_errors=True)

    def argv(self, project_dir: Path) -> list[str]:
        if self.command:
            return list(self.command)
        return [_python_for(project_dir), "-m", "pytest"]

    def is_test_file(self, file: str) -> bool:
        path = PurePosixPath(file)
        return (path.name.startswith("test_") or path.stem.endswith("_test")
                or path.name == "conftest.py"
                or any(p in ("tests", "test", "testing") for p in path.parts[:-1]))

    def run(
        self,
        project_dir: Path,
        repo_root: Path,
        tests: Sequence[str] | None = None,
        *,
        coverage: bool = False,
        fail_fast: bool = False,
        timeout: float | None = None,
        test_timeout: float | None = None,
    ) -> TestRun:
        with tempfile.TemporaryDirectory(prefix="apr-run-") as tmp:
            results, cov_file = Path(tmp) / "results.jsonl", Path(tmp) / "coverage"
            argv = self._full_argv(project_dir, tests, coverage, fail_fast)
            env = self._env(results, cov_file, test_timeout)
            try:
                res = proc.run(argv, cwd=project_dir, timeout=timeout, env=env)
            except FileNotFoundError:
                raise TestCommandNotFound(
                    f"test command not found: {argv[0]} (is pytest installed? pass --test)"
                ) from None
            run = _read_results(results, res)
            if coverage and cov_file.exists():
                cov = _read_coverage(cov_file, repo_root)
                run = dataclasses.replace(run, coverage={
                    t: {f: tuple(sorted(lines)) for f, lines in files.items()}
                    for t, files in cov.items()})
        return run

    def _full_argv(self, project_dir: Path, tests: Sequence[str] | None, coverage: bool,
                   fail_fast: bool) -> list[str]:
        argv = self.argv(project_dir)
        argv += ["-p", _PLUGIN, "-p", "no:cacheprovider", "-q", "--no-header", "-rN",
                 "--tb=short", "-o", "console_output_style=classic"]
        if coverage:
            argv += [f"--cov={project_dir}", "--cov-context=test", "--cov-report="]
        if fail_fast:
            argv.append("-x")
        if tests is not None:
            argv += list(tests)
        return argv

    def _env(self, results: Path, cov_file: Path, test_timeout: float | None) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PYTEST_ADDOPTS", None)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self._plugin_dir), env.get("PYTHONPATH", "")) if p)
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # a same-size edit within a second reuses stale .pyc
        env["APR_RESULTS"] = str(results)
        env["APR_TEST_TIMEOUT"] = str(test_timeout or 0)
        env["COVERAGE_FILE"] = str(cov_file)
        return env


def _python_for(project_dir: Path) -> str:
    for candidate in (".venv/bin/python", "venv/bin/python"):
        path = project_dir / candidate
        if path.exists():
            return str(path)
    return sys.executable


def _read_results(path: Path, res: proc.ProcResult) -> TestRun:
    outcomes: dict[str, TestStatus] = {}
    traces: dict[str, str] = {}
    durations: dict[str, float] = {}
    errors: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for line in lines:
        rec = json.loads(line)
        if rec["kind"] == "test":
            outcomes[rec["nodeid"]] = TestStatus(rec["outcome"])
            durations[rec["nodeid"]] = round(rec["seconds"], 4)
            if rec["trace"]:
                traces[rec["nodeid"]] = rec["trace"]
        elif rec["kind"] == "error":
            errors.append(f"{rec['nodeid']}: {rec['trace']}")
    return TestRun(outcomes=outcomes, seconds=res.seconds, returncode=res.returncode,
                   timed_out=res.timed_out, output=res.output[-20000:], traces=traces,
                   errors=tuple(errors), durations=durations)


def _read_coverage(cov_file: Path, repo_root: Path) -> dict[str, dict[str, set[int]]]:
    """test id -> file (relative to repo root) -> covered lines."""
    from coverage import CoverageData

    data = CoverageData(basename=str(cov_file))
    data.read()
    per_test: dict[str, dict[str, set[int]]] = {}
    root = repo_root.resolve()
    for measured in data.measured_files():
        try:
            rel = Path(measured).resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        for line, contexts in data.contexts_by_lineno(measured).items():
            for ctx in contexts:
                test = ctx.rsplit("|", 1)[0]
                if test:
                    per_test.setdefault(test, {}).setdefault(rel, set()).add(line)
    return per_test
