from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.errors import TestCommandNotFound
from apr.model import TestStatus
from apr.project.pytest_driver import PytestDriver
from apr.project.pytest_plugin import _value_text
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


VALUES = {
    "conftest.py": "",
    "lib.py": """
        class Plain:
            pass


        class Shown:
            def __repr__(self):
                return "Shown(%d)" % twice(1)  # runs lib code while a value is written


        def twice(x):
            return 2 * x


        def everything():
            return [{"b", "a", "c"}, Plain(), Shown(), twice, {"k": (1, None)}]


        def gen():
            yield 1
            yield 2


        def big():
            return 10 ** 5000  # its repr raises on Python 3.11+


        def long():
            return "x" * 1000000
        """,
    "other.py": """
        def elsewhere():
            return 5
        """,
    "test_lib.py": """
        from lib import big, everything, gen, long
        from other import elsewhere


        def test_values():
            assert everything() and list(gen()) == [1, 2] and elsewhere() == 5
            assert big() > 0 and len(long()) == 1000000


        def test_none():
            assert elsewhere() == 5
        """,
}


def test_values_are_recorded_per_test_the_same_in_every_process(make_repo: RepoFactory,
                                                                 tmp_path: Path) -> None:
    """Sets in hash order, addresses and a repr that runs the file's own code must not make
    two processes (each with its own hash seed) record different values; only the named
    file's functions count."""
    root = make_repo(VALUES)
    driver = PytestDriver()
    try:
        runs = [driver.run(root, root, values=["lib.py"], test_timeout=10) for _ in range(3)]
        plain = driver.run(root, root, test_timeout=10)
    finally:
        driver.close()
    values = runs[0].values
    assert runs[0].passing == ("test_lib.py::test_none", "test_lib.py::test_values")
    assert all(r.values == values for r in runs[1:])
    # everything() once, gen() three times (two yields and the end), big() and long() once
    # (an int whose repr raises must not fail the test), twice() not (it ran only inside
    # Shown.__repr__, while a value was written: the profiler does not see itself); other.py
    # not at all
    assert sum(values["test_lib.py::test_values"].values()) == 6
    assert values["test_lib.py::test_none"] == {}
    assert plain.values == {}  # not asked for


def test_a_value_is_written_by_its_own_repr_a_bounded_number_of_times() -> None:
    """A class's own ``__repr__`` (which may cost milliseconds: a data frame's) writes at most
    a fixed count of values per test; later ones are written by the class's name. A count, not
    a time: two runs of the same code write the same text."""
    class Shown:
        def __repr__(self) -> str:
            return "Shown(1)"

    left = [1]
    assert _value_text([Shown(), Shown(), {2, 1}], 0, left) == "list[3:Shown(1),Shown,set{2:1,2}]"
    assert left == [0]
