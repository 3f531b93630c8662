"""Room bookings over half-open time intervals [start, end)."""
