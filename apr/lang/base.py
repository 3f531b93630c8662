"""Language support on top of tree-sitter: statements, functions and token normalization.

A :class:`LanguageSupport` is built from a :class:`Grammar`, a record of the node type names one
language uses (which nodes are simple statements, which are compound statements with a header,
which are functions, comments, atomic tokens). Everything language-specific lives in that record,
so a new language (Java, JavaScript, C) is a new ``Grammar`` value, not a new class.

Positions follow :mod:`apr.model`: byte offsets into the file's content, 1-based lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import tree_sitter

from apr.lang.text import decode_source, encode_source


@dataclass(frozen=True, slots=True)
class Span:
    """Bytes ``[start, end)`` of a file, spanning lines ``first_line..last_line`` (1-based)."""

    start: int
    end: int
    first_line: int
    last_line: int


@dataclass(frozen=True, slots=True)
class Grammar:
    """The node type names :class:`LanguageSupport` needs for one language.

    Attributes:
        name: the language's name (``"python"``).
        extensions: file name endings, with the dot (``".py"``).
        load: returns the tree-sitter language pointer (e.g. ``tree_sitter_python.language``);
            called once, on first parse.
        simple_statements: statements taken whole (they may span several lines).
        compound_statements: statements and clauses with a header and a body; only the header
            (from the node's start to the end of the last non-comment child before the body)
            counts as the statement on the header's lines.
        body_types: node types of a compound statement's body (``block``).
        function_types: function definitions, for :meth:`LanguageSupport.enclosing_function`.
        comment_types: comment nodes, skipped by normalization and never statements.
        atomic_types: nodes normalized as one token, their inner whitespace kept (strings).
        body_fields: field names under which a compound statement holds its body (Java's
            ``if`` holds ``consequence``/``alternative`` statements that need not be blocks);
            a child in one of these fields ends the header like a ``body_types`` node.
        nested_bodies: whether a line in the body of a function nested in a statement
            (``const f = () => {...}``, a callback passed in a call) is a statement of that
            body rather than the whole enclosing statement (JavaScript).
    """

    name: str
    extensions: tuple[str, ...]
    load: Callable[[], object]
    simple_statements: frozenset[str]
    compound_statements: frozenset[str]
    body_types: frozenset[str]
    function_types: frozenset[str]
    comment_types: frozenset[str]
    atomic_types: frozenset[str]
    body_fields: frozenset[str] = frozenset()
    nested_bodies: bool = False


class LanguageSupport:
    """Parsing and statement-level queries for one language.

    The parser is built on first use. :meth:`parse` keeps the last tree, so repeated queries on
    the same content parse once. Not thread-safe: use one instance per thread.
    """

    __slots__ = ("grammar", "_parser", "_last")

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        self._parser: tree_sitter.Parser | None = None
        self._last: tuple[bytes, tree_sitter.Tree] | None = None

    @property
    def name(self) -> str:
        return self.grammar.name

    @property
    def extensions(self) -> tuple[str, ...]:
        return self.grammar.extensions

    def __repr__(self) -> str:
        return f"LanguageSupport({self.name!r})"

    def parse(self, source: bytes) -> tree_sitter.Tree:
        """Parse ``source``; the tree is shared with calls on equal content: do not edit it."""
        if self._last is not None and self._last[0] == source:
            return self._last[1]
        tree = self._get_parser().parse(source)
        self._last = (source, tree)
        return tree

    def reparse(
        self, original: bytes, start: int, old_end: int, patched: bytes
    ) -> tree_sitter.Tree:
        """Parse ``patched``, which is ``original`` with bytes ``[start, old_end)`` replaced.

        Reuses the tree of ``original`` (tree-sitter's incremental parsing), so checking many
        small patches of one large file stays cheap. The result is not cached.
        """
        new_end = old_end + len(patched) - len(original)
        tree = self.parse(original).copy()
        tree.edit(
            start_byte=start, old_end_byte=old_end, new_end_byte=new_end,
            start_point=_point(original, start), old_end_point=_point(original, old_end),
            new_end_point=_point(patched, new_end),
        )
        return self._get_parser().parse(patched, tree)

    def _get_parser(self) -> tree_sitter.Parser:
        if self._parser is None:
            self._parser = tree_sitter.Parser(tree_sitter.Language(self.grammar.load()))
        return self._parser

    def has_errors(self, source: bytes) -> bool:
        """Whether the parse of ``source`` holds ERROR or MISSING nodes."""
        return self.parse(source).root_node.has_error

    def statement_at(self, source: bytes, line: int) -> Span | None:
        """The innermost statement covering 1-based ``line``.

        A simple statement is returned whole. For a compound statement (or clause) whose header
        covers ``line``, only the header is returned (for Python from the keyword to the ``:``).
        Returns None for a blank line, a comment line, or a line outside any statement.
        """
        row = line - 1
        lines = source.split(b"\n")
        if not 0 <= row < len(lines) or not lines[row].strip():
            return None
        root = self.parse(source).root_node
        column = len(lines[row]) - len(lines[row].lstrip())
        first = root.descendant_for_point_range((row, column), (row, column))
        if first is not None and first.type in self.grammar.comment_types:
            return None
        return self._statement_in(root, row)

    def enclosing_function(self, source: bytes, line: int) -> Span | None:
        """The innermost function definition covering 1-based ``line`` (decorators excluded)."""
        found = None
        for node in self._path_to_row(self.parse(source).root_node, line - 1):
            if node.type in self.grammar.function_types:
                found = node
        return None if found is None else span_of(found)

    def header(self, node: tree_sitter.Node) -> Span:
        """A compound statement's header: from its start up to its body, comments skipped."""
        end = None
        for index, child in enumerate(node.children):
            if child.type in self.grammar.body_types or (
                    node.field_name_for_child(index) in self.grammar.body_fields):
                break
            if child.type not in self.grammar.comment_types:
                end = child
        if end is None:
            return span_of(node)
        return Span(node.start_byte, end.end_byte, node.start_point.row + 1, last_row(end) + 1)

    def normalize(self, text: str) -> str:
        """``text`` as its tokens joined by single spaces: comments and layout dropped.

        Atomic tokens (string literals) keep their inner text. Text that does not parse is still
        normalized, token by token, so fragments (a lone header) can be compared.
        """
        root = self._get_parser().parse(encode_source(text)).root_node
        return " ".join(self._tokens(root))

    def _tokens(self, node: tree_sitter.Node) -> Iterator[str]:
        if node.type in self.grammar.comment_types:
            return
        if node.type in self.grammar.atomic_types or node.child_count == 0:
            token = decode_source(node.text or b"")
            if token:
                yield token
            return
        for child in node.children:
            yield from self._tokens(child)

    def _statement_in(self, root: tree_sitter.Node, row: int) -> Span | None:
        for node in self._path_to_row(root, row):
            if node.type in self.grammar.simple_statements:
                body = self._nested_body(node, row) if self.grammar.nested_bodies else None
                if body is None:
                    return span_of(node)
                if body.start_point.row == row == node.start_point.row:
                    return _head(node, body)
                continue  # a line of a function nested in the statement: go on down
            if node.type in self.grammar.compound_statements:
                head = self.header(node)
                if head.first_line <= row + 1 <= head.last_line:
                    return head
        return None

    def _nested_body(self, statement: tree_sitter.Node, row: int) -> tree_sitter.Node | None:
        """The body of the outermost function nested in ``statement`` whose body covers ``row``
        (``const f = () => {...}``, a callback passed in a call), else None."""
        level = [statement]
        while level:
            below = []
            for node in level:
                for child in node.children:
                    if not child.start_point.row <= row <= last_row(child):
                        continue
                    body = child.child_by_field_name("body") \
                        if child.type in self.grammar.function_types else None
                    if body is not None and body.type in self.grammar.body_types \
                            and body.start_point.row <= row <= last_row(body):
                        return body
                    below.append(child)
            level = below
        return None

    @staticmethod
    def _path_to_row(root: tree_sitter.Node, row: int) -> Iterator[tree_sitter.Node]:
        """The nodes from ``root`` down, each the first named child starting on ``row``, else the
        first child covering it (in ``} else if (x) {`` the inner ``if`` wins over the block that
        ends there and over the ``else`` keyword)."""
        node: tree_sitter.Node | None = root
        while node is not None:
            yield node
            covering = [c for c in node.children if c.start_point.row <= row <= last_row(c)]
            starting = [c for c in covering if c.start_point.row == row and c.is_named]
            chosen = starting or covering
            node = chosen[0] if chosen else None


def _head(statement: tree_sitter.Node, body: tree_sitter.Node) -> Span:
    """A statement's text up to a nested function's body (``const f = (a) =>``)."""
    text = statement.text or b""
    end = statement.start_byte + len(text[:body.start_byte - statement.start_byte].rstrip())
    return Span(statement.start_byte, end, statement.start_point.row + 1, body.start_point.row + 1)


def _point(source: bytes, offset: int) -> tuple[int, int]:
    """The (row, byte column) of ``offset`` in ``source``."""
    return source.count(b"\n", 0, offset), offset - (source.rfind(b"\n", 0, offset) + 1)


def last_row(node: tree_sitter.Node) -> int:
    """The 0-based last row ``node`` covers (an end at column 0 belongs to the row before)."""
    end = node.end_point
    if end.column == 0 and end.row > node.start_point.row:
        return end.row - 1
    return end.row


def span_of(node: tree_sitter.Node) -> Span:
    """The span of a whole node."""
    return Span(node.start_byte, node.end_byte, node.start_point.row + 1, last_row(node) + 1)
