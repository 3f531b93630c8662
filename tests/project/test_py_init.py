"""Which lines of a Python module run at import and compute (apr.project.py_init)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from apr.project.py_init import top_level_lines, with_import_lines

MODULE = textwrap.dedent('''\
    """Doc."""
    import re
    from x import y

    PATTERN = re.compile(r"a")
    LIMIT: int = 3
    name: str
    if True:
        FLAG = 1
    try:
        import z
    except ImportError:
        Z = None


    @decorator
    class A:
        """Doc."""
        size = 4
        label: str

        def f(self):
            return 1


    def g():
        return 2


    TABLE = {k: g() for k in range(3)}
    if __name__ == "__main__":
        g()
    ''')


def test_top_level_statements_that_compute(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(MODULE)
    lines = MODULE.splitlines()
    found = [lines[n - 1].strip() for n in sorted(top_level_lines(path))]
    assert found == ['PATTERN = re.compile(r"a")', "LIMIT: int = 3", "if True:", "FLAG = 1",
                     "Z = None", "size = 4", "TABLE = {k: g() for k in range(3)}"]
    assert top_level_lines(tmp_path / "missing.py") == frozenset()


def test_each_test_of_a_file_gets_its_import_time_lines(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODULE)
    # line 5 (PATTERN) ran at import, and so did g's body (line 27), called by TABLE (30)
    coverage = {"t1": {"m.py": (23,)}, "t2": {"other.py": (1,)}}
    out = with_import_lines(coverage, {"m.py": frozenset({5, 27, 30})}, tmp_path)
    assert out == {"t1": {"m.py": (5, 23, 30)}, "t2": {"other.py": (1,)}}
