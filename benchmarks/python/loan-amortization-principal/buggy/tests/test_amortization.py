import pytest

from loancalc.amortization import (
    amortization_schedule,
    monthly_payment,
    payoff_month,
    total_interest,
)


def test_monthly_payment_mortgage():
    assert monthly_payment(200_000, 0.06, 30) == 1199.10


def test_monthly_payment_zero_rate():
    assert monthly_payment(12_000, 0.0, 1) == 1000.00


def test_monthly_payment_rejects_bad_input():
    with pytest.raises(ValueError):
        monthly_payment(0, 0.05, 10)
    with pytest.raises(ValueError):
        monthly_payment(1000, 0.05, 0)


def test_schedule_length_and_final_balance():
    schedule = amortization_schedule(10_000, 0.12, 1)
    assert len(schedule) == 12
    assert schedule[-1].balance == 0.0


def test_first_installment_split():
    first = amortization_schedule(10_000, 0.12, 1)[0]
    assert first.payment == 888.49
    assert first.interest == 100.00
    assert first.principal == 788.49
    assert first.balance == 9211.51


def test_balance_decreases_every_month():
    schedule = amortization_schedule(5_000, 0.08, 2)
    balances = [row.balance for row in schedule]
    assert all(b >= 0 for b in balances)
    assert balances == sorted(balances, reverse=True)


def test_total_interest():
    assert total_interest(10_000, 0.12, 1) == 661.86


def test_payoff_month():
    assert payoff_month(10_000, 0.12, 1, target=5_000) == 7
