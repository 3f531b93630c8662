"""Layered configuration: defaults, files and environment merged into one dict."""
