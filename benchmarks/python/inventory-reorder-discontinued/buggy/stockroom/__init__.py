"""Warehouse stock tracking."""
