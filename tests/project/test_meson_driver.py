"""The meson driver on a tiny Meson project: TAP and exit-code tests, a crash, a timeout, a
subset, fail-fast, coverage, a compile error; and `apr repair` on it, end to end."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from apr.cli import main
from apr.errors import TestCommandNotFound
from apr.model import TestStatus
from apr.project import detect_driver
from apr.project.meson_driver import MesonDriver, _meson, _pattern
from tests.conftest import tree_state
from tests.project.c_fixture import (
    BUGGY_LINE,
    GITIGNORE,
    STATS_C,
    STATS_H,
    TAP_H,
    TEST_COUNT_C,
    TEST_SUMMARY_C,
    missing_c_tools,
    write_project,
)


def _missing() -> str:
    try:
        _meson()
    except TestCommandNotFound:
        return "needs meson"
    return missing_c_tools()


pytestmark = pytest.mark.skipif(bool(_missing()), reason=_missing() or "ok")

MESON_BUILD = textwrap.dedent("""\
    project('stats', 'c')
    inc = include_directories('src')
    lib = static_library('stats', 'src/stats.c', include_directories: inc)
    foreach name : ['summary', 'count']
      exe = executable('test_' + name, 'tests/test_' + name + '.c', link_with: lib,
                       include_directories: inc)
      test(name, exe, protocol: 'tap', suite: 'unit')
    endforeach
    """)

CHECK_C = textwrap.dedent("""\
    #include <string.h>
    #include "stats.h"

    int main(int argc, char **argv) {
        int some[] = {4, 9, 2, 9, 1};
        if (strcmp(argv[1], "max") == 0) return stats_max(some, 5) != 9;
        if (strcmp(argv[1], "crash") == 0) { volatile int *p = 0; return *p; }
        for (;;) {}
    }
    """)

CHECKS = textwrap.dedent("""\
    check = executable('check', 'tests/check.c', link_with: lib, include_directories: inc)
    foreach what : ['max', 'crash', 'hang']
      test('check ' + what, check, args: [what])
    endforeach
    """)

FAILING = "count::count_at_most counts values equal to the limit"


def _project(root: Path, *, checks: bool = False) -> Path:
    files = {"meson.build": MESON_BUILD + (CHECKS if checks else ""), "src/stats.h": STATS_H,
             "src/stats.c": STATS_C, "tests/tap.h": TAP_H, "tests/test_count.c": TEST_COUNT_C,
             "tests/test_summary.c": TEST_SUMMARY_C, ".gitignore": GITIGNORE}
    if checks:
        files["tests/check.c"] = CHECK_C
    return write_project(root, files)


def test_outcomes_subset_coverage_and_a_compile_error(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", checks=True)
    assert detect_driver(root, "c") == "meson"
    driver = MesonDriver()
    run = driver.run(root, root, coverage=True, timeout=120, test_timeout=1)
    assert run.errors == ()
    assert run.outcomes == {
        "check max": TestStatus.PASSED, "check crash": TestStatus.FAILED,
        "check hang": TestStatus.TIMEOUT,
        "summary::max finds the largest value": TestStatus.PASSED,
        "summary::max of negative values": TestStatus.PASSED,
        "summary::sum adds every value": TestStatus.PASSED,
        "summary::(exit)": TestStatus.PASSED,
        "count::count_at_most counts smaller values": TestStatus.PASSED,
        FAILING: TestStatus.FAILED, "count::(exit)": TestStatus.PASSED}
    assert "SIGSEGV" in run.traces["check crash"]
    assert "ran past its time limit (1 s)" in run.traces["check hang"]
    assert "expected: 3" in run.traces[FAILING]
    assert BUGGY_LINE in run.coverage[FAILING]["src/stats.c"]
    assert BUGGY_LINE not in run.coverage["summary::(exit)"]["src/stats.c"]
    assert BUGGY_LINE not in run.coverage["check max"]["src/stats.c"]
    assert list(run.coverage["check max"]) == ["src/stats.c"]  # tests are not code

    subset = driver.run(root, root, ["check max", FAILING], timeout=60, test_timeout=1)
    assert subset.outcomes == {"check max": TestStatus.PASSED, FAILING: TestStatus.FAILED}
    first = driver.run(root, root, [FAILING, "check max"], fail_fast=True, timeout=60,
                       test_timeout=1)
    assert first.outcomes["check max"] is TestStatus.PASSED  # exit-code tests run first
    unknown = driver.run(root, root, ["no such test"], timeout=60, test_timeout=1)
    assert unknown.outcomes == {"no such test": TestStatus.FAILED}

    (root / "src/stats.c").write_text(STATS_C.replace("return count;", "return count"))
    broken = driver.run(root, root, timeout=60, test_timeout=1)
    assert broken.outcomes == {} and "error:" in broken.errors[0].splitlines()[-1]


CPP_CHECK = textwrap.dedent("""\
    extern "C" {
    #include "stats.h"
    }

    int main() {
        int some[] = {4, 9, 2, 9, 1};
        return stats_max(some, 5) == 9 ? 0 : 1;
    }
    """)


def test_a_cpp_target_and_a_werror_project_build(tmp_path: Path) -> None:
    """A C++ test linking the C library links with c++ (coverage there too), and a project's
    -Werror does not stop apr's -O0 build on a warning."""
    if shutil.which("c++") is None:
        pytest.skip("needs c++")
    build = MESON_BUILD.replace("project('stats', 'c')", "project('stats', 'c', 'cpp')\n"
                                "add_project_arguments('-Wall', '-Werror', language: 'c')")
    build += "test('cpp max', executable('cpp_check', 'tests/cpp_check.cpp', link_with: lib,\n"
    build += "     include_directories: inc))\n"
    root = write_project(tmp_path / "p", {
        "meson.build": build, "src/stats.h": STATS_H, "tests/tap.h": TAP_H,
        "src/stats.c": STATS_C.replace("int count = 0;", "int count = 0, unused;"),
        "tests/test_count.c": TEST_COUNT_C, "tests/test_summary.c": TEST_SUMMARY_C,
        "tests/cpp_check.cpp": CPP_CHECK, ".gitignore": GITIGNORE})
    run = MesonDriver().run(root, root, coverage=True, timeout=120, test_timeout=2)
    assert run.errors == ()
    assert run.outcomes["cpp max"] is TestStatus.PASSED
    assert run.outcomes[FAILING] is TestStatus.FAILED
    assert 5 in run.coverage["cpp max"]["src/stats.c"]  # stats_max's first line


def test_a_crash_fails_the_tap_tests_exit(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "src/stats.c").write_text(STATS_C.replace(
        "int count = 0;", "int count = 0;\n    if (limit == 4) { volatile int *p = 0; *p = 1; }"))
    run = MesonDriver().run(root, root, timeout=60, test_timeout=1)
    assert run.outcomes["count::(exit)"] is TestStatus.FAILED
    assert "SIGSEGV" in run.traces["count::(exit)"]
    assert run.outcomes["count::count_at_most counts smaller values"] is TestStatus.PASSED


def test_repair_a_meson_project(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    before = tree_state(root)
    report = tmp_path / "report.json"
    code = main(["repair", str(root), "--quiet", "--budget", "100", "--workers", "1",
                 "--max-patches", "1", "--report", str(report), "--run-dir", str(tmp_path / "run")])
    data = json.loads(report.read_text())
    assert code == 0 and data["status"] == "plausible", data.get("message")
    assert data["failing_tests"] == [FAILING]
    assert "values[i] <= limit" in data["patches"][0]["diff"]
    assert tree_state(root) == before


def test_names_are_escaped_for_meson_patterns() -> None:
    assert _pattern("check [1]*") == "check [[]1][*]"
    assert _pattern("sub:t?") == "sub:t[?]"


def test_no_meson_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))
    with pytest.raises(TestCommandNotFound, match="pip install meson ninja"):
        _meson()
