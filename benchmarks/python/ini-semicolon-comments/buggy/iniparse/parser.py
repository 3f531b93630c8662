"""Parse INI-style configuration text.

Supported syntax::

    # comment
    ; comment
    [section]
    key = value        ; inline comment
    other: value       # inline comment

Keys are case-insensitive and stored lower-cased. Keys that appear before the
first section header belong to the ``DEFAULT`` section, whose values are
inherited by every other section.
"""

from __future__ import annotations

import re

DEFAULT = "DEFAULT"
_SECTION_RE = re.compile(r"^\[([^\]]+)\]$")
_INLINE_COMMENT_RE = re.compile(r"\s+#.*$")
_TRUE = {"1", "yes", "true", "on"}
_FALSE = {"0", "no", "false", "off"}


class ParseError(ValueError):
    def __init__(self, lineno: int, message: str) -> None:
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno


class Config:
    """Parsed configuration: sections of string key/value pairs."""

    def __init__(self) -> None:
        self._sections: dict[str, dict[str, str]] = {DEFAULT: {}}

    def sections(self) -> list[str]:
        return [name for name in self._sections if name != DEFAULT]

    def items(self, section: str) -> dict[str, str]:
        """Keys of ``section`` merged over the defaults."""
        if section not in self._sections:
            raise KeyError(section)
        return {**self._sections[DEFAULT], **self._sections[section]}

    def get(self, section: str, key: str, fallback: str | None = None) -> str | None:
        return self.items(section).get(key.lower(), fallback)

    def getint(self, section: str, key: str, fallback: int | None = None) -> int | None:
        value = self.get(section, key)
        return fallback if value is None else int(value)

    def getbool(self, section: str, key: str, fallback: bool | None = None) -> bool | None:
        value = self.get(section, key)
        if value is None:
            return fallback
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ValueError(f"not a boolean: {value!r}")


def parse(text: str) -> Config:
    """Parse ``text`` into a Config, raising ParseError on malformed lines."""
    config = Config()
    current = config._sections[DEFAULT]
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _SECTION_RE.match(line)
        if header:
            name = header.group(1).strip()
            current = config._sections.setdefault(name, {})
            continue
        key, sep, value = _split_assignment(line)
        if not sep:
            raise ParseError(lineno, f"expected 'key = value', got {line!r}")
        if not key:
            raise ParseError(lineno, "empty key")
        value = _INLINE_COMMENT_RE.sub("", value)
        current[key.lower()] = _unquote(value)
    return config


def _split_assignment(line: str) -> tuple[str, str, str]:
    """Split at the first ``=`` or ``:``, whichever comes first."""
    positions = [i for i in (line.find("="), line.find(":")) if i != -1]
    if not positions:
        return line, "", ""
    i = min(positions)
    return line[:i].strip(), line[i], line[i + 1 :].strip()


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
