"""QuixBugs' Java programs through the quixbugs adapter, on a miniature checkout made here."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apr.bench.quixbugs import QuixBugsSuite, transplanted
from apr.bench.runner import BenchSettings, run_bug
from apr.errors import UsageError
from tests.project.java.conftest import needs_jacoco

PROGRAM = """\
package {package};
import java.util.*;
{imports}

/*
 * To change this template, choose Tools | Templates
 */
public class MAX_OF {{
    public static int max_of(int a, int b) {{
        if (a {op} b) {{
            return a;
        }}
        return b;
    }}
}}
"""

TEST = """\
package java_testcases.junit;


public class MAX_OF_TEST {
    @org.junit.Test(timeout = 3000)
    public void test_0() throws java.lang.Exception {
        int result = java_programs.MAX_OF.max_of(3, 5);
        org.junit.Assert.assertEquals( (int) 5, result);
    }

    @org.junit.Test(timeout = 3000)
    public void test_1() throws java.lang.Exception {
        int result = java_programs.MAX_OF.max_of(7, 2);
        org.junit.Assert.assertEquals( (int) 7, result);
    }
}
"""


@pytest.fixture
def quixbugs(tmp_path: Path) -> Path:
    root = tmp_path / "qb"
    files = {
        "java_programs/MAX_OF.java": PROGRAM.format(package="java_programs", op="<",
                                                    imports=""),
        "correct_java_programs/MAX_OF.java": PROGRAM.format(package="correct_java_programs",
                                                            op=">", imports=IMPORTS),
        "java_programs/Node.java": "package java_programs;\npublic class Node {}\n",
        "java_testcases/junit/MAX_OF_TEST.java": TEST,
        "java_testcases/junit/QuixFixOracleHelper.java": textwrap.dedent("""\
            package java_testcases.junit;
            public class QuixFixOracleHelper {}
            """),
        "java_programs/ORPHAN.java": "package java_programs;\npublic class ORPHAN {}\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_bugs_checkout_and_developer_patch(quixbugs: Path, tmp_path: Path) -> None:
    suite = QuixBugsSuite(quixbugs, "java")
    bugs = suite.bugs()
    assert [(b.id, b.language) for b in bugs] == [("MAX_OF", "java")]
    checkout = suite.checkout(bugs[0], tmp_path / "co")
    found = sorted(p.relative_to(checkout).as_posix() for p in checkout.rglob("*.java"))
    assert found == ["java_programs/MAX_OF.java", "java_programs/Node.java",
                     "java_testcases/junit/MAX_OF_TEST.java",
                     "java_testcases/junit/QuixFixOracleHelper.java"]
    patch = suite.developer_patch(bugs[0])
    assert "-        if (a < b) {\n+        if (a > b) {" in patch
    assert "package" not in patch  # the correct program's package is renamed, not diffed
    assert "java_programs." not in patch  # nor its imports of the buggy program's package


IMPORTS = "import java_programs.Node;\nimport java_programs.WeightedEdge ;\n"


def test_the_ground_truth_is_the_fix_not_the_move() -> None:
    fixed = PROGRAM.format(package="correct_java_programs", op=">", imports=IMPORTS).encode()
    moved = transplanted(fixed).decode()
    assert moved.startswith("package java_programs;\nimport java.util.*;\n")
    assert "Node" not in moved and "WeightedEdge" not in moved and "class MAX_OF" in moved
    kept = "package correct_java_programs;\nimport java_programs_extra.Node;\n"
    assert transplanted(kept.encode()).decode() == kept.replace("correct_", "")


def test_unknown_language(quixbugs: Path) -> None:
    with pytest.raises(UsageError, match="not supported"):
        QuixBugsSuite(quixbugs, "cobol")


@needs_jacoco
@pytest.mark.slow
def test_bench_repairs_the_java_program(quixbugs: Path) -> None:
    suite = QuixBugsSuite(quixbugs, "java")
    record = run_bug(suite, suite.bugs()[0], BenchSettings(fl="perfect", budget=20, workers=2))
    assert record["status"] == "plausible" and record["correct"], record
