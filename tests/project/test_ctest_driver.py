"""The ctest driver on a tiny CMake project: outcomes, a crash, a timeout, a subset, coverage,
a compile error."""

from __future__ import annotations

import textwrap
from pathlib import Path

from apr.model import TestStatus
from apr.project import detect_driver
from apr.project.ctest import CTestDriver, _escape
from tests.project.c_fixture import STATS_C, STATS_H, needs_cmake, write_project

CMAKELISTS = textwrap.dedent("""\
    cmake_minimum_required(VERSION 3.13)
    project(stats C)
    enable_testing()
    add_library(stats src/stats.c)
    target_include_directories(stats PUBLIC src)
    add_executable(check_stats tests/check_stats.c)
    target_link_libraries(check_stats stats)
    foreach(name max count_equal sum crash hang)
      add_test(NAME stats.${name} COMMAND check_stats ${name})
    endforeach()
    """)

CHECK_C = textwrap.dedent("""\
    #include <stdio.h>
    #include <string.h>
    #include "stats.h"

    int main(int argc, char **argv) {
        int some[] = {4, 9, 2, 9, 1};
        const char *what = argv[1];
        if (strcmp(what, "max") == 0) return stats_max(some, 5) != 9;
        if (strcmp(what, "count_equal") == 0) {
            int got = stats_count_at_most(some, 5, 4);
            printf("expected 3, got %d\\n", got);
            return got != 3;
        }
        if (strcmp(what, "sum") == 0) return stats_sum(some, 5) != 25;
        if (strcmp(what, "crash") == 0) { volatile int *p = NULL; return *p; }
        for (;;) {}
    }
    """)


@needs_cmake
def test_ctest_outcomes_subset_and_coverage(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {
        "CMakeLists.txt": CMAKELISTS, "src/stats.h": STATS_H, "src/stats.c": STATS_C,
        "tests/check_stats.c": CHECK_C, ".gitignore": ".apr-build/\n"})
    assert detect_driver(root, "c") == "ctest"
    driver = CTestDriver()
    run = driver.run(root, root, coverage=True, timeout=120, test_timeout=1)
    assert run.errors == ()
    assert run.outcomes == {
        "stats.max": TestStatus.PASSED, "stats.count_equal": TestStatus.FAILED,
        "stats.sum": TestStatus.PASSED, "stats.crash": TestStatus.FAILED,
        "stats.hang": TestStatus.TIMEOUT}
    assert "SegFault" in run.traces["stats.crash"]
    assert "expected 3, got 2" in run.traces["stats.count_equal"]
    assert 17 in run.coverage["stats.count_equal"]["src/stats.c"]
    assert 17 not in run.coverage["stats.max"]["src/stats.c"]
    assert list(run.coverage["stats.max"]) == ["src/stats.c"]

    subset = driver.run(root, root, ["stats.sum", "stats.max"], timeout=60, test_timeout=1)
    assert subset.outcomes == {"stats.sum": TestStatus.PASSED, "stats.max": TestStatus.PASSED}

    (root / "src/stats.c").write_text(STATS_C.replace("return count;", "return count"))
    broken = driver.run(root, root, timeout=60, test_timeout=1)
    assert broken.outcomes == {} and "error:" in broken.errors[0].splitlines()[-1]


def test_names_are_escaped_for_ctest_regexes() -> None:
    assert _escape("stats.max(1)") == r"stats\.max\(1\)"
