"""Code that runs once per process belongs to every test that runs its file.

A Python module's top-level statements run while pytest imports it, a Java class's static
initializers when the JVM first touches the class: once, in no test's own coverage or in the
first test's alone. Spectrum-based localization would then never suspect them, or only by an
accident of test order, though every test that runs the file's code depends on them. Each
language says which lines of a file are such code (:mod:`apr.project.py_init`,
:mod:`apr.project.java_init`); :func:`shared` gives those that ran to each test that ran a line
of their file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path

from tree_sitter import Node

Coverage = Mapping[str, Mapping[str, tuple[int, ...]]]
#: A language's rule: the lines of a parsed file's run-once code.
Rule = Callable[[Node], frozenset[int]]


def shared(coverage: Coverage, ran: Mapping[str, set[int]], once: Callable[[str], frozenset[int]],
           ) -> dict[str, dict[str, tuple[int, ...]]]:
    """``coverage`` (test -> file -> lines), each test that ran a line of a file also covering
    the lines of ``ran[file]`` that ``once(file)`` calls run-once code."""
    common = {file: lines & once(file) for file, lines in ran.items()}
    return {test: {file: tuple(sorted(set(lines) | common[file])) if common.get(file)
                   else lines for file, lines in files.items()}
            for test, files in coverage.items()}


def lines_of(path: Path, language: str, rule: Rule) -> frozenset[int]:
    """``rule`` over ``path`` parsed as ``language``, cached while the file's size and time
    stay the same (none when it cannot be read)."""
    try:
        stat = path.stat()
    except OSError:
        return frozenset()
    return _lines(str(path), stat.st_size, stat.st_mtime_ns, language, rule)


@functools.lru_cache(maxsize=4096)
def _lines(path: str, size: int, mtime: int, language: str, rule: Rule) -> frozenset[int]:
    from apr.lang import get_language

    try:
        source = Path(path).read_bytes()
    except OSError:
        return frozenset()
    return rule(get_language(language).parse(source).root_node)
