"""Typed application settings read from environment variables."""

from envconf.parsers import parse_bool, parse_duration, parse_list
from envconf.settings import ConfigError, Field, Settings

__all__ = ["ConfigError", "Field", "Settings", "parse_bool", "parse_duration", "parse_list"]
