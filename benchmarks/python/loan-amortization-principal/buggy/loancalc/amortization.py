"""Fixed-rate loan payments and amortization schedules.

All monetary results are rounded to cents. Rates are nominal annual rates
expressed as fractions (0.06 means 6 % a year), compounded monthly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Installment:
    """One row of an amortization schedule."""

    number: int
    payment: float
    interest: float
    principal: float
    balance: float


def monthly_payment(principal: float, annual_rate: float, years: int) -> float:
    """Level monthly payment that repays ``principal`` over ``years`` years."""
    if principal <= 0:
        raise ValueError("principal must be positive")
    if years <= 0:
        raise ValueError("years must be positive")
    n = years * 12
    if annual_rate == 0:
        return round(principal / n, 2)
    r = annual_rate / 12
    return round(principal * r / (1 - (1 + r) ** -n), 2)


def amortization_schedule(principal: float, annual_rate: float, years: int) -> list[Installment]:
    """Month-by-month breakdown of each payment into interest and principal.

    The final installment is adjusted so that the balance ends at exactly zero.
    """
    payment = monthly_payment(principal, annual_rate, years)
    n = years * 12
    r = annual_rate / 12
    balance = round(principal, 2)
    rows: list[Installment] = []
    for number in range(1, n + 1):
        interest = round(balance * r, 2)
        if number == n:
            principal_part = balance
            amount = round(principal_part + interest, 2)
        else:
            principal_part = round(payment + interest, 2)
            amount = payment
        balance = round(balance - principal_part, 2)
        rows.append(Installment(number, amount, interest, principal_part, balance))
    return rows


def total_interest(principal: float, annual_rate: float, years: int) -> float:
    """Total interest paid over the life of the loan."""
    schedule = amortization_schedule(principal, annual_rate, years)
    return round(sum(row.interest for row in schedule), 2)


def payoff_month(principal: float, annual_rate: float, years: int, target: float) -> int | None:
    """First installment number after which the balance is at or below ``target``."""
    for row in amortization_schedule(principal, annual_rate, years):
        if row.balance <= target:
            return row.number
    return None
