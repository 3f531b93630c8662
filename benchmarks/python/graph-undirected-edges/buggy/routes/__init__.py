"""Weighted graphs and shortest-path search."""
