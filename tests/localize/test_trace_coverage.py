"""A failing test's traceback counts as coverage: its frames are lines the test ran.

Both cases run the real pytest driver with per-test coverage on a tiny project, then localize
as `apr repair` does.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from apr.config import RepairConfig
from apr.lang import get_language
from apr.localize.sbfl import TRACE_BOOST
from apr.model import Location
from apr.pipeline import _localize
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo
from tests.conftest import RepoFactory

# The project runs the writer under its own trace function, as PySnooper or a debugger does:
# the tracer that records coverage is displaced while `write` runs, so the line that raises is
# in no test's coverage.
OWN_TRACER = {
    "tool/__init__.py": "",
    "tool/log.py": """
        import sys


        def traced(fn):
            def tracer(frame, event, arg):
                return tracer
            old = sys.gettrace()
            sys.settrace(tracer)
            try:
                return fn()
            finally:
                sys.settrace(old)


        def write(path, text):
            with open(path_name, "a") as out:
                out.write(text)


        def log(path, text):
            return traced(lambda: write(path, text))


        def shout(text):
            return traced(lambda: text.upper())
        """,
    "tests/test_log.py": """
        from tool.log import log, shout


        def test_log(tmp_path):
            log(tmp_path / "out.txt", "hi")
            assert (tmp_path / "out.txt").read_text() == "hi"


        def test_shout():
            assert shout("hi") == "HI"
        """,
}

# Unbounded recursion: the deepest frame may stop at the function's entry (its `def` line).
RECURSION = {
    "calc/__init__.py": "",
    "calc/fact.py": """
        def fact(n):
            if n == 0:
                return 1
            return n * fact(n - 1)
        """,
    "tests/test_fact.py": """
        from calc.fact import fact


        def test_negative():
            assert fact(-1) == 1


        def test_three():
            assert fact(3) == 6
        """,
}


def _line(files: dict[str, str], file: str, text: str) -> int:
    lines = textwrap.dedent(files[file]).lstrip("\n").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def _localized(repo: Path) -> list[Location]:
    snap = Snapshot(UserRepo.locate(repo))
    driver = PytestDriver()
    try:
        ws = snap.workspace("baseline")
        baseline = driver.run(ws.project_dir, ws.root, coverage=True, test_timeout=30)
        return _localize(baseline, snap, driver, get_language("python"), RepairConfig())
    finally:
        driver.close()
        snap.close()


def test_the_line_that_raised_under_a_displaced_tracer_ranks_first(
        make_repo: RepoFactory) -> None:
    found = _localized(make_repo(OWN_TRACER))
    raising = _line(OWN_TRACER, "tool/log.py", "open(path_name")
    assert (found[0].file, found[0].line) == ("tool/log.py", raising)
    assert found[0].score > 1.0  # run by the failing test only, and its deepest frame


def test_a_frame_at_a_function_entry_is_not_a_line_run(make_repo: RepoFactory) -> None:
    found = _localized(make_repo(RECURSION))
    scores = {loc.line: loc.score for loc in found if loc.file == "calc/fact.py"}
    header = _line(RECURSION, "calc/fact.py", "def fact")
    recursive = _line(RECURSION, "calc/fact.py", "return n * fact")
    assert scores.get(header, 0.0) <= TRACE_BOOST  # at most its boost: no tracer reports it
    assert scores[recursive] > scores.get(header, 0.0)
