"""The junit driver: layout, incremental javac, per-test outcomes, timeouts, coverage, errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.errors import UsageError
from apr.localize.stacktrace import resolve_suffix, trace_frames
from apr.model import TestStatus
from apr.project import detect_driver, make_driver
from apr.project.junit import (
    BUILD_DIR,
    JUnitDriver,
    detect_layout,
    gathered,
    is_java_test_file,
    parse_options,
)
from apr.project.workspace import Snapshot, UserRepo, Workspace
from tests.conftest import RepoFactory, write_files
from tests.project.java.conftest import needs_jacoco, needs_junit

PROJECT = {
    "src/main/java/demo/Calc.java": """
        package demo;

        public class Calc {
            public static int inc(int x) {
                if (x > 5) {
                    return x - 1;
                }
                return x + 1;
            }

            public static void spin() {
                while (true) {
                }
            }

            public static String name(Object o) {
                return o.toString();
            }
        }
        """,
    "src/test/java/demo/CalcTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Ignore;
        import org.junit.Test;

        public class CalcTest {
            @Test
            public void small() {
                assertEquals(2, Calc.inc(1));
            }

            @Test
            public void big() {
                assertEquals(11, Calc.inc(10));
            }

            @Test
            public void hangs() {
                Calc.spin();
            }

            @Test
            public void npe() {
                Calc.name(null);
            }

            @Ignore
            @Test
            public void ignored() {
            }
        }
        """,
    "src/test/java/demo/Helper.java": """
        package demo;

        public class Helper {
            static int two() {
                return 2;
            }
        }
        """,
}
TEST = "demo.CalcTest"


@pytest.fixture
def workspace(make_repo: RepoFactory) -> Iterator[Workspace]:
    with Snapshot(UserRepo.locate(make_repo(PROJECT))) as snap:
        yield snap.workspace("w")


def test_layouts(tmp_path: Path) -> None:
    write_files(tmp_path / "maven", {"src/main/java/A.java": "", "src/test/java/ATest.java": ""})
    assert detect_layout(tmp_path / "maven").main == ("src/main/java",)
    write_files(tmp_path / "plain", {"src/a/A.java": "", "test/a/ATest.java": ""})
    layout = detect_layout(tmp_path / "plain")
    assert (layout.main, layout.test) == (("src",), ("test",))
    write_files(tmp_path / "flat", {"java_programs/X.java": "", "java_testcases/junit/X_T.java": "",
                                    "lib/dep.jar": ""})
    flat = detect_layout(tmp_path / "flat")
    assert (flat.main, flat.test, flat.classpath) == ((".",), ("java_testcases",), ("lib/dep.jar",))
    assert flat.main_files(tmp_path / "flat") == ["java_programs/X.java"]
    given = detect_layout(tmp_path / "flat", parse_options("main=java_programs test=t release=11"))
    assert (given.main, given.test, given.release) == (("java_programs",), ("t",), "11")


def test_bad_options_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        parse_options("mian=src")
    with pytest.raises(UsageError):
        JUnitDriver("nonsense")


def test_test_files_and_detection(tmp_path: Path) -> None:
    assert is_java_test_file("src/test/java/demo/CalcTest.java")
    assert is_java_test_file("demo/CalcTest.java") and is_java_test_file("x/BITCOUNT_TEST.java")
    assert not is_java_test_file("src/main/java/demo/Calc.java")
    write_files(tmp_path / "m", {"pom.xml": "<project/>"})
    write_files(tmp_path / "d", {".defects4j.config": "pid=Lang\n", "pom.xml": ""})
    write_files(tmp_path / "p", {"A.java": ""})
    assert detect_driver(tmp_path / "m", "java") == "maven"
    assert detect_driver(tmp_path / "d", "java") == "defects4j"
    assert detect_driver(tmp_path / "p", "java") == "junit"


def test_java_frames_resolve_to_source_files() -> None:
    trace = ("java.lang.NullPointerException\n"
             "\tat java.base/java.util.Objects.requireNonNull(Objects.java:208)\n"
             "\tat demo.Calc$Inner.name(Calc.java:17)\n"
             "\tat demo.CalcTest.npe(CalcTest.java:26)\n")
    frames = trace_frames(trace)
    assert frames == [("demo/CalcTest.java", 26), ("demo/Calc.java", 17),
                      ("java/util/Objects.java", 208)]  # outermost first, as Python's
    files = ["src/main/java/demo/Calc.java", "src/test/java/demo/CalcTest.java"]
    assert resolve_suffix("demo/Calc.java", files) == "src/main/java/demo/Calc.java"
    assert resolve_suffix("java/util/Objects.java", files) is None


@needs_jacoco
def test_outcomes_traces_timeout_and_coverage(workspace: Workspace) -> None:
    driver = JUnitDriver()
    run = driver.run(workspace.project_dir, workspace.root, coverage=True, test_timeout=1.5,
                     timeout=120)
    assert run.outcomes == {f"{TEST}#small": TestStatus.PASSED, f"{TEST}#big": TestStatus.FAILED,
                            f"{TEST}#hangs": TestStatus.TIMEOUT, f"{TEST}#npe": TestStatus.FAILED,
                            f"{TEST}#ignored": TestStatus.SKIPPED}
    assert run.errors == () and run.returncode == 1
    assert 1.4 < run.durations[f"{TEST}#hangs"] < 10
    assert "expected:<11> but was:<9>" in run.traces[f"{TEST}#big"]
    assert "demo.Calc.name(Calc.java:17)" in run.traces[f"{TEST}#npe"]
    main = "src/main/java/demo/Calc.java"
    assert run.coverage[f"{TEST}#small"] == {main: (5, 8)}
    assert run.coverage[f"{TEST}#big"] == {main: (5, 6)}
    assert driver.is_test_file("src/test/java/demo/Helper.java")
    assert not driver.is_test_file(main)


@needs_junit
def test_selected_tests_fail_fast_and_incremental_builds(workspace: Workspace) -> None:
    driver = make_driver(None, workspace.project_dir, "java", None)
    root, main = workspace.project_dir, "src/main/java/demo/Calc.java"
    first = driver.run(root, workspace.root, [f"{TEST}#big", f"{TEST}#small"], timeout=120)
    assert first.outcomes == {f"{TEST}#big": TestStatus.FAILED,
                              f"{TEST}#small": TestStatus.PASSED}
    assert driver.run(root, workspace.root, [f"{TEST}#big", f"{TEST}#small"], fail_fast=True,
                      timeout=120).outcomes == {f"{TEST}#big": TestStatus.FAILED}
    test_class = root / BUILD_DIR / "test" / "demo" / "CalcTest.class"
    stamp = test_class.stat().st_mtime_ns
    workspace.write(main, workspace.snapshot.read(main).replace(b"x - 1", b"x + 1"))
    fixed = driver.run(root, workspace.root, [f"{TEST}#big"], timeout=120)
    assert fixed.outcomes == {f"{TEST}#big": TestStatus.PASSED}
    assert test_class.stat().st_mtime_ns == stamp  # only the changed file was compiled
    workspace.reset([main])
    assert driver.run(root, workspace.root, [f"{TEST}#big"],
                      timeout=120).outcomes[f"{TEST}#big"] is TestStatus.FAILED


@needs_junit
def test_compile_errors_are_errors_and_recover(workspace: Workspace) -> None:
    driver = JUnitDriver()
    root, main = workspace.project_dir, "src/main/java/demo/Calc.java"
    assert driver.run(root, workspace.root, [f"{TEST}#small"], timeout=120).outcomes
    workspace.write(main, workspace.snapshot.read(main).replace(b"x - 1", b"x -* 1"))
    broken = driver.run(root, workspace.root, [f"{TEST}#small"], timeout=120)
    assert broken.outcomes == {} and "Calc.java:6: error" in broken.errors[0]
    workspace.reset([main])
    again = driver.run(root, workspace.root, [f"{TEST}#small"], timeout=120)
    assert again.outcomes == {f"{TEST}#small": TestStatus.PASSED} and again.errors == ()


ISOLATION = {
    "src/main/java/demo/Spin.java": """
        package demo;

        public class Spin {
            public static void forever() {
                while (true) {
                }
            }
        }
        """,
    "src/test/java/demo/IsolationTest.java": """
        package demo;

        import static org.junit.Assert.assertFalse;

        import org.junit.FixMethodOrder;
        import org.junit.Test;
        import org.junit.runners.MethodSorters;

        @FixMethodOrder(MethodSorters.NAME_ASCENDING)
        public class IsolationTest {
            @Test
            public void a1LeavesInterruptedAndAThread() {
                Thread t = new Thread(Spin::forever, "left-behind");
                t.start();
                Thread.currentThread().interrupt();
            }

            @Test
            public void a2SeesNeither() throws Exception {
                assertFalse(Thread.currentThread().isInterrupted());
                Thread.sleep(1);
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    assertFalse(t.getName(), "left-behind".equals(t.getName()) && t.isAlive());
                }
            }

            @Test
            public void a3Hangs() {
                Spin.forever();
            }

            @Test
            public void a4RunsAfterTheHang() {
            }
        }
        """,
}


@needs_junit
@pytest.mark.parametrize("warm", [False, True])
def test_tests_share_a_thread_but_not_its_state(make_repo: RepoFactory, warm: bool) -> None:
    """The runner runs consecutive tests in one thread: the threads a test left running and
    its interrupt status (JUnit 4.13 clears that too) do not reach the next test, and the
    tests after one that ran past its time run in a new thread."""
    test = "demo.IsolationTest"
    with Snapshot(UserRepo.locate(make_repo(ISOLATION))) as snap:
        ws = snap.workspace("w")
        driver = JUnitDriver(warm=warm)
        try:
            for _ in range(2 if warm else 1):  # warm: the first run builds cold
                run = driver.run(ws.project_dir, ws.root, [test], test_timeout=1.5,
                                 timeout=120)
        finally:
            driver.close()
    assert run.outcomes == {f"{test}#a1LeavesInterruptedAndAThread": TestStatus.PASSED,
                            f"{test}#a2SeesNeither": TestStatus.PASSED,
                            f"{test}#a3Hangs": TestStatus.TIMEOUT,
                            f"{test}#a4RunsAfterTheHang": TestStatus.PASSED}


STATICS = {
    "src/main/java/demo/Table.java": """
        package demo;

        public class Table {
            static final java.util.List<Integer> LIMITS = java.util.Arrays.asList(1, 2, 3);
            static int calls;
            static {
                calls = 0;
            }
            private final int width = 4;

            public static int limit(int i) {
                return LIMITS.get(i);
            }
        }
        """,
    "src/test/java/demo/TableTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Test;

        public class TableTest {
            @Test
            public void first() {
                assertEquals(1, Table.limit(0));
            }

            @Test
            public void last() {
                assertEquals(4, Table.limit(2));
            }
        }
        """,
}


@needs_jacoco
def test_every_test_of_a_class_covers_its_static_initialization(make_repo: RepoFactory) -> None:
    """The JVM initializes Table once, in whichever test touches it first; its static field
    values and static block are every such test's lines (java_init), not only the first's."""
    with Snapshot(UserRepo.locate(make_repo(STATICS))) as snap:
        ws = snap.workspace("w")
        run = JUnitDriver().run(ws.project_dir, ws.root, coverage=True, timeout=120)
    table = "src/main/java/demo/Table.java"
    assert run.failing == ("demo.TableTest#last",)
    for test in ("demo.TableTest#first", "demo.TableTest#last"):
        # LIMITS, calls = 0, the static block's end (where <clinit> returns), the return
        assert run.coverage[test][table] == (4, 7, 8, 12)


SUITED = {
    "src/main/java/demo/Calc.java": PROJECT["src/main/java/demo/Calc.java"],
    "src/test/java/demo/OnceTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Test;

        public class OnceTest {
            static int runs;

            @Test
            public void once() {
                assertEquals(1, ++runs);
            }
        }
        """,
    "src/test/java/demo/AllTests.java": """
        package demo;

        import org.junit.runner.RunWith;
        import org.junit.runners.Suite;

        @RunWith(Suite.class)
        @Suite.SuiteClasses({OnceTest.class})
        public class AllTests {
        }
        """,
}


@needs_junit
def test_a_suite_of_listed_classes_does_not_run_them_twice(make_repo: RepoFactory) -> None:
    with Snapshot(UserRepo.locate(make_repo(SUITED))) as snap:
        ws = snap.workspace("w")
        run = JUnitDriver().run(ws.project_dir, ws.root, timeout=120)
    assert run.outcomes == {"demo.OnceTest#once": TestStatus.PASSED}


def test_which_suites_only_gather_listed_classes(tmp_path: Path) -> None:
    def suite(name: str, source: str) -> Path:
        path = tmp_path / f"{name}.java"
        path.write_text(source)
        return path

    junit3 = suite("TestAll", """public class TestAll extends TestCase {
        public static Test suite() {
            TestSuite suite = new TestSuite();
            suite.addTest(TestBuilder.suite());
            suite.addTestSuite(TestCompiler.class);
            return suite;
        }
    }""")
    listed = {"TestAll", "TestBuilder", "TestCompiler"}
    assert gathered(junit3, "TestAll", listed)
    assert not gathered(junit3, "TestAll", {"TestAll", "TestBuilder"})  # reachable only so
    own = suite("DOMModelTest", """public class DOMModelTest extends TestCase {
        public static Test suite() { return new TestSuite(DOMModelTest.class); }
        public void testGetNode() { }
    }""")
    assert not gathered(own, "DOMModelTest", {"DOMModelTest"})
    plain = suite("CalcTest", "public class CalcTest { @Test public void small() { } }")
    assert not gathered(plain, "CalcTest", {"CalcTest"})
    assert not gathered(tmp_path / "Gone.java", "Gone", listed)
