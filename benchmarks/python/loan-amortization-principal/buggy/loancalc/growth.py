"""Compound growth of savings."""

from __future__ import annotations


def future_value(principal: float, annual_rate: float, years: float, periods_per_year: int = 12) -> float:
    """Value of a lump sum after compounding ``periods_per_year`` times a year."""
    if periods_per_year <= 0:
        raise ValueError("periods_per_year must be positive")
    rate = annual_rate / periods_per_year
    return round(principal * (1 + rate) ** (periods_per_year * years), 2)


def effective_annual_rate(nominal_rate: float, periods_per_year: int) -> float:
    """Annual rate equivalent to ``nominal_rate`` compounded ``periods_per_year`` times."""
    return (1 + nominal_rate / periods_per_year) ** periods_per_year - 1


def years_to_double(annual_rate: float, periods_per_year: int = 12) -> int:
    """Whole years needed for a deposit to at least double."""
    if annual_rate <= 0:
        raise ValueError("annual_rate must be positive")
    years = 0
    value = 1.0
    while value < 2.0:
        years += 1
        value = future_value(1.0, annual_rate, years, periods_per_year)
    return years
