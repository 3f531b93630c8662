"""Stack-trace frames from test failure text: pytest's short tracebacks, CPython tracebacks,
Java stack traces (``at pkg.Cls$Inner.method(Cls.java:12)``) and V8's (``at f (/abs/a.js:3:9)``,
``at file:///abs/m.mjs:3:9``).

A Java frame names a class and a source file, not a path: it becomes ``pkg/Cls.java`` (the
package as folders, then the file), which :func:`resolve_suffix` matches against the project's
files (``src/main/java/pkg/Cls.java``), whatever its source folders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

# pytest --tb=short:  "pkg/mod.py:12: in func"      CPython:  'File "pkg/mod.py", line 12, in f'
_PYTEST_FRAME = re.compile(r"^(?P<file>[^\s:][^:\n]*\.py):(?P<line>\d+): in ", re.M)
_PY_FRAME = re.compile(r'File "(?P<file>[^"]+\.py)", line (?P<line>\d+)')
# Java: "at java.base/java.util.ArrayList.get(ArrayList.java:427)", "at app//pkg.A.f(A.java:3)"
_JAVA_FRAME = re.compile(
    r"\bat\s+(?:[\w.@-]*/)*(?P<cls>[\w$]+(?:\.[\w$]+)*)\.[\w$<>]+"
    r"\((?P<file>[\w$]+\.java):(?P<line>\d+)\)")
# V8 (Node): "at add (/w/src/a.js:3:9)", "at /w/src/a.js:3:9", "at file:///w/m.mjs:3:9"
_JS_FRAME = re.compile(
    r"\bat\s+(?:[^()\n]*?\()?(?:file://)?(?P<file>/[^():\n]+\.[cm]?jsx?):(?P<line>\d+):\d+\)?")


def trace_frames(text: str) -> list[tuple[str, int]]:
    """Frames (file, line), outermost first, paths as written (Java: ``pkg/Cls.java``).

    Python prints the outermost frame first, Java and V8 the innermost: theirs are reversed.
    """
    found: list[tuple[int, str, int]] = []
    for pattern in (_PYTEST_FRAME, _PY_FRAME):
        for m in pattern.finditer(text):
            found.append((m.start(), _clean(m.group("file")), int(m.group("line"))))
    for m in _JAVA_FRAME.finditer(text):
        found.append((-m.start(), java_frame_path(m.group("cls"), m.group("file")),
                      int(m.group("line"))))
    for m in _JS_FRAME.finditer(text):
        found.append((-m.start(), unquote(m.group("file")), int(m.group("line"))))
    return [(file, line) for _, file, line in sorted(found)]


def java_frame_path(class_name: str, source_file: str) -> str:
    """``pkg/Source.java`` for a frame of class ``pkg.Cls$Inner`` in ``Source.java``."""
    package = class_name.split("$", 1)[0].rpartition(".")[0]
    return f"{package.replace('.', '/')}/{source_file}" if package else source_file


def resolve_suffix(path: str, files: Iterable[str]) -> str | None:
    """The one file of ``files`` that is ``path`` or ends with ``/path``; None if none or
    several do (then the frame cannot be placed)."""
    suffix = "/" + path.lstrip("/")
    matches = [f for f in files if f == path or f.endswith(suffix)]
    return matches[0] if len(matches) == 1 else None


def _clean(path: str) -> str:
    return path.strip().removeprefix("./")
