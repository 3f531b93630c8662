"""The project's own environment: pytest without pytest-cov, no pytest at all, pytest-cov kept.

The venvs are real (``python -m venv`` + pip from the package index), built once per session.
"""

from __future__ import annotations

import glob
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from apr.cli import main
from apr.model import TestRun
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo
from tests.conftest import BUGGY_STATS, RepoFactory

BOUNDS = "tests/test_summary.py::test_count_bounds_inclusive"


def _newest_python() -> str:
    """A Python 3.12+ when the machine has one (sys.monitoring), else the one running us."""
    found = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.1[2-9]*/bin/python3")))
    return found[-1] if found else sys.executable


@pytest.fixture(scope="session")
def pytest_only_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv-pytest-only")
    subprocess.run([_newest_python(), "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", "pytest"], check=True)
    return venv


def _line(source: str, text: str) -> int:
    """The line of ``text`` in a file as ``write_files`` writes ``source``."""
    lines = textwrap.dedent(source).lstrip("\n").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def baseline_of(repo: Path, command: str) -> TestRun:
    """The whole suite of ``repo`` run once with per-test coverage through ``command``."""
    snap = Snapshot(UserRepo.locate(repo))
    driver = PytestDriver(command)
    try:
        ws = snap.workspace("baseline")
        return driver.run(ws.project_dir, ws.root, coverage=True, test_timeout=10)
    finally:
        driver.close()
        snap.close()


@pytest.mark.slow
def test_coverage_without_pytest_cov(pytest_only_venv: Path, make_repo: RepoFactory) -> None:
    python = str(pytest_only_venv / "bin/python")
    assert subprocess.run([python, "-c", "import pytest_cov"]).returncode != 0
    run = baseline_of(make_repo(BUGGY_STATS), f"{python} -m pytest")
    assert run.failing == (BOUNDS,)
    buggy = _line(BUGGY_STATS["stats/summary.py"], "if low <= v < high")
    assert buggy in run.coverage[BOUNDS]["stats/summary.py"]
    assert buggy not in run.coverage["tests/test_summary.py::test_mean"]["stats/summary.py"]


@pytest.mark.slow
def test_repair_with_a_venv_without_pytest_cov(pytest_only_venv: Path, make_repo: RepoFactory,
                                               tmp_path: Path) -> None:
    repo = make_repo(BUGGY_STATS)
    report = tmp_path / "r.json"
    code = main(["repair", str(repo), "--quiet", "--workers", "2", "--report", str(report),
                 "--test", f"{pytest_only_venv / 'bin/python'} -m pytest"])
    assert code == 0
    assert "+        if low <= v <= high:" in json.loads(report.read_text())["patches"][0]["diff"]


def test_an_interpreter_without_pytest_exits_3(make_repo: RepoFactory, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    assert main(["repair", str(make_repo(BUGGY_STATS)), "--quiet", "--python", str(bare)]) == 3
    err = capsys.readouterr().err
    assert "has no pytest" in err and "pip install pytest" in err


def test_pytest_cov_in_addopts_keeps_working(make_repo: RepoFactory) -> None:
    files = {**BUGGY_STATS, "pyproject.toml": '[tool.pytest.ini_options]\n'
             'addopts = "--cov=stats --cov-report=term"\n'}
    run = baseline_of(make_repo(files), f"{sys.executable} -m pytest")
    assert "TOTAL" in run.output  # pytest-cov's own report
    buggy = _line(BUGGY_STATS["stats/summary.py"], "if low <= v < high")
    assert buggy in run.coverage[BOUNDS]["stats/summary.py"]


def test_pytest_xdist_in_addopts_keeps_every_record(make_repo: RepoFactory) -> None:
    files = {**BUGGY_STATS, "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-n 2"\n'}
    run = baseline_of(make_repo(files), f"{sys.executable} -m pytest")
    assert len(run.outcomes) == 4 and run.failing == (BOUNDS,)
    buggy = _line(BUGGY_STATS["stats/summary.py"], "if low <= v < high")
    assert buggy in run.coverage[BOUNDS]["stats/summary.py"]


@pytest.mark.parametrize("tracer", ["settrace", "auto"])
def test_every_tracer_gives_the_same_lines(make_repo: RepoFactory, tracer: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """settrace, and (auto, here: coverage.py is installed) apr's own coverage.py contexts."""
    if tracer == "settrace":
        monkeypatch.setenv("APR_COVERAGE_TRACER", "settrace")
    run = baseline_of(make_repo(BUGGY_STATS), f"{sys.executable} -m pytest")
    summary = {t: files.get("stats/summary.py") for t, files in run.coverage.items()}
    first = _line(BUGGY_STATS["stats/summary.py"], "count = 0")
    loop = tuple(range(first, first + 5))
    assert summary[BOUNDS] == loop
    assert summary["tests/test_summary.py::test_count_inside"] == loop
    assert set(summary["tests/test_summary.py::test_mean"] or ()).isdisjoint(loop)


NAMES = {
    "names/check.py": """\
        \"\"\"Names.\"\"\"
        import re

        PATTERN = re.compile(r"^[a-z]+$")


        def valid(name):
            return bool(PATTERN.match(name))


        def compiled():
            return PATTERN.pattern


        SOURCE = compiled()
        """,
    "names/other.py": """\
        LIMIT = 3


        def unused():
            return LIMIT
        """,
    "tests/test_check.py": """\
        from names import other  # noqa: F401 -- imported, never run
        from names.check import valid


        def test_lower():
            assert valid("abc")


        def test_digits():
            assert valid("abc1")
        """,
    "names/__init__.py": "",
}


@pytest.mark.parametrize("tracer", ["settrace", "auto"])
def test_import_time_lines_are_covered_by_the_tests_that_run_the_file(
        make_repo: RepoFactory, tracer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module-level constant runs once, while pytest collects: each test that runs a line
    of its file covers it too, so localization can suspect it; lines that only define
    (``import``, ``def``, the docstring) stay out, as do a function's lines that top-level
    code ran (``compiled``) and files no test runs."""
    if tracer == "settrace":
        monkeypatch.setenv("APR_COVERAGE_TRACER", "settrace")
    run = baseline_of(make_repo(NAMES), f"{sys.executable} -m pytest")
    source = NAMES["names/check.py"]
    pattern, body = _line(source, "PATTERN ="), _line(source, "return bool")
    top = _line(source, "SOURCE =")
    for test in ("tests/test_check.py::test_lower", "tests/test_check.py::test_digits"):
        assert run.coverage[test]["names/check.py"] == (pattern, body, top)
        assert "names/other.py" not in run.coverage[test]


SIGNS = {
    "calc/__init__.py": "",
    "calc/signs.py": """\
        def sign(x):
            if x > 0:
                return 1
            if x < 0:
                return -1
            return 0


        def signs(n):
            for i in range(n):
                yield sign(i - 1)
        """,
    "tests/test_signs.py": """\
        from calc.signs import sign, signs


        def test_every_branch_many_times():
            assert [sign(v) for v in (5, -5, 0) * 200] == [1, -1, 0] * 200


        def test_positive_only():
            assert sign(3) == 1


        def test_hot_then_zero():
            assert all(sign(1) == 1 for _ in range(500))
            assert sign(0) == 0


        def test_generator():
            assert list(signs(3)) == [-1, 0, 1]
        """,
}


@pytest.mark.parametrize("tracer", ["settrace", "auto"])
def test_a_function_all_of_whose_lines_ran_still_counts_in_every_test(
        make_repo: RepoFactory, tracer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """settrace stops tracing a function once all its lines ran in a test; the next test
    starts afresh, and a function that has run only some lines is traced on."""
    if tracer == "settrace":
        monkeypatch.setenv("APR_COVERAGE_TRACER", "settrace")
    run = baseline_of(make_repo(SIGNS), f"{sys.executable} -m pytest")
    source = SIGNS["calc/signs.py"]
    at = {text: _line(source, text) for text in
          ("if x > 0", "return 1", "if x < 0", "return -1", "return 0", "for i", "yield")}
    sign = {at[t] for t in ("if x > 0", "return 1", "if x < 0", "return -1", "return 0")}
    expected = {
        "test_every_branch_many_times": sign,
        "test_positive_only": {at["if x > 0"], at["return 1"]},
        "test_hot_then_zero": {at["if x > 0"], at["return 1"], at["if x < 0"], at["return 0"]},
        "test_generator": sign | {at["for i"], at["yield"]},
    }
    for name, lines in expected.items():
        assert set(run.coverage[f"tests/test_signs.py::{name}"]["calc/signs.py"]) == lines


def test_import_time_lines_with_pytest_cov_running(make_repo: RepoFactory) -> None:
    files = {**NAMES, "pyproject.toml": '[tool.pytest.ini_options]\n'
             'addopts = "--cov=names --cov-report="\n'}
    run = baseline_of(make_repo(files), f"{sys.executable} -m pytest")
    pattern = _line(NAMES["names/check.py"], "PATTERN =")
    assert pattern in run.coverage["tests/test_check.py::test_digits"]["names/check.py"]
