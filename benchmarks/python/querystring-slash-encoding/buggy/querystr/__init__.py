"""Build, parse and merge URL query strings."""
