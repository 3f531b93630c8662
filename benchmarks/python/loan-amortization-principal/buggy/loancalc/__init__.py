"""Loan and savings calculations."""
