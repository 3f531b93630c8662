"""Which lines of a Java file run when its class is initialized (apr.project.java_init)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from apr.project.java_init import static_init_lines, with_class_init

SOURCE = textwrap.dedent("""\
    package demo;

    public class Codes {
        static final int PLAIN = 3;
        static final String[] NAMES = {
            "a", "b"};
        private int count = 0;
        static {
            PLAIN_SEEN = true;
        }
        static boolean PLAIN_SEEN;

        enum Kind {
            ONE(1), TWO(2);
            Kind(int n) {
                this.n = n;
            }
            final int n;
        }

        interface Limits {
            int MAX = Integer.parseInt("9");
        }

        int get() {
            return count;
        }
    }
    """)


def test_static_values_blocks_enum_constants_and_interface_constants(tmp_path: Path) -> None:
    path = tmp_path / "Codes.java"
    path.write_text(SOURCE)
    # PLAIN's 3 (javac folds it: no code runs, no line is covered), NAMES' two lines, the
    # static block, the enum constants, the interface constant; not the instance field
    assert sorted(static_init_lines(path)) == [4, 5, 6, 8, 9, 10, 14, 22]
    assert static_init_lines(tmp_path / "Missing.java") == frozenset()


def test_each_test_of_a_file_gets_the_initialization_that_ran(tmp_path: Path) -> None:
    (tmp_path / "Codes.java").write_text(SOURCE)
    coverage = {"first": {"Codes.java": (5, 9, 26)}, "second": {"Codes.java": (26,)},
                "other": {"Else.java": (1,)}}
    # every line the run ran: the tests' and, between tests, the enum constants (14)
    out = with_class_init(coverage, tmp_path, {"Codes.java": (5, 9, 14, 26), "Else.java": (1,)})
    assert out["second"]["Codes.java"] == (5, 9, 14, 26)
    assert out["first"]["Codes.java"] == (5, 9, 14, 26)
    assert out["other"] == {"Else.java": (1,)}
    # without that record, what the tests ran
    assert with_class_init(coverage, tmp_path)["second"]["Codes.java"] == (5, 9, 26)
