"""Parse and format e-mail addresses such as 'Ada Lovelace <ada@example.org>'."""

from __future__ import annotations

import re

_ADDR_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_NAMED_RE = re.compile(r'^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$')


class AddressError(ValueError):
    """A malformed e-mail address."""


def parse_address(text: str) -> tuple[str, str]:
    """(display name, address); the domain part is lower-cased."""
    match = _NAMED_RE.match(text)
    display, addr = (match.group(1).strip(), match.group(2).strip()) if match else ("", text.strip())
    if not _ADDR_RE.match(addr):
        raise AddressError(f"invalid address: {text!r}")
    local, domain = addr.rsplit("@", 1)
    return display, f"{local}@{domain.lower()}"


def format_address(address: str, display: str = "") -> str:
    if not display:
        return address
    if any(ch in display for ch in ',;:"<>@'):
        display = '"' + display.replace('"', "'") + '"'
    return f"{display} <{address}>"


def normalize(text: str) -> str:
    """Re-format ``text`` canonically, validating it."""
    display, address = parse_address(text)
    return format_address(address, display)


def bare(text: str) -> str:
    """Only the address part of ``text``, for comparisons."""
    return parse_address(text)[1].lower()
