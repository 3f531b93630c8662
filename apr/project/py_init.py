"""A Python module's top-level code belongs to every test that runs the module.

A module's top-level statements (a constant, a compiled pattern, a table, a class attribute)
run once, while pytest collects, so no test's own coverage holds them and spectrum-based
localization could never suspect them; yet each test that runs the module's code depends on
them. The pytest plugin records what ran while collecting (``{"kind": "import"}``), and
:func:`with_import_lines` gives each test that ran a line of a file that file's top-level
statements that ran. The same rule as Java's static initializers
(:mod:`apr.project.java_init`; the shared part: :mod:`apr.project.run_once`).

Top-level means: in the module's body or a class body (also inside a top-level ``if``, ``for``,
``with`` or ``try``), not in a function: a function that module-level code calls at import (a
test module building its data) ran for that module, not for every test of the function's file.
Statements that only define are left out: ``def``, ``class``, imports, docstrings, bare
annotations (``name: str``), ``try``/``else`` headers, the ``if __name__ == "__main__"`` check.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tree_sitter import Node

from apr.project.run_once import Coverage, lines_of, shared

#: Statements that define and compute nothing.
_DEFINING = frozenset({"function_definition", "import_statement", "import_from_statement",
                       "future_import_statement", "comment", "pass_statement",
                       "global_statement", "nonlocal_statement"})
#: Compound statements whose header computes a value (its line counts).
_HEADERS = frozenset({"if_statement", "for_statement", "while_statement", "with_statement"})


def with_import_lines(coverage: Coverage, imports: Mapping[str, frozenset[int]],
                      root: Path) -> dict[str, dict[str, tuple[int, ...]]]:
    """``coverage`` (test -> repo-relative file -> lines), each test that ran a file also
    covering the file's top-level statements that ran while pytest collected (``imports``)."""
    ran = {file: set(lines) for file, lines in imports.items()}
    return shared(coverage, ran, lambda file: top_level_lines(root / file))


def top_level_lines(path: Path) -> frozenset[int]:
    """The first lines of ``path``'s top-level computing statements (none when the file cannot
    be read)."""
    return lines_of(path, "python", _top_level)


def _top_level(root: Node) -> frozenset[int]:
    found: set[int] = set()
    _statements(root, found)
    return frozenset(found)


def _statements(node: Node, found: set[int]) -> None:
    for child in node.named_children:
        kind = child.type
        if kind in _DEFINING or (kind == "expression_statement" and _defines(child)):
            continue
        if kind == "decorated_definition":
            child = child.child_by_field_name("definition") or child
            kind = child.type
        if kind == "class_definition":
            body = child.child_by_field_name("body")
            if body is not None:
                _statements(body, found)
        elif kind.endswith("_statement") and kind != "try_statement":
            if kind not in _HEADERS or not _main_check(child):
                found.add(child.start_point[0] + 1)
                _statements(child, found)  # the blocks of a top-level if/for/with
        elif kind != "function_definition":
            _statements(child, found)  # blocks and clauses: else, elif, except, finally


def _defines(statement: Node) -> bool:
    """A docstring, or an annotation without a value."""
    named = statement.named_children
    if len(named) != 1:
        return False
    only = named[0]
    if only.type in ("string", "concatenated_string"):
        return True
    return only.type == "assignment" and only.child_by_field_name("right") is None


def _main_check(statement: Node) -> bool:
    condition = statement.child_by_field_name("condition")
    return statement.type == "if_statement" and condition is not None \
        and b"__name__" in (condition.text or b"")
