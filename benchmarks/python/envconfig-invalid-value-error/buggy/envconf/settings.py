"""Declare settings once, load and validate them from the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_REQUIRED: Any = object()


class ConfigError(Exception):
    """The environment does not describe a valid configuration."""


@dataclass(frozen=True)
class Field:
    name: str
    parser: Callable[[str], Any] = str
    default: Any = _REQUIRED
    secret: bool = False
    help: str = ""

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED


class Settings:
    """A set of fields read from variables named ``prefix + field.name``."""

    def __init__(self, fields: Iterable[Field], prefix: str = ""):
        self.fields = list(fields)
        self.prefix = prefix
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("duplicate field names")

    def variable(self, field: Field) -> str:
        return f"{self.prefix}{field.name}".upper()

    def load(self, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Values keyed by lower-cased field name.

        Raises ConfigError naming every missing required variable, or the first
        variable whose value cannot be parsed.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        missing: list[str] = []
        for field in self.fields:
            var = self.variable(field)
            raw = env.get(var, "")
            if raw.strip() == "":
                if field.required:
                    missing.append(var)
                else:
                    values[field.name.lower()] = field.default
                continue
            values[field.name.lower()] = self._coerce(var, field, raw)
        if missing:
            raise ConfigError("missing required variables: " + ", ".join(missing))
        return values

    @staticmethod
    def _coerce(var: str, field: Field, raw: str) -> Any:
        try:
            return field.parser(raw)
        except TypeError as exc:
            shown = "<hidden>" if field.secret else repr(raw)
            raise ConfigError(f"{var}: invalid value {shown}") from exc

    def describe(self) -> list[str]:
        """One line per variable, for --help output or a README."""
        lines = []
        for field in self.fields:
            kind = getattr(field.parser, "__name__", "value").removeprefix("parse_")
            if field.required:
                note = "required"
            elif field.secret:
                note = "optional"
            else:
                note = f"default {field.default!r}"
            text = f"{self.variable(field)} ({kind}, {note})"
            lines.append(f"{text}: {field.help}" if field.help else text)
        return lines
