"""Conversions between integer cents and display strings."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def parse_amount(text: str) -> int:
    """Parse a decimal amount such as ``"1,234.5"`` or ``"$12"`` into cents."""
    cleaned = text.strip().replace(",", "").lstrip("$")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_cents(cents: int, symbol: str = "$") -> str:
    """Format cents as ``$1,234.56`` (negative amounts as ``-$1.00``)."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{symbol}{whole:,}.{frac:02d}"
