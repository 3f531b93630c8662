"""JavaScript, as tree-sitter-javascript names its nodes (ES2023 and JSX; CommonJS and ESM).

Statements are the lines a JavaScript fix changes: declarations (``const``/``let``/``var``),
expression statements, ``return``/``throw``/``break``/``continue``, imports and class fields.
Compound statements count by their header: ``if (...)``, loops, ``switch (...)``, ``case X:``,
``catch (e)``, and the signature of a function declaration or a method.

JavaScript nests functions in expressions: ``const f = (a) => {...}``, callbacks passed to
``items.map(...)``, methods of an object literal in ``module.exports = {...}``. A line inside such
a function's body is the inner statement, not the whole declaration around it
(:meth:`apr.lang.base.LanguageSupport.statement_at` descends into ``function_types`` bodies);
the declaration's first line is its head up to the body (``const f = (a) =>``). The grammar
package is imported only when the first file is parsed.
"""

from __future__ import annotations

from apr.lang.base import Grammar, LanguageSupport

SIMPLE_STATEMENTS = frozenset({
    "expression_statement",  # also assignments, calls, `module.exports = ...`
    "lexical_declaration",  # const / let
    "variable_declaration",  # var
    "using_declaration",
    "return_statement",
    "throw_statement",
    "break_statement",
    "continue_statement",
    "debugger_statement",
    "empty_statement",
    "import_statement",
    "field_definition",  # class fields: `count = 0;`
})

COMPOUND_STATEMENTS = frozenset({
    "if_statement",
    "for_statement",
    "for_in_statement",  # also for...of
    "while_statement",
    "do_statement",
    "switch_statement",
    "switch_case",
    "switch_default",
    "try_statement",
    "catch_clause",
    "finally_clause",
    "with_statement",
    "labeled_statement",
    "function_declaration",
    "generator_function_declaration",
    "class_declaration",
    "method_definition",
    "class_static_block",
})

FUNCTION_TYPES = frozenset({
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "generator_function",
    "arrow_function",
    "method_definition",
})


def _load() -> object:
    import tree_sitter_javascript

    return tree_sitter_javascript.language()


JAVASCRIPT = Grammar(
    name="javascript",
    extensions=(".js", ".mjs", ".cjs", ".jsx"),
    load=_load,
    simple_statements=SIMPLE_STATEMENTS,
    compound_statements=COMPOUND_STATEMENTS,
    body_types=frozenset({"statement_block", "class_body", "switch_body"}),
    function_types=FUNCTION_TYPES,
    comment_types=frozenset({"comment", "html_comment"}),
    atomic_types=frozenset({"string", "template_string", "regex"}),
    body_fields=frozenset({"body", "consequence", "alternative"}),
    nested_bodies=True,
)


def javascript_support() -> LanguageSupport:
    """A fresh :class:`LanguageSupport` for JavaScript."""
    return LanguageSupport(JAVASCRIPT)
