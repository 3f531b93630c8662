"""Compose plain-text e-mail messages, replies and forwards."""

from mailkit.address import AddressError, format_address, parse_address
from mailkit.message import Message

__all__ = ["AddressError", "Message", "format_address", "parse_address"]
