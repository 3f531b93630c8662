"""C, as tree-sitter-c names its nodes.

Statements are the lines a C fix changes: declarations (local and file-level), expression
statements, ``return``/``break``/``continue``/``goto``, struct fields and typedefs. Compound
statements count by their header only: ``if (...)``, ``while (...)``, ``for (...)``,
``switch (...)``, ``do`` and a function's signature. An ``if`` without braces holds its
branches under the fields ``consequence`` and ``alternative``, and ``else`` wraps its branch in an
``else_clause``: those end the header too. Not statements: preprocessor lines (a macro's body is
not parsed as C), ``case X:`` labels and ``label:`` lines (their inner statements are found on
the lines below them). The grammar package is imported only when the first file is parsed.
"""

from __future__ import annotations

from apr.lang.base import Grammar, LanguageSupport

SIMPLE_STATEMENTS = frozenset({
    "declaration",
    "expression_statement",  # also assignments, calls, and the empty statement `;`
    "return_statement",
    "break_statement",
    "continue_statement",
    "goto_statement",
    "field_declaration",
    "type_definition",
})

COMPOUND_STATEMENTS = frozenset({
    "if_statement",
    "while_statement",
    "for_statement",
    "do_statement",
    "switch_statement",
    "function_definition",
    "struct_specifier",
    "union_specifier",
    "enum_specifier",
})


def _load() -> object:
    import tree_sitter_c

    return tree_sitter_c.language()


C = Grammar(
    name="c",
    extensions=(".c", ".h"),
    load=_load,
    simple_statements=SIMPLE_STATEMENTS,
    compound_statements=COMPOUND_STATEMENTS,
    body_types=frozenset({"compound_statement", "field_declaration_list", "enumerator_list"}),
    function_types=frozenset({"function_definition"}),
    comment_types=frozenset({"comment"}),
    atomic_types=frozenset({"string_literal", "char_literal", "concatenated_string",
                            "system_lib_string"}),
    body_fields=frozenset({"body", "consequence", "alternative"}),
)


def c_support() -> LanguageSupport:
    """A fresh :class:`LanguageSupport` for C."""
    return LanguageSupport(C)
