"""Python, as tree-sitter-python names its nodes.

The grammar package is imported only when the first file is parsed.
"""

from __future__ import annotations

from apr.lang.base import Grammar, LanguageSupport

SIMPLE_STATEMENTS = frozenset({
    "expression_statement",  # also assignments, augmented assignments, calls, docstrings
    "return_statement",
    "raise_statement",
    "assert_statement",
    "import_statement",
    "import_from_statement",
    "future_import_statement",
    "pass_statement",
    "break_statement",
    "continue_statement",
    "delete_statement",
    "global_statement",
    "nonlocal_statement",
    "print_statement",
    "exec_statement",
    "type_alias_statement",
    "decorator",  # not a statement, but a line of its own worth repairing
})

COMPOUND_STATEMENTS = frozenset({
    "if_statement",
    "elif_clause",
    "else_clause",
    "for_statement",
    "while_statement",
    "with_statement",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "function_definition",
    "class_definition",
    "match_statement",
    "case_clause",
})


def _load() -> object:
    import tree_sitter_python

    return tree_sitter_python.language()


PYTHON = Grammar(
    name="python",
    extensions=(".py", ".pyi"),
    load=_load,
    simple_statements=SIMPLE_STATEMENTS,
    compound_statements=COMPOUND_STATEMENTS,
    body_types=frozenset({"block"}),
    function_types=frozenset({"function_definition"}),
    comment_types=frozenset({"comment"}),
    atomic_types=frozenset({"string", "concatenated_string"}),
)


def python_support() -> LanguageSupport:
    """A fresh :class:`LanguageSupport` for Python."""
    return LanguageSupport(PYTHON)
