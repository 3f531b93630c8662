"""Invoices with line items, discounts and sales tax, in integer cents."""
