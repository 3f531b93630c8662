"""Run a Python project's tests with pytest, per test, optionally with per-test coverage.

Outcomes come from our own pytest plugin (``pytest_plugin.py``, loaded with ``-p``): pytest node
ids are not the names in its JUnit XML, so we record node id -> outcome directly. Per-test
coverage comes from the same plugin, which records the lines each test runs by itself: the
project's environment needs pytest (6 to 8, on Python 3.8+) and nothing else; pytest-cov, when
the project uses it, goes on working beside it.

The interpreter is the project's own (:mod:`apr.project.interpreter`). The workspace's project
folder and its ``src/`` come first on ``PYTHONPATH``: a project installed in editable mode into
its virtualenv would otherwise import the user's tree instead of the patched workspace.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import sys
import tempfile
import weakref
from collections.abc import Sequence
from importlib import resources
from pathlib import Path, PurePosixPath

from apr import proc
from apr.errors import TestCommandNotFound
from apr.model import TestRun, TestStatus
from apr.project.interpreter import Interpreter, find_python
from apr.project.py_init import with_import_lines
from apr.project.pytest_warm import SERVER, WarmPool, WarmRun, launch_of

_PLUGIN = "apr_pytest_plugin"


class PytestDriver:
    """TestDriver for pytest projects.

    Args:
        command: the pytest command line (e.g. ``"python -m pytest tests/unit"``); ``None`` runs
            ``<python> -m pytest`` with the project's interpreter.
        project_dir: the user's project folder, where its virtualenv is looked for.
        python: an interpreter or virtualenv given by the user (``--python``).
    """

    name = "pytest"
    records_values = True  # run(..., values=FILES): TestRun.values

    def __init__(self, command: str | Sequence[str] | None = None, *,
                 project_dir: Path | None = None, repo_root: Path | None = None,
                 python: str | None = None, warm: bool = True) -> None:
        if isinstance(command, str):
            command = shlex.split(command)
        self.command = list(command) if command else None
        self.interpreter: Interpreter | None = None
        if not self.command and (project_dir is not None or python):
            self.interpreter = find_python(project_dir or Path.cwd(), repo_root, python)
        self._plugin_dir = Path(tempfile.mkdtemp(prefix="apr-plugin-"))
        # removed by close(), or at garbage collection or exit when nobody called it
        self._removal = weakref.finalize(self, shutil.rmtree, self._plugin_dir, True)
        _copy_script("pytest_plugin.py", self._plugin_dir / f"{_PLUGIN}.py")
        self.warm: WarmPool | None = None
        if warm:
            script = _copy_script("pytest_forkserver.py", self._plugin_dir / f"{SERVER}.py")
            _copy_script("pytest_swap.py", self._plugin_dir / "apr_pytest_swap.py")
            _copy_script("pytest_session.py", self._plugin_dir / "apr_pytest_session.py")
            roots = [p for p in (project_dir, repo_root) if p is not None]
            self.warm = WarmPool(script, roots)

    def close(self) -> None:
        if self.warm is not None:
            self.warm.close()
        self._removal()

    def argv(self, project_dir: Path) -> list[str]:
        if self.command:
            return list(self.command)
        if self.interpreter is not None:
            return [self.interpreter.path, "-m", "pytest"]
        return [_python_for(project_dir), "-m", "pytest"]

    def describe(self, project_dir: Path) -> str:
        """The test command as run, and where its interpreter came from (printed at start)."""
        origin = f" (Python from {self.interpreter.origin})" if self.interpreter else ""
        return shlex.join(self.argv(project_dir)) + origin

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
        values: Sequence[str] = (),
    ) -> TestRun:
        """See :class:`~apr.project.base.TestDriver`; ``values``: files (relative to
        ``repo_root``) whose functions' return values each test records (``TestRun.values``;
        such a run, like one with coverage, is never a warm one)."""
        with tempfile.TemporaryDirectory(prefix="apr-run-") as tmp:
            results = Path(tmp) / "results.jsonl"
            argv = self._full_argv(project_dir, tests, fail_fast)
            env = self._env(project_dir, results, test_timeout)
            if coverage:
                env["APR_COVERAGE_ROOT"] = str(repo_root)
            if values:
                env["APR_VALUES"] = os.pathsep.join(str(repo_root / f) for f in values)
            cold = functools.partial(_cold, argv, project_dir, timeout, env)
            res = None
            if not coverage and not values:
                job = self._warm_job(project_dir, repo_root, argv, env, Path(tmp), timeout,
                                     len(tests) if tests is not None else 0)
                res = None if job is None or self.warm is None else self.warm.run(job, cold)
            if res is None:
                res = cold()
            _check_pytest(argv, results, res)
            run = _read_results(results, res, repo_root if coverage else None)
        return run

    def prepare(self, project_dir: Path, repo_root: Path) -> None:
        """Start the warm worker of a workspace that will run candidates, ahead of its first
        run (the pipeline does it while the baseline runs), primed for the whole suite: the
        modules its tests import loaded, its tests collected (the runs of the targets, not
        known yet, collect theirs in the loaded worker); nothing when tests run cold."""
        if self.warm is None:
            return
        with tempfile.TemporaryDirectory(prefix="apr-prime-") as name:
            tmp = Path(name)
            env = self._env(project_dir, tmp / "results.jsonl", None)
            job = self._warm_job(project_dir, repo_root,
                                 self._full_argv(project_dir, None, False), env, tmp, None)
            if job is not None:
                self.warm.prepare(job)

    def _warm_job(self, project_dir: Path, repo_root: Path, argv: list[str],
                  env: dict[str, str], tmp: Path, timeout: float | None,
                  tests: int = 0) -> WarmRun | None:
        """A run's request for the warm worker (``tests``: how many of ``argv``, at its end,
        are test ids); None when it runs cold."""
        if self.warm is None:
            return None
        command = self.argv(project_dir)
        launch = launch_of(command, env)
        if isinstance(launch, str):
            self.warm.note(launch)
            return None
        return WarmRun(project_dir, repo_root, launch, tuple(argv[len(command):]), env,
                       tmp / "results.jsonl", tmp / "output", timeout, tests)

    def _full_argv(self, project_dir: Path, tests: Sequence[str] | None,
                   fail_fast: bool) -> list[str]:
        argv = self.argv(project_dir)
        argv += ["-p", _PLUGIN, "-p", "no:cacheprovider", "-q", "--no-header", "-rN",
                 "--tb=short", "-o", "console_output_style=classic"]
        if fail_fast:
            argv.append("-x")
        if tests is not None:
            argv += list(tests)
        return argv

    def _env(self, project_dir: Path, results: Path,
             test_timeout: float | None) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PYTEST_ADDOPTS", None)
        env.pop("APR_COVERAGE_ROOT", None)
        env.pop("APR_VALUES", None)
        code = [str(project_dir / "src")] if (project_dir / "src").is_dir() else []
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self._plugin_dir), *code, str(project_dir), env.get("PYTHONPATH", ""))
            if p)
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # a same-size edit within a second reuses stale .pyc
        env["APR_RESULTS"] = str(results)
        env["APR_TEST_TIMEOUT"] = str(test_timeout or 0)
        return env


def _copy_script(name: str, to: Path) -> Path:
    """Copy one of apr's scripts for the project's interpreter (it runs outside apr)."""
    to.write_bytes(resources.files("apr.project").joinpath(name).read_bytes())
    return to


def _cold(argv: list[str], project_dir: Path, timeout: float | None,
          env: dict[str, str]) -> proc.ProcResult:
    try:
        return proc.run_tests(argv, cwd=project_dir, timeout=timeout, env=env)
    except FileNotFoundError:
        raise TestCommandNotFound(
            f"test command not found: {argv[0]} (is pytest installed? pass --test)") from None


def _python_for(project_dir: Path) -> str:
    for candidate in (".venv/bin/python", "venv/bin/python"):
        path = project_dir / candidate
        if path.exists():
            return str(path)
    return sys.executable


def _check_pytest(argv: Sequence[str], results: Path, res: proc.ProcResult) -> None:
    """Raise when the interpreter has no pytest at all (the plugin never started)."""
    started = results.exists() and results.stat().st_size > 0
    if not started and "No module named pytest" in res.output:
        python = argv[0]
        raise TestCommandNotFound(
            f"{python} has no pytest: install it there (`{python} -m pip install pytest`), or "
            "pass --python PATH (an interpreter or virtualenv that has it) or --test CMD")


def _read_results(path: Path, res: proc.ProcResult, coverage_root: Path | None) -> TestRun:
    outcomes: dict[str, TestStatus] = {}
    traces: dict[str, str] = {}
    durations: dict[str, float] = {}
    values: dict[str, dict[str, int]] = {}
    coverage: dict[str, dict[str, tuple[int, ...]]] = {}
    imports: dict[str, frozenset[int]] = {}
    errors: list[str] = []
    base = coverage_root.resolve() if coverage_root is not None else None
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for line in lines:
        rec = json.loads(line)
        if rec["kind"] == "test":
            outcomes[rec["nodeid"]] = TestStatus(rec["outcome"])
            durations[rec["nodeid"]] = round(rec["seconds"], 4)
            if rec["trace"]:
                traces[rec["nodeid"]] = rec["trace"]
            if "values" in rec:
                values[rec["nodeid"]] = rec["values"]
            if base is not None:
                coverage[rec["nodeid"]] = _relative(rec.get("lines", {}), base)
        elif rec["kind"] == "coverage" and base is not None:
            coverage[rec["nodeid"]] = _relative(rec["lines"], base)
        elif rec["kind"] == "import" and base is not None:
            for file, ran in _relative(rec["lines"], base).items():
                imports[file] = imports.get(file, frozenset()) | frozenset(ran)
        elif rec["kind"] == "error":
            errors.append(f"{rec['nodeid']}: {rec['trace']}")
    if imports and base is not None:
        coverage = with_import_lines(coverage, imports, base)
    return TestRun(outcomes=outcomes, seconds=res.seconds, returncode=res.returncode,
                   timed_out=res.timed_out, output=res.output[-20000:], traces=traces,
                   errors=tuple(errors), durations=durations, coverage=coverage,
                   values=values)


def _relative(files: dict[str, list[int]], base: Path) -> dict[str, tuple[int, ...]]:
    """The plugin's ``{real path: lines}`` as ``{path relative to root: lines}``."""
    out: dict[str, tuple[int, ...]] = {}
    for name, lines in files.items():
        try:
            rel = Path(name).relative_to(base).as_posix()
        except ValueError:
            continue
        out[rel] = tuple(sorted(lines))
    return out
