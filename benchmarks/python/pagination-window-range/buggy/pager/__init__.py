"""Split sequences into pages and build page-number navigation."""
