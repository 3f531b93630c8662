from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound
from apr.model import TestStatus
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo, Workspace
from tests.conftest import RepoFactory

PROJECT = {
    "conftest.py": "",
    "pkg/__init__.py": "",
    "pkg/m.py": """
        def inc(x):
            if x > 1:
                return x + 1
            return x


        def spin():
            while True:
                pass
        """,
    "tests/test_m.py": """
        from pkg.m import inc, spin


        def test_big():
            assert inc(2) == 3


        def test_small():
            assert inc(1) == 2


        def test_hangs():
            spin()
        """,
}


@pytest.fixture
def workspace(make_repo: RepoFactory) -> Iterator[Workspace]:
    with Snapshot(UserRepo.locate(make_repo(PROJECT))) as snap:
        yield snap.workspace("w")


def test_outcomes_coverage_and_per_test_timeout(workspace: Workspace) -> None:
    driver = PytestDriver()
    try:
        run = driver.run(workspace.project_dir, workspace.root, coverage=True, test_timeout=1.5,
                         timeout=60)
    finally:
        driver.close()
    assert run.outcomes == {"tests/test_m.py::test_big": TestStatus.PASSED,
                            "tests/test_m.py::test_small": TestStatus.FAILED,
                            "tests/test_m.py::test_hangs": TestStatus.TIMEOUT}
    assert run.coverage["tests/test_m.py::test_small"]["pkg/m.py"] == (2, 4)
    assert run.coverage["tests/test_m.py::test_big"]["pkg/m.py"] == (2, 3)
    assert "assert 1 == 2" in run.traces["tests/test_m.py::test_small"]
    assert set(run.durations) == set(run.outcomes)


def test_selected_tests_and_fail_fast(workspace: Workspace) -> None:
    driver = PytestDriver()
    try:
        run = driver.run(workspace.project_dir, workspace.root,
                         ["tests/test_m.py::test_small", "tests/test_m.py::test_big"],
                         fail_fast=True)
    finally:
        driver.close()
    assert run.outcomes == {"tests/test_m.py::test_small": TestStatus.FAILED}


def test_whole_run_timeout(workspace: Workspace) -> None:
    driver = PytestDriver()
    try:
        run = driver.run(workspace.project_dir, workspace.root, ["tests/test_m.py::test_hangs"],
                         timeout=3)
    finally:
        driver.close()
    assert run.timed_out and run.returncode is None


def test_collection_error_is_reported(workspace: Workspace) -> None:
    workspace.write("pkg/m.py", b"def inc(x:\n")
    driver = PytestDriver()
    try:
        run = driver.run(workspace.project_dir, workspace.root)
    finally:
        driver.close()
    assert run.errors and "SyntaxError" in run.errors[0]


def test_missing_command(workspace: Workspace) -> None:
    driver = PytestDriver("no-such-pytest-binary -q")
    try:
        with pytest.raises(TestCommandNotFound, match="no-such-pytest-binary"):
            driver.run(workspace.project_dir, workspace.root)
    finally:
        driver.close()


def test_is_test_file() -> None:
    driver = PytestDriver()
    driver.close()
    assert driver.is_test_file("tests/helpers.py")
    assert driver.is_test_file("pkg/test_x.py") and driver.is_test_file("x_test.py")
    assert not driver.is_test_file("pkg/testing_utils.py") and not driver.is_test_file("pkg/m.py")


def test_uses_the_projects_venv_python(tmp_path: Path) -> None:
    from apr.project.pytest_driver import _python_for

    (tmp_path / ".venv/bin").mkdir(parents=True)
    (tmp_path / ".venv/bin/python").write_text("")
    assert _python_for(tmp_path) == str(tmp_path / ".venv/bin/python")


def test_an_unclosed_driver_leaves_no_plugin_folder() -> None:
    driver = PytestDriver(warm=True)
    folder = driver._plugin_dir
    assert folder.is_dir()
    del driver
    gc.collect()
    assert not folder.exists()
