"""Inclusive calendar date ranges."""

from daterange.ranges import DateRange, business_days, month_end

__all__ = ["DateRange", "business_days", "month_end"]
