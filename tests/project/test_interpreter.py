"""Finding the project's own Python: in-project virtualenvs, tox, --python, $VIRTUAL_ENV."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from apr.errors import UsageError
from apr.project.interpreter import find_python


def fake_venv(path: Path) -> Path:
    (path / "bin").mkdir(parents=True)
    (path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    python = path / "bin" / "python"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    return python


def test_in_project_virtualenvs_first(tmp_path: Path) -> None:
    fake_venv(tmp_path / "venv")
    assert find_python(tmp_path, environ={}).origin == "venv"
    python = fake_venv(tmp_path / ".venv")
    found = find_python(tmp_path, environ={})
    assert (found.path, found.origin) == (str(python), ".venv")


def test_the_repository_root_is_searched_after_the_project(tmp_path: Path) -> None:
    python = fake_venv(tmp_path / ".venv")
    (tmp_path / "sub").mkdir()
    assert find_python(tmp_path / "sub", tmp_path, environ={}).path == str(python)


def test_tox_envs_newest_first(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text("[tox]\nenvlist = py39,py312\n")
    fake_venv(tmp_path / ".tox" / "py39")
    newest = fake_venv(tmp_path / ".tox" / "py312")
    found = find_python(tmp_path, environ={})
    assert (found.path, found.origin) == (str(newest), ".tox/py312")


def test_given_python_or_venv_wins(tmp_path: Path) -> None:
    fake_venv(tmp_path / ".venv")
    other = fake_venv(tmp_path / "elsewhere")
    assert find_python(tmp_path, given=str(other)).path == str(other)
    assert find_python(tmp_path, given=str(tmp_path / "elsewhere")).path == str(other)
    with pytest.raises(UsageError, match="no such executable"):
        find_python(tmp_path, given=str(tmp_path / "nope" / "python"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="without bin/python"):
        find_python(tmp_path, given=str(tmp_path / "empty"))


def test_activated_virtualenv_then_our_own(tmp_path: Path) -> None:
    active = fake_venv(tmp_path / "active")
    project = tmp_path / "project"
    project.mkdir()
    assert find_python(project, environ={"VIRTUAL_ENV": str(tmp_path / "active")}).path \
        == str(active)
    found = find_python(project, environ={})
    assert (found.path, found.origin) == (sys.executable, "the Python running apr")
