"""Which Python runs a project's tests: the interpreter the project's own docs would use.

Looked for in this order, in the project directory and then in the repository root above it:

1. ``--python PATH`` (the ``python`` setting): that interpreter, or the one of that virtualenv;
2. an in-project virtualenv: ``.venv`` (uv, Poetry with ``virtualenvs.in-project``, Hatch
   with a local path, ``python -m venv .venv``), ``venv``, ``env``;
3. Poetry (``poetry.lock`` or ``[tool.poetry]``): ``poetry env info --path``, when ``poetry``
   is installed;
4. Hatch (``hatch.toml`` or ``[tool.hatch]``): ``hatch env find``, when ``hatch`` is installed;
5. tox (``tox.ini`` or ``[tool.tox]``, nothing above found): the newest ``.tox/py3*`` env;
6. an activated virtualenv (``$VIRTUAL_ENV``);
7. the Python running apr (it has pytest: apr depends on it).

Only a virtualenv that exists is chosen: apr never creates or syncs one (``uv sync``, ``poetry
install`` are the user's to run); the reason for the choice is kept, to be printed.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from apr import proc
from apr.errors import UsageError

_VENVS = (".venv", "venv", "env")


@dataclass(frozen=True, slots=True)
class Interpreter:
    """A Python to run the tests with, and why it was chosen (e.g. ``".venv"``)."""

    path: str
    origin: str


def find_python(project_dir: Path, repo_root: Path | None = None, given: str | None = None,
                environ: Mapping[str, str] | None = None) -> Interpreter:
    """The interpreter for the project at ``project_dir`` (see the module docstring).

    Raises:
        UsageError: ``given`` is neither a Python executable nor a virtualenv.
    """
    if given:
        return Interpreter(_given(Path(given).expanduser()), "--python")
    environ = os.environ if environ is None else environ
    for folder in _folders(project_dir, repo_root):
        for finder in _FINDERS:
            found = finder(folder)
            if found is not None:
                return found
    active = environ.get("VIRTUAL_ENV")
    if active and (python := _venv_python(Path(active))) is not None:
        return Interpreter(python, "$VIRTUAL_ENV")
    return Interpreter(sys.executable, "the Python running apr")


def _given(path: Path) -> str:
    if path.is_dir():
        python = _venv_python(path)
        if python is None:
            raise UsageError(f"--python {path}: a directory without bin/python")
        return python
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise UsageError(f"--python {path}: no such executable")
    return str(path)


def _folders(project_dir: Path, repo_root: Path | None) -> list[Path]:
    folders = [project_dir]
    if repo_root is not None and repo_root.resolve() != project_dir.resolve():
        folders.append(repo_root)
    return folders


def _venv_python(venv: Path) -> str | None:
    for name in ("bin/python", "Scripts/python.exe"):
        if (venv / name).exists():
            return str(venv / name)
    return None


def _in_project(folder: Path) -> Interpreter | None:
    for name in _VENVS:
        if (folder / name / "pyvenv.cfg").exists() or (name != "env" and
                                                        (folder / name / "bin").is_dir()):
            python = _venv_python(folder / name)
            if python is not None:
                return Interpreter(python, name)
    return None


def _poetry(folder: Path) -> Interpreter | None:
    if not ((folder / "poetry.lock").exists() or "poetry" in _tool(folder)):
        return None
    path = _ask_dir(["poetry", "env", "info", "--path"], folder)
    python = _venv_python(path) if path else None
    return Interpreter(python, "poetry env") if python else None


def _hatch(folder: Path) -> Interpreter | None:
    if not ((folder / "hatch.toml").exists() or "hatch" in _tool(folder)):
        return None
    path = _ask_dir(["hatch", "env", "find"], folder)
    python = _venv_python(path) if path else None
    return Interpreter(python, "hatch env") if python else None


def _tox(folder: Path) -> Interpreter | None:
    if not ((folder / "tox.ini").exists() or "tox" in _tool(folder)):
        return None
    envs = sorted((p for p in (folder / ".tox").glob("py3*") if _venv_python(p)),
                  key=lambda p: _version_key(p.name), reverse=True)
    if not envs:
        return None
    return Interpreter(str(_venv_python(envs[0])), f".tox/{envs[0].name}")


def _version_key(name: str) -> tuple[int, ...]:
    digits = name[2:].split("-")[0]
    return (int(digits[1:] or 0),) if digits[:1] == "3" and digits[1:].isdigit() else (0,)


def _tool(folder: Path) -> dict[str, object]:
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    tool = data.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def _ask_dir(argv: list[str], folder: Path) -> Path | None:
    """The directory a tool's query prints (the last output line that is one; its warnings
    come on the same stream), or None when the tool is missing or fails."""
    try:
        res = proc.run(argv, cwd=folder, timeout=30)
    except FileNotFoundError:
        return None
    if not res.ok:
        return None
    lines = [Path(line.strip()) for line in res.output.splitlines() if line.strip()]
    return next((p for p in reversed(lines) if p.is_dir()), None)


_FINDERS: tuple[Callable[[Path], Interpreter | None], ...] = (_in_project, _poetry, _hatch, _tox)
