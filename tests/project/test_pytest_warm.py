"""The warm pytest worker: every run's outcome as the cold path's; the fallbacks; no leftovers.

Each test builds a tiny project in tmp_path, with a "third-party" module outside it on
PYTHONPATH (the server preloads it), and runs the same requests through a warm driver and a
cold one (real pytest processes both).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr import proc
from apr.fence import Fence
from apr.model import TestRun, TestStatus
from apr.project import make_driver
from apr.project.pytest_driver import PytestDriver
from apr.project.pytest_warm import WarmPool, launch_of, scan
from tests.conftest import write_files

THIRD_PARTY = {
    "thirdparty/__init__.py": """
        import os

        with open(os.environ["IMPORT_LOG"], "a") as log:
            log.write("imported\\n")

        def double(x):
            return 2 * x
        """,
}

PROJECT = {
    "conftest.py": """
        import pytest

        @pytest.fixture
        def three():
            return 3
        """,
    "pkg/__init__.py": "",
    "pkg/m.py": """
        import thirdparty

        CALLS = []
        STATE = []


        def inc(x):
            CALLS.append(x)
            return thirdparty.double(x) - x + 1


        def remember(x):
            STATE.append(x)
            return STATE


        def value():
            return 1


        def spin():
            while True:
                pass
        """,
    "tests/test_m.py": """
        import os

        import pytest

        from pkg.m import inc, remember, spin, value


        def test_pass(three):
            assert inc(2) == three


        def test_fail():
            assert inc(1) == 3


        @pytest.fixture
        def broken():
            raise RuntimeError("fixture breaks")


        def test_error(broken):
            pass


        def test_fresh_state():
            assert remember(5) == [5]


        def test_value():
            assert value() == 1


        def test_hangs():
            spin()


        def test_dies():
            os.kill(os.getpid(), 9)
        """,
}

T = "tests/test_m.py::"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(tmp_path / "site", THIRD_PARTY)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    monkeypatch.setenv("IMPORT_LOG", str(tmp_path / "imports.log"))
    write_files(tmp_path / "proj", PROJECT)
    return tmp_path / "proj"


@pytest.fixture
def drivers(project: Path) -> Iterator[tuple[PytestDriver, PytestDriver]]:
    warm, cold = PytestDriver(warm=True), PytestDriver(warm=False)
    try:
        yield warm, cold
    finally:
        warm.close()
        cold.close()


def both(drivers: tuple[PytestDriver, PytestDriver], project: Path, tests: list[str] | None,
         **kw: object) -> tuple[TestRun, TestRun]:
    warm, cold = drivers
    runs = [d.run(project, project, tests, **kw) for d in (warm, cold)]  # type: ignore[arg-type]
    return runs[0], runs[1]


def assert_same(warm: TestRun, cold: TestRun) -> None:
    assert warm.outcomes == cold.outcomes
    assert (warm.returncode, warm.timed_out) == (cold.returncode, cold.timed_out)
    assert [e.split(":")[0] for e in warm.errors] == [e.split(":")[0] for e in cold.errors]
    assert set(warm.traces) == set(cold.traces)
    assert _summary(warm.output) == _summary(cold.output)


def _summary(output: str) -> str:
    """The last line of pytest's output, its time left out."""
    last = output.strip().splitlines()[-1] if output.strip() else ""
    return re.sub(r" in [\d.]+s", "", last)


def imports(project: Path) -> int:
    return (project.parent / "imports.log").read_text().count("imported")


def test_outcomes_equal_cold(drivers: tuple[PytestDriver, PytestDriver], project: Path) -> None:
    kinds = [T + n for n in ("test_pass", "test_fail", "test_error", "test_fresh_state")]
    warm, cold = both(drivers, project, kinds, timeout=60, test_timeout=5)
    assert_same(warm, cold)
    assert warm.outcomes == {T + "test_pass": TestStatus.PASSED, T + "test_fail": TestStatus.FAILED,
                             T + "test_error": TestStatus.FAILED,
                             T + "test_fresh_state": TestStatus.PASSED}
    assert "assert 2 == 3" in warm.traces[T + "test_fail"]
    assert "warning" not in warm.output  # nothing of the server's own shows in a run
    fast_warm, fast_cold = both(drivers, project, kinds, fail_fast=True, timeout=60)
    assert_same(fast_warm, fast_cold)
    assert fast_warm.outcomes == {T + "test_pass": TestStatus.PASSED,
                                  T + "test_fail": TestStatus.FAILED}
    again = drivers[0].run(project, project, kinds, timeout=60)
    assert again.outcomes[T + "test_fresh_state"] is TestStatus.PASSED  # no state leaked
    assert drivers[0].warm is not None and len(drivers[0].warm.pids()) == 1
    assert imports(project) == 1 + 2  # the server preloaded it once; each cold run imports it


def test_hanging_test_per_test_and_run_timeout(drivers: tuple[PytestDriver, PytestDriver],
                                               project: Path) -> None:
    tests = [T + "test_hangs", T + "test_pass"]
    warm, cold = both(drivers, project, tests, timeout=60, test_timeout=1)
    assert_same(warm, cold)
    assert warm.outcomes[T + "test_hangs"] is TestStatus.TIMEOUT
    started = time.monotonic()
    warm, cold = both(drivers, project, tests, timeout=2)
    assert_same(warm, cold)
    assert warm.timed_out and warm.returncode is None
    assert time.monotonic() - started < 30
    after = drivers[0].run(project, project, [T + "test_pass"], timeout=60)
    assert after.outcomes == {T + "test_pass": TestStatus.PASSED}  # the server survived


def test_a_run_that_dies_ends_as_the_cold_one(drivers: tuple[PytestDriver, PytestDriver],
                                               project: Path) -> None:
    warm, cold = both(drivers, project, [T + "test_pass", T + "test_dies"], timeout=60)
    assert_same(warm, cold)
    assert warm.returncode == -9 and warm.outcomes == {T + "test_pass": TestStatus.PASSED}


def test_edits_are_seen_and_syntax_errors_reported(drivers: tuple[PytestDriver, PytestDriver],
                                                   project: Path) -> None:
    warm = drivers[0]
    module = project / "pkg/m.py"
    assert warm.run(project, project, [T + "test_value"]).outcomes[T + "test_value"] \
        is TestStatus.PASSED
    stat = module.stat()
    module.write_text(module.read_text().replace("return 1", "return 2"))  # same size
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    assert warm.run(project, project, [T + "test_value"]).outcomes[T + "test_value"] \
        is TestStatus.FAILED
    module.write_text(module.read_text().replace("def value():", "def value(:"))
    broken_warm, broken_cold = both(drivers, project, [T + "test_value"], timeout=60)
    assert_same(broken_warm, broken_cold)
    assert broken_warm.outcomes == {} and "SyntaxError" in broken_warm.errors[0]


def test_fenced_runs_and_close_leaves_nothing(project: Path) -> None:
    driver = PytestDriver(warm=True)
    with proc.fenced(Fence(memory_mb=2048)):
        run = driver.run(project, project, [T + "test_pass", T + "test_hangs"], timeout=2)
        assert run.timed_out and run.outcomes[T + "test_pass"] is TestStatus.PASSED
        again = driver.run(project, project, [T + "test_pass"], timeout=60)
    assert again.outcomes == {T + "test_pass": TestStatus.PASSED}
    assert driver.warm is not None
    pids = driver.warm.pids()
    tree = _descendants(pids[0])
    assert tree  # the server under the fence's wrappers
    driver.close()
    driver.close()
    assert not [pid for pid in [*pids, *tree] if _alive(pid)]


def test_a_command_that_is_not_pytest_runs_cold(project: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    command = [sys.executable, "-c", "import sys, pytest; sys.exit(pytest.main())"]
    driver = PytestDriver(command, warm=True)
    try:
        for _ in range(2):
            run = driver.run(project, project, [T + "test_pass"], timeout=60)
            assert run.outcomes == {T + "test_pass": TestStatus.PASSED}
        assert driver.warm is not None and driver.warm.pids() == []
    finally:
        driver.close()
    err = capsys.readouterr().err
    assert err.count("tests run cold") == 1 and "is not `python -m pytest`" in err


def test_launch_of_pytest_commands(tmp_path: Path) -> None:
    script = tmp_path / "bin/pytest"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport pytest\n")
    script.chmod(0o755)
    path = {"PATH": str(script.parent)}
    assert launch_of(["python3", "-m", "pytest", "-k", "x"], path).args == ("-k", "x")  # type: ignore[union-attr]
    from_script = launch_of(["pytest", "tests"], path)
    assert not isinstance(from_script, str)
    assert (from_script.python, from_script.args, from_script.path0) == (
        sys.executable, ("tests",), str(script.parent.resolve()))
    assert isinstance(launch_of(["tox", "-e", "py"], path), str)
    assert isinstance(launch_of(["node", "-m", "pytest"], path), str)


def test_scan_finds_imports_and_local_names(project: Path) -> None:
    (project / "tests/extra.py").write_text(
        "from thirdparty import double as d, (\n    x)\nimport os.path, json as j\n"
        "from . import m\nfrom helpers import h\n")
    (project / "tests/helpers.py").write_text("")
    preload, local = scan(project)
    assert {"thirdparty", "thirdparty:double", "os.path", "json", "pytest"} <= set(preload)
    assert {"pkg", "conftest", "helpers"} <= set(local)
    assert not [m for m in preload if m.startswith(("pkg", "helpers", "."))]


def test_a_server_that_cannot_start_runs_cold(project: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    python = tmp_path / "bin/python"
    python.parent.mkdir()
    python.write_text('#!/bin/sh\ncase "$1" in *forkserver.py) echo "no fork here" >&2; exit 3;; '
                      f'esac\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    driver = PytestDriver(python=str(python), warm=True)
    try:
        run = driver.run(project, project, [T + "test_pass"], timeout=60)
        assert run.outcomes == {T + "test_pass": TestStatus.PASSED}
    finally:
        driver.close()
    assert "no fork here" in capsys.readouterr().err


@pytest.mark.parametrize(("module", "why"), [
    ("import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True)"
     ".start()\n", "started threads"),
    ("import pkg.m\n", "imported its own module pkg"),
])
def test_unsafe_preloads_run_cold(project: Path, capsys: pytest.CaptureFixture[str],
                                  module: str, why: str) -> None:
    (project.parent / "site/risky.py").write_text(module)
    (project / "tests/test_risky.py").write_text("import risky\n\ndef test_ok():\n    pass\n")
    driver = make_driver("pytest", project, "python", None, warm=True)
    try:
        run = driver.run(project, project, [T + "test_pass"], timeout=60)
        assert run.outcomes == {T + "test_pass": TestStatus.PASSED}
    finally:
        driver.close()
    assert why in capsys.readouterr().err


def test_a_module_whose_file_is_not_a_path_is_not_the_projects(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """torch's ``torch.ops`` says its file is ``_ops.py``: not a file of the working folder."""
    (project.parent / "site/oddfile.py").write_text(
        "import sys, types\n\nops = types.ModuleType('oddfile.ops')\nops.__file__ = '_ops.py'\n"
        "sys.modules['oddfile.ops'] = ops\n")
    (project / "tests/test_odd.py").write_text("import oddfile\n\ndef test_ok():\n    pass\n")
    driver = make_driver("pytest", project, "python", None, warm=True)
    try:
        run = driver.run(project, project, [T + "test_pass"], timeout=60)
        assert run.outcomes == {T + "test_pass": TestStatus.PASSED}
        assert driver.warm.pids()  # type: ignore[attr-defined]
    finally:
        driver.close()
    assert "tests run cold" not in capsys.readouterr().err


def test_a_conftest_that_cannot_be_imported_twice_goes_cold(
        drivers: tuple[PytestDriver, PytestDriver], project: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    (project / "conftest.py").write_text(
        "import sys\n\nif 'thirdparty' in sys.modules:\n"
        "    raise RuntimeError('thirdparty was imported before me')\n\n"
        "import thirdparty\n" + (project / "conftest.py").read_text())
    for _ in range(2):
        warm, cold = both(drivers, project, [T + "test_pass"], timeout=60)
        assert_same(warm, cold)
    assert capsys.readouterr().err.count("a cold run gives some") == 1


# (old, new, whether the run goes through the project zygote): edits of pkg/m.py
ZYGOTE_EDITS = [
    ("return 1\n", "return 2\n", True),  # a function body
    ("    return thirdparty.double(x) - x + 1", "    return thirdparty.double(x) - x + 2", True),
    ("    CALLS.append(x)\n", "    CALLS.append(x)\n    x = x + 0\n", True),  # lines move
    ("STATE = []", "STATE = [1]", False),  # module level: it ran already
    ("def remember(x):", "def remember(x, y=0):", False),  # a signature
    ("def value():", "def value(:", False),  # does not compile
]


@pytest.mark.parametrize("sessions", [True, False], ids=["kept-sessions", "zygote-only"])
def test_the_project_zygote_swaps_function_bodies_and_nothing_else(
        drivers: tuple[PytestDriver, PytestDriver], project: Path, sessions: bool) -> None:
    """Runs forked from the zygote (the project's modules loaded, the package's __init__
    importing the edited module too), or from its kept pytest session, give the cold
    outcomes; edits they cannot swap run plain."""
    (project / "pkg/__init__.py").write_text("from pkg import m\n")
    pool = drivers[0].warm
    assert pool is not None
    pool.sessions = sessions
    path = "session" if sessions else "zygote"
    tests = [T + n for n in ("test_pass", "test_fail", "test_fresh_state", "test_value")]
    for _ in range(100):  # the zygote loads while runs go plain
        assert_same(*both(drivers, project, tests, timeout=60))
        if swapped(pool):
            break
        time.sleep(0.1)
    assert pool.paths[path], f"no run went through the project zygote's {path} path"
    module = project / "pkg/m.py"
    original = module.read_text()
    for old, new, swaps in ZYGOTE_EDITS:
        module.write_text(original.replace(old, new))
        before = dict(pool.paths)
        assert_same(*both(drivers, project, tests, timeout=60))
        assert (pool.paths[path] > before[path]) is swaps, (old, new)
        assert (pool.paths["unsafe"] > before["unsafe"]) is not swaps, (old, new)
        module.write_text(original)
    assert_same(*both(drivers, project, tests, timeout=60))
    assert swapped(pool) == pool.paths[path]


def swapped(pool: WarmPool) -> int:
    """How many runs were forked from the project zygote or its kept sessions."""
    return pool.paths["zygote"] + pool.paths["session"]


def test_a_zygote_loaded_with_a_module_level_edit_is_loaded_again(
        drivers: tuple[PytestDriver, PytestDriver], project: Path) -> None:
    """Loaded while a candidate changed a module outside its functions, the zygote cannot
    swap that module back; after a few refusals it loads the files as they are then."""
    pool = drivers[0].warm
    assert pool is not None
    module = project / "pkg/m.py"
    original = module.read_text()
    module.write_text(original.replace("STATE = []", "STATE = [1]"))
    tests = [T + "test_pass", T + "test_fresh_state"]
    for _ in range(2):  # the first run teaches which modules to load, the second loads them
        assert_same(*both(drivers, project, tests, timeout=60))
    assert swapped(pool) == 1
    module.write_text(original)
    for _ in range(7):
        assert_same(*both(drivers, project, tests, timeout=60))
    assert pool.paths["unsafe"] == 5 and swapped(pool) == 3


def test_a_project_whose_modules_start_threads_gets_no_zygote(
        drivers: tuple[PytestDriver, PytestDriver], project: Path) -> None:
    (project / "pkg/__init__.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True)"
        ".start()\n")
    pool = drivers[0].warm
    assert pool is not None
    for _ in range(12):
        assert_same(*both(drivers, project, [T + "test_pass"], timeout=60))
        time.sleep(0.1)
    assert pool.paths["plain"] == 12 and not swapped(pool)
    log = (pool.script.parent / "server-1.log").read_text()
    assert "no project zygote: loading the project's modules started threads" in log


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True,
                         check=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        child, parent = (int(x) for x in line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_zygote_leaves_the_tests_own_modules_to_the_runs() -> None:
    """A test helper may import conftest.py (black's tests/util.py does), which only pytest
    may load: the zygote loads the project's code, not the tests'."""
    from apr.project.pytest_forkserver import _test_side

    roots = ("/r/", "/r/sub/")
    assert _test_side("/r/tests/util.py", roots) and _test_side("/r/sub/testing/x.py", roots)
    assert _test_side("/r/pkg/test_x.py", roots) and _test_side("/r/pkg/x_test.py", roots)
    assert not _test_side("/r/src/pkg/m.py", roots) and not _test_side("/r/tests.py", roots)


SESSION_TESTS = '''
    import pytest

    from pkg import m
    from pkg.more import label, LABELS


    def test_prints_and_fails():
        print("said by the test")
        assert m.value() == 2


    def test_label():
        assert label(1) == "one"


    @pytest.mark.parametrize("n", LABELS)
    def test_labels(n):
        assert label(n)


    def test_fresh_state():
        assert m.remember(7) == [7]
    '''
S = "tests/test_s.py::"


def warm_up(drivers: tuple[PytestDriver, PytestDriver], project: Path, tests: list[str],
            **kw: object) -> WarmPool:
    """Run ``tests`` until a run goes through a kept session (each run equal to cold)."""
    pool = drivers[0].warm
    assert pool is not None
    for _ in range(100):
        assert_same(*both(drivers, project, tests, timeout=60, **kw))
        if pool.paths["session"]:
            return pool
        time.sleep(0.1)
    raise AssertionError("no run went through a kept session")


@pytest.fixture
def session_project(project: Path) -> Path:
    write_files(project, {"tests/test_s.py": SESSION_TESTS,
                          "pkg/more.py": 'LABELS = [1]\n\n\ndef label(n):\n    return "one"\n'})
    return project


def test_kept_session_runs_are_cold_runs(drivers: tuple[PytestDriver, PytestDriver],
                                         session_project: Path) -> None:
    """Forked after collection, each run still has its own output (pytest's capture of a
    failing test's print, the summary), outcomes, fresh module state, time limits, and the
    candidate's function bodies."""
    project = session_project
    tests = [S + "test_prints_and_fails", S + "test_label", S + "test_fresh_state"]
    pool = warm_up(drivers, project, tests)
    for _ in range(3):
        warm, cold = both(drivers, project, tests, timeout=60)
        assert_same(warm, cold)
        assert "said by the test" in warm.output and warm.output.count("said by the test") == 1
        assert warm.outcomes[S + "test_fresh_state"] is TestStatus.PASSED
    (project / "pkg/more.py").write_text('LABELS = [1]\n\n\ndef label(n):\n    return "two"\n')
    before = pool.paths["session"]
    warm, cold = both(drivers, project, tests, timeout=60)
    assert_same(warm, cold)
    assert warm.outcomes[S + "test_label"] is TestStatus.FAILED
    assert pool.paths["session"] == before + 1
    fast_warm, fast_cold = both(drivers, project, tests, timeout=60, fail_fast=True)
    assert_same(fast_warm, fast_cold)
    assert len(fast_warm.outcomes) == 1


def test_kept_session_time_limits(drivers: tuple[PytestDriver, PytestDriver],
                                  project: Path) -> None:
    tests = [T + "test_hangs", T + "test_pass"]
    warm_up(drivers, project, tests, test_timeout=1)
    warm, cold = both(drivers, project, tests, timeout=60, test_timeout=1)
    assert_same(warm, cold)
    assert warm.outcomes[T + "test_hangs"] is TestStatus.TIMEOUT
    dies = [T + "test_pass", T + "test_dies"]
    pool = warm_up(drivers, project, dies)
    before = pool.paths["session"]
    died, died_cold = both(drivers, project, dies, timeout=60)
    assert_same(died, died_cold)
    assert died.returncode == -9 and pool.paths["session"] == before + 1
    warm_up(drivers, project, [T + "test_pass"], test_timeout=7)
    before = pool.paths["session"]
    warm, cold = both(drivers, project, [T + "test_hangs"], timeout=2, test_timeout=7)
    assert_same(warm, cold)
    assert warm.timed_out and pool.paths["session"] == before + 1


def test_a_function_that_ran_at_collection_is_not_swapped_in_a_session(
        drivers: tuple[PytestDriver, PytestDriver], session_project: Path) -> None:
    """``LABELS`` feeds a parametrize: a change of what collection ran needs a collection;
    the zygote's run (pytest started afresh) takes it."""
    project = session_project
    more = project / "pkg/more.py"
    more.write_text("def labels():\n    return [1]\n\n\nLABELS = labels()\n\n\n"
                    "def label(n):\n    return 'one' if n == 1 else ''\n")
    tests = [S + "test_labels"]
    pool = warm_up(drivers, project, tests)
    more.write_text(more.read_text().replace("return [1]", "return [1, 2]"))
    before = dict(pool.paths)
    warm, cold = both(drivers, project, tests, timeout=60)
    assert_same(warm, cold)
    assert len(warm.outcomes) == 2 and warm.returncode == 1
    assert pool.paths["session"] == before["session"]


def test_a_module_first_imported_by_collection_is_swapped_in_a_session(
        drivers: tuple[PytestDriver, PytestDriver], session_project: Path) -> None:
    """The zygote loaded what the first runs imported (pkg.m); the second set of tests
    imports pkg.more too, in its session's collection: edits of it are still seen."""
    project = session_project
    pool = warm_up(drivers, project, [T + "test_value"])
    tests = [S + "test_label"]
    assert_same(*both(drivers, project, tests, timeout=60))
    more = project / "pkg/more.py"
    original = more.read_text()
    for edit, swaps in (('return "two"', True), ('return "one"', True),
                        ("LABELS = [1]", False)):
        more.write_text(original.replace('return "one"', edit) if swaps
                        else original.replace("LABELS = [1]", "LABELS = [1, 1]"))
        before = dict(pool.paths)
        warm, cold = both(drivers, project, tests, timeout=60)
        assert_same(warm, cold)
        assert (pool.paths["session"] > before["session"]) is swaps, edit
    assert (warm.outcomes[S + "test_label"] is TestStatus.PASSED)


def test_no_kept_session_where_collection_fails(drivers: tuple[PytestDriver, PytestDriver],
                                                session_project: Path) -> None:
    project = session_project
    (project / "tests/test_broken.py").write_text("import no_such_module\n")
    tests = [T + "test_value", "tests/test_broken.py"]
    pool = drivers[0].warm
    assert pool is not None
    for _ in range(6):
        assert_same(*both(drivers, project, tests, timeout=60))
    assert swapped(pool) and not pool.paths["session"]
    log = (pool.script.parent / "server-1.log").read_text()
    # (pytest stops for collection errors in its test loop: the session's hook sees them
    # first); after two, that set of tests stops trying
    assert log.count("no kept pytest session: collection reported errors") == 2


def test_a_server_started_ahead_serves_the_first_run(project: Path) -> None:
    """``prepare`` (the pipeline's, while the baseline runs) and a run that comes while it
    starts the server: one server, whichever came first."""
    driver = PytestDriver(warm=True)
    try:
        ahead = threading.Thread(target=driver.prepare, args=(project, project))
        ahead.start()
        run = driver.run(project, project, [T + "test_pass"], timeout=60)
        ahead.join(60)
        assert run.outcomes == {T + "test_pass": TestStatus.PASSED}
        assert driver.warm is not None and len(driver.warm.pids()) == 1
        assert imports(project) == 1  # one server's preload; no second start, no cold run
    finally:
        driver.close()


PRIMED_TESTS = """
    import time

    from pkg.m import value


    def test_one():
        assert value() == 1


    def test_two():
        assert value() == 2


    def test_three():
        assert value() == 3


    def test_slow():
        time.sleep(1.5)
    """
P = "tests/test_p.py::"


def sessions_made(pool: WarmPool) -> int:
    return (pool.script.parent / "server-1.log").read_text().count("kept pytest session ready")


def test_a_primed_server_serves_its_first_runs_from_kept_sessions(project: Path) -> None:
    """``prepare`` primes the server for the whole suite (modules learned from a collection,
    the zygote loaded, a session kept): no run is plain. ``-x`` and the per-test limit are
    each run's own, so runs with and without them share that session, and so do runs of
    named tests (only those of its items run), in the order named."""
    (project / "tests/test_m.py").unlink()
    write_files(project, {"tests/test_p.py": PRIMED_TESTS})
    warm, cold = PytestDriver(warm=True), PytestDriver(warm=False)
    pool = warm.warm
    assert pool is not None
    try:
        warm.prepare(project, project)
        assert pool.paths["primed"] == 1 and sessions_made(pool) == 1
        drivers = (warm, cold)
        first, first_cold = both(drivers, project, None, timeout=60, fail_fast=True)
        assert_same(first, first_cold)
        assert list(first.outcomes) == [P + "test_one", P + "test_two"]
        limited, limited_cold = both(drivers, project, None, timeout=60, test_timeout=0.5)
        assert_same(limited, limited_cold)
        assert limited.outcomes[P + "test_slow"] is TestStatus.TIMEOUT
        whole, whole_cold = both(drivers, project, None, timeout=60, test_timeout=10)
        assert_same(whole, whole_cold)
        assert len(whole.outcomes) == 4 and whole.outcomes[P + "test_slow"] is TestStatus.PASSED
        assert pool.paths["session"] == 3 and sessions_made(pool) == 1
        target, target_cold = both(drivers, project, [P + "test_two"], timeout=60)
        assert_same(target, target_cold)
        assert list(target.outcomes) == [P + "test_two"]
        named = [P + "test_three", P + "test_one", P + "test_three"]
        some, some_cold = both(drivers, project, named, timeout=60, fail_fast=True)
        assert_same(some, some_cold)
        assert list(some.outcomes) == [P + "test_three"]  # -x: test_three fails first
        assert pool.paths["session"] == 5 and sessions_made(pool) == 1
        assert not pool.paths["plain"] and not pool.paths["zygote"]
    finally:
        warm.close()
        cold.close()


def test_a_named_test_the_suite_does_not_collect_gets_a_session_of_its_own(
        project: Path) -> None:
    """A test outside the whole suite's items (here: outside ``testpaths``) cannot be run
    from the suite's session: that run goes to the zygote, the next ones of that kind get a
    session of their own, and every outcome is the cold run's."""
    (project / "tests/test_m.py").unlink()
    write_files(project, {"tests/test_p.py": PRIMED_TESTS,
                          "extra/test_x.py": "def test_x():\n    assert False\n",
                          "pytest.ini": "[pytest]\ntestpaths = tests\n"})
    warm, cold = PytestDriver(warm=True), PytestDriver(warm=False)
    pool = warm.warm
    assert pool is not None
    try:
        warm.prepare(project, project)
        drivers = (warm, cold)
        for _ in range(2):
            outside, outside_cold = both(drivers, project, ["extra/test_x.py::test_x"],
                                         timeout=60)
            assert_same(outside, outside_cold)
            assert outside.outcomes == {"extra/test_x.py::test_x": TestStatus.FAILED}
        inside, inside_cold = both(drivers, project, [P + "test_one"], timeout=60)
        assert_same(inside, inside_cold)
        assert pool.paths["zygote"] == 1 and pool.paths["session"] == 2
        assert sessions_made(pool) == 2  # the suite's, and one for the outside test
    finally:
        warm.close()
        cold.close()


def test_named_tests_after_a_commands_own_test_folder_run_with_it(project: Path) -> None:
    """A test command that names a folder runs it besides the named tests (pytest runs both):
    such runs are not narrowed from the suite's session."""
    (project / "tests/test_m.py").unlink()
    write_files(project, {"tests/test_p.py": PRIMED_TESTS})
    command = [sys.executable, "-m", "pytest", "tests"]
    warm, cold = PytestDriver(command, warm=True), PytestDriver(command, warm=False)
    try:
        warm.prepare(project, project)
        named, named_cold = both((warm, cold), project, [P + "test_one"], timeout=60)
        assert_same(named, named_cold)
        assert len(named.outcomes) == 4  # the folder's tests, the named one among them
    finally:
        warm.close()
        cold.close()


def test_a_prime_cut_short_by_close_leaves_nothing(project: Path) -> None:
    """A test module whose import takes 5 s keeps the prime's collection busy: ``close()``
    stops the server in the middle of it, at once, and leaves nothing behind."""
    write_files(project, {"tests/test_slow.py": "import time\n\ntime.sleep(5)\n"})
    driver = PytestDriver(warm=True)
    pool = driver.warm
    assert pool is not None
    ahead = threading.Thread(target=driver.prepare, args=(project, project))
    ahead.start()
    deadline = time.monotonic() + 60
    while not pool._priming and ahead.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    priming = list(pool._priming)
    assert priming
    driver.close()
    for server in priming:  # stopped by close(), not after the prime
        assert server.popen.poll() is not None
    ahead.join(60)
    assert not ahead.is_alive() and not pool.pids() and not pool.paths["primed"]
    for server in priming:
        assert not _descendants(server.popen.pid)
