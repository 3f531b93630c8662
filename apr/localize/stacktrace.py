"""Stack-trace frames from test failure text (pytest's short tracebacks, CPython tracebacks)."""

from __future__ import annotations

import re

# pytest --tb=short:  "pkg/mod.py:12: in func"      CPython:  'File "pkg/mod.py", line 12, in f'
_PYTEST_FRAME = re.compile(r"^(?P<file>[^\s:][^:\n]*\.py):(?P<line>\d+): in ", re.M)
_PY_FRAME = re.compile(r'File "(?P<file>[^"]+\.py)", line (?P<line>\d+)')


def trace_frames(text: str) -> list[tuple[str, int]]:
    """Frames (file, line) in the order they appear (outermost first), paths as written."""
    found: list[tuple[int, str, int]] = []
    for pattern in (_PYTEST_FRAME, _PY_FRAME):
        for m in pattern.finditer(text):
            found.append((m.start(), _clean(m.group("file")), int(m.group("line"))))
    return [(file, line) for _, file, line in sorted(found)]


def _clean(path: str) -> str:
    return path.strip().removeprefix("./")
