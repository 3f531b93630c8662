"""Line coverage of C programs with gcc's ``--coverage`` and ``gcov --json-format``.

A program built with ``--coverage`` writes ``.gcda`` counters beside its objects when it exits,
and, through apr's crash header, when a signal such as SIGSEGV or SIGABRT kills it (a program
killed at its time limit leaves no coverage). Per test (or per
program) the drivers :func:`reset` the counters, run, and :func:`collect` the lines executed.
``gcov --json-format --stdout`` (gcc 9+) prints one JSON document per data file, source paths
relative to the compiler's working directory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from apr.project.c_run import run_tool

#: Included in every coverage build: a crashing program (a NULL dereference, a failed
#: ``assert``) writes its counters before it dies of the same signal (``c/apr-gcov-crash.h``).
CRASH_HEADER = Path(__file__).with_name("c") / "apr-gcov-crash.h"
#: Compiler and linker flags of a coverage build (``-O0`` last: it wins over the project's
#: ``-O2``, whose merged lines would blur the coverage; ``-Wno-error``: at ``-O0`` gcc warns
#: differently, e.g. ``-Wformat-truncation`` false positives, and a project's ``-Werror`` would
#: then stop a build that compiles at the project's own level); the crash header where its
#: path can be one word of a command line.
CFLAGS = "--coverage -O0 -g -Wno-error" + (
    "" if " " in str(CRASH_HEADER) else f" -include {CRASH_HEADER}")
LDFLAGS = "--coverage"
_SKIP = frozenset({".git", "node_modules", ".venv"})


def data_files(root: Path) -> Iterator[Path]:
    """The ``.gcda`` files under ``root``."""
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP]
        yield from (Path(dirpath) / f for f in files if f.endswith(".gcda"))


def reset(root: Path) -> None:
    """Delete the counters under ``root``, so that the next run's are its own."""
    for path in data_files(root):
        path.unlink(missing_ok=True)


def collect(root: Path, repo_root: Path, keep: Callable[[str], bool],
            timeout: float | None = None) -> dict[str, tuple[int, ...]]:
    """The lines executed since the last :func:`reset`, per source file relative to
    ``repo_root``, for the files under it that ``keep`` accepts (their repo-relative path).

    Raises:
        TestCommandNotFound: ``gcov`` is not installed.
    """
    found = sorted(str(p.resolve()) for p in data_files(root))
    if not found:
        return {}
    res = run_tool(["gcov", "--json-format", "--stdout", *found], cwd=root, timeout=timeout)
    lines: dict[str, set[int]] = {}
    for line in res.output.splitlines():  # gcov's messages may share a line with a document
        if "{" in line:
            _add(line[line.index("{"):], repo_root.resolve(), keep, lines)
    return {file: tuple(sorted(hit)) for file, hit in sorted(lines.items()) if hit}


def _add(document: str, repo_root: Path, keep: Callable[[str], bool],
         lines: dict[str, set[int]]) -> None:
    try:
        data, _ = json.JSONDecoder().raw_decode(document)
    except ValueError:
        return
    cwd = Path(data.get("current_working_directory", "."))
    for entry in data.get("files", []):
        path = (cwd / entry["file"]).resolve()
        try:
            rel = path.relative_to(repo_root).as_posix()
        except ValueError:
            continue  # a system header
        if keep(rel):
            hit = {line["line_number"] for line in entry["lines"] if line["count"] > 0}
            lines.setdefault(rel, set()).update(hit)
