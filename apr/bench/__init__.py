"""Benchmarks: suites of known bugs behind one interface (see ``manifest`` for our own format)."""
