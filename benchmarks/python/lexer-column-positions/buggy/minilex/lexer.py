"""Regex-driven tokenizer.

Every token carries the 1-based line and column where it starts, so that the
parser and error messages can point at the offending source text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

KEYWORDS = frozenset({"let", "if", "else", "while", "print", "and", "or", "not"})

TOKEN_SPEC = [
    ("NUMBER", r"\d+(?:\.\d+)?"),
    ("NAME", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("STRING", r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"),
    ("OP", r"==|!=|<=|>=|[-+*/%()=<>,{}]"),
    ("NEWLINE", r"\n"),
    ("SKIP", r"[ \t]+|#[^\n]*"),
]
_MASTER = re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in TOKEN_SPEC))
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int
    value: Any = None


class LexError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} at line {line}, column {column}")
        self.line = line
        self.column = column


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def tokenize(source: str) -> Iterator[Token]:
    """Yield the tokens of ``source``, ending with an EOF token."""
    line = 1
    line_start = 0
    pos = 0
    while pos < len(source):
        m = _MASTER.match(source, pos)
        if m is None:
            what = "unterminated string" if source[pos] in "'\"" else f"unexpected {source[pos]!r}"
            raise LexError(what, line, pos - line_start + 1)
        kind, text = m.lastgroup, m.group()
        column = m.start() - line_start
        value = None
        if kind == "NAME" and text in KEYWORDS:
            kind = "KEYWORD"
        elif kind == "NUMBER":
            value = float(text) if "." in text else int(text)
        elif kind == "STRING":
            value = _unescape(text[1:-1])
        if kind != "SKIP":
            yield Token(kind, text, line, column, value)
        if kind == "NEWLINE":
            line += 1
            line_start = m.start()
        pos = m.end()
    yield Token("EOF", "", line, pos - line_start + 1)


def format_error(source: str, error: LexError) -> str:
    """The offending source line with a caret under the error position."""
    text = source.splitlines()[error.line - 1] if source else ""
    return f"line {error.line}: {error}\n    {text}\n    {' ' * (error.column - 1)}^"
