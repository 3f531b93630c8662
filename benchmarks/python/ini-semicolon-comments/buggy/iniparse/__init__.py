"""A small INI configuration parser."""

from iniparse.parser import Config, ParseError, parse

__all__ = ["Config", "ParseError", "parse"]
