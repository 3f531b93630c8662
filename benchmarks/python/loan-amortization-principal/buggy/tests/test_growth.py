import pytest

from loancalc.growth import effective_annual_rate, future_value, years_to_double


def test_future_value_monthly():
    assert future_value(1000, 0.05, 10) == 1647.01


def test_future_value_annual():
    assert future_value(1000, 0.10, 2, periods_per_year=1) == 1210.00


def test_effective_annual_rate():
    assert effective_annual_rate(0.12, 12) == pytest.approx(0.126825, abs=1e-6)


def test_years_to_double():
    assert years_to_double(0.07) == 10
