from __future__ import annotations

from apr.ci.annotations import workflow_annotations
from apr.model import (
    Candidate,
    Edit,
    Location,
    Outcome,
    RepairResult,
    RepairStatus,
    ValidationResult,
)

DIFF = """\
diff --git a/a,b/m.py b/a,b/m.py
index 1111111..2222222 100644
--- a/a,b/m.py
+++ b/a,b/m.py
@@ -1,1 +1,1 @@
-x = 1
+x = 2
"""


def _result(n: int) -> RepairResult:
    patch = ValidationResult(Candidate((Edit("a,b/m.py", 4, 5, "2"),), "g", "t", 1.0),
                             Outcome.PLAUSIBLE, 1.0, 1, diff=DIFF)
    locs = tuple(Location("a,b/m.py", line, 1 / line) for line in range(1, n + 1))
    return RepairResult(RepairStatus.PLAUSIBLE, (patch,), locs, ("t",), 1, 1, 1.0, {})


def test_escaped_capped_and_marked() -> None:
    lines = workflow_annotations(_result(15), limit=10)
    assert len(lines) == 10
    first = lines[0]
    assert first.startswith("::warning file=a%2Cb/m.py,line=1,title=apr%3A suspicious line 1 "
                            "of 10::")
    assert "patch changes it" in first and "patch changes it" not in lines[1]
    assert all("\n" not in line for line in lines)


def test_fewer_lines_than_the_cap() -> None:
    assert len(workflow_annotations(_result(3), limit=10)) == 3
    assert workflow_annotations(_result(3), limit=0) == []
