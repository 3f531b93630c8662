"""A Java class's static initialization belongs to every test that uses the class.

The JVM runs a class's static initializers (``static`` field values, ``static { }`` blocks, enum
constants) once, when the first test touches the class; per-test coverage gives their lines to
that test alone. Spectrum-based localization then ranks a fault there by an accident of test
order, or not at all when a passing test loaded the class first (Defects4J Time-11: the
failing test never "ran" ``static { cVerbose.set(Boolean.FALSE); }``). :func:`with_class_init`
gives each test that ran a line of a file the static-initialization lines of that file that
ran in the run: the same rule as Python's import-time lines
(:mod:`apr.project.py_init`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from tree_sitter import Node

from apr.project.run_once import Coverage, lines_of, shared


def with_class_init(coverage: Coverage, root: Path,
                    ran: Mapping[str, tuple[int, ...]] | None = None,
                    ) -> dict[str, dict[str, tuple[int, ...]]]:
    """``coverage`` (test -> repo-relative ``.java`` file -> lines), each test that ran a file
    also covering the file's static-initialization lines that ran: per ``ran``, every line the
    run ran (between tests, where loading a test class initializes the classes it names, and
    in tests, also those whose record a later run of the test replaced), else per
    ``coverage``."""
    seen: dict[str, set[int]] = {file: set(lines) for file, lines in (ran or {}).items()}
    if ran is None:  # the run's own record of what ran holds the tests' lines already
        for files in coverage.values():
            for file, lines in files.items():
                seen.setdefault(file, set()).update(lines)
    return shared(coverage, seen, lambda file: static_init_lines(root / file))


def static_init_lines(path: Path) -> frozenset[int]:
    """The 1-based lines of ``path``'s static initializers, static field values and enum
    constants (none when the file cannot be read)."""
    return lines_of(path, "java", _static_lines)


def _static_lines(root: Node) -> frozenset[int]:
    return frozenset(line for node in _initializers(root)
                     for line in range(node.start_point[0] + 1, node.end_point[0] + 2))


def _initializers(node: Node) -> Iterator[Node]:
    for child in node.named_children:
        if child.type == "static_initializer" or child.type == "enum_constant":
            yield child
        elif child.type in ("field_declaration", "constant_declaration") and _static(child):
            yield from (d.child_by_field_name("value") or d for d in child.named_children
                        if d.type == "variable_declarator" and d.child_by_field_name("value"))
        if child.type in ("class_body", "enum_body", "interface_body", "enum_body_declarations",
                          "class_declaration", "enum_declaration", "interface_declaration",
                          "program"):
            yield from _initializers(child)


def _static(field: Node) -> bool:
    """A field of the class, not of its instances (interface constants are static)."""
    if field.type == "constant_declaration":
        return True
    return any(m.type == "modifiers" and any(c.type == "static" for c in m.children)
               for m in field.named_children)
