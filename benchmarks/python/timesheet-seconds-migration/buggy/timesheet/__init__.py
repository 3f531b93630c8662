"""Time tracking: entries per project, billing rules and reports."""
