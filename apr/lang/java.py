"""Java, as tree-sitter-java names its nodes.

Statements are the lines a Java fix changes: local variable declarations, expression statements,
``return``/``throw``/``break``/``continue``/``assert``/``yield``, ``this(...)``/``super(...)``
calls, field declarations and ``case`` labels. Compound statements count by their header only:
``if (...)``, ``while (...)``, ``for (...)``, ``switch (...)``, ``try (...)``, ``catch (...)``,
and a method's or constructor's signature. An ``if`` without braces holds its branches under the
fields ``consequence`` and ``alternative`` (a statement, not a block): those fields end the header
too. The grammar package is imported only when the first file is parsed.
"""

from __future__ import annotations

from apr.lang.base import Grammar, LanguageSupport

SIMPLE_STATEMENTS = frozenset({
    "local_variable_declaration",
    "expression_statement",
    "return_statement",
    "throw_statement",
    "break_statement",
    "continue_statement",
    "assert_statement",
    "yield_statement",
    "explicit_constructor_invocation",  # this(...); super(...);
    "field_declaration",
    "constant_declaration",
    "switch_label",  # `case X:` / `default:`, a line of its own worth repairing
    "empty_statement",
})

COMPOUND_STATEMENTS = frozenset({
    "if_statement",
    "while_statement",
    "for_statement",
    "enhanced_for_statement",
    "do_statement",
    "switch_expression",
    "try_statement",
    "try_with_resources_statement",
    "catch_clause",
    "finally_clause",
    "synchronized_statement",
    "method_declaration",
    "constructor_declaration",
    "compact_constructor_declaration",
    "class_declaration",
    "interface_declaration",
    "enum_declaration",
    "record_declaration",
    "static_initializer",
})

FUNCTION_TYPES = frozenset({
    "method_declaration",
    "constructor_declaration",
    "compact_constructor_declaration",
})


def _load() -> object:
    import tree_sitter_java

    return tree_sitter_java.language()


JAVA = Grammar(
    name="java",
    extensions=(".java",),
    load=_load,
    simple_statements=SIMPLE_STATEMENTS,
    compound_statements=COMPOUND_STATEMENTS,
    body_types=frozenset({"block", "constructor_body", "class_body", "interface_body",
                          "enum_body", "switch_block"}),
    function_types=FUNCTION_TYPES,
    comment_types=frozenset({"line_comment", "block_comment"}),
    atomic_types=frozenset({"string_literal", "character_literal", "text_block"}),
    body_fields=frozenset({"body", "consequence", "alternative"}),
)


def java_support() -> LanguageSupport:
    """A fresh :class:`LanguageSupport` for Java."""
    return LanguageSupport(JAVA)
