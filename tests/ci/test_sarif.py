"""SARIF: patches become replacements that reproduce the diff, and the log is schema-valid."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from apr.model import (
    Candidate,
    Edit,
    Location,
    Outcome,
    RepairResult,
    RepairStatus,
    ValidationResult,
)
from apr.report.sarif import Provenance, Replacement, replacements, sarif_log, touched_lines
from tests.ci.conftest import apply_replacements, assert_valid_sarif
from tests.conftest import RepoFactory, git

BEFORE = "".join(f"line {n}\n" for n in range(1, 13))


def _lines(text: str, *changes: tuple[int, str | None]) -> str:
    """``text`` with line N replaced by a string (several lines allowed) or removed (None)."""
    lines = text.split("\n")
    for number, new in sorted(changes, reverse=True):
        if new is None:
            del lines[number - 1]
        else:
            lines[number - 1] = new
    return "\n".join(lines)


CASES = {
    "one line changed": (BEFORE, _lines(BEFORE, (5, "line five"))),
    "two hunks": (BEFORE, _lines(BEFORE, (2, "two"), (11, "eleven"))),
    "two blocks in one hunk": (BEFORE, _lines(BEFORE, (4, "four"), (6, "six"))),
    "lines inserted": (BEFORE, _lines(BEFORE, (6, "line 6\nnew a\nnew b"))),
    "inserted at the start": (BEFORE, "first\n" + BEFORE),
    "inserted at the end": (BEFORE, BEFORE + "last\n"),
    "lines deleted": (BEFORE, _lines(BEFORE, (7, None), (8, None))),
    "last line deleted": (BEFORE, _lines(BEFORE, (12, None))),
    "one line becomes three": (BEFORE, _lines(BEFORE, (3, "a\nb\nc"))),
    "no newline at end, changed": ("a\nb\nlast", "a\nb\nLAST"),
    "newline added at end": ("a\nb\nlast", "a\nb\nlast\n"),
    "newline removed at end": ("a\nb\nlast\n", "a\nb\nlast"),
    "unicode on a last line without newline": ("x = 1\ns = 'café ☕'", "x = 2\ns = 'thé ☕'"),
    "everything deleted": ("a\nb\n", ""),
}


@pytest.mark.parametrize("context", [3, 0])
@pytest.mark.parametrize("name", list(CASES))
def test_replacements_reproduce_the_diff(make_repo: RepoFactory, tmp_path: Path, name: str,
                                         context: int) -> None:
    before, after = CASES[name]
    root = make_repo({}, commit=False)
    (root / "f.txt").write_text(before, encoding="utf-8")
    (root / "g.txt").write_text(BEFORE, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "before")
    (root / "f.txt").write_text(after, encoding="utf-8")
    (root / "g.txt").write_text(_lines(BEFORE, (9, "nine")), encoding="utf-8")
    diff = git(root, "diff", f"-U{context}")
    reps = replacements(diff)
    assert {r.file for r in reps} == {"f.txt", "g.txt"}
    for file, text in (("f.txt", before), ("g.txt", BEFORE)):
        mine = [_as_sarif(r) for r in reps if r.file == file]
        assert apply_replacements(text, mine) == (root / file).read_text(encoding="utf-8")


def _as_sarif(r: Replacement) -> dict[str, object]:
    return {"deletedRegion": {"startLine": r.start_line, "startColumn": r.start_column,
                              "endLine": r.end_line, "endColumn": r.end_column},
            "insertedContent": {"text": r.inserted}}


def test_touched_lines() -> None:
    assert touched_lines(Replacement("f", 4, 1, 6, 1, "x\n", (4, 5))) == {4, 5}
    assert touched_lines(Replacement("f", 7, 1, 7, 1, "x\n", ())) == {6, 7}
    assert touched_lines(Replacement("f", 1, 1, 1, 1, "x\n", ())) == {1}


# --- the log -------------------------------------------------------------------------------

DIFF = """\
diff --git a/pkg/m.py b/pkg/m.py
index 1111111..2222222 100644
--- a/pkg/m.py
+++ b/pkg/m.py
@@ -2,3 +2,3 @@ def f(x):
     y = x
-    return y < 1
+    return y <= 1
     # end
"""


def _result(status: RepairStatus = RepairStatus.PLAUSIBLE, patch_line: int = 3,
            message: str = "") -> RepairResult:
    candidate = Candidate((Edit("pkg/m.py", 10, 11, "<="),), "template", "mutate_operator",
                          1.0, "`<` -> `<=`")
    patch = ValidationResult(candidate, Outcome.PLAUSIBLE, 1.5, 4,
                             diff=DIFF.replace("-2,3 +2,3", f"-{patch_line - 1},3 +"
                                               f"{patch_line - 1},3"))
    patches = (patch,) if status is RepairStatus.PLAUSIBLE else ()
    locations = tuple(Location("pkg/m.py", n, 1.0 / n) for n in (1, 2, 3, 4))
    return RepairResult(status, patches, locations, ("tests/test_m.py::test_f",), 9, 3, 2.0,
                        {"baseline": 1.0}, message)


def test_log_is_valid_and_carries_the_fix(sarif_validator: jsonschema.Draft4Validator,
                                          tmp_path: Path) -> None:
    log = sarif_log(_result(), "1.2.3", Provenance(root=tmp_path, repository_url="https://x/y",
                                                   revision="abc", branch="main"))
    assert_valid_sarif(sarif_validator, log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "apr"
    assert run["tool"]["driver"]["version"] == "1.2.3"
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in run["results"]] == [1, 2, 3, 4]
    levels = {r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["level"]
              for r in run["results"]}
    assert levels == {1: "note", 2: "note", 3: "warning", 4: "note"}
    fixed = [r for r in run["results"] if "fixes" in r]
    assert len(fixed) == 1 and "validated patch 1" in fixed[0]["message"]["text"]
    change = fixed[0]["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "pkg/m.py"
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 3, "startColumn": 1, "endLine": 4, "endColumn": 1},
        "insertedContent": {"text": "    return y <= 1\n"}}]
    assert "```diff" in fixed[0]["fixes"][0]["description"]["markdown"]
    assert run["properties"]["patches"] == [_result().patches[0].diff]
    assert run["versionControlProvenance"] == [
        {"repositoryUri": "https://x/y", "revisionId": "abc", "branch": "main"}]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_a_patch_outside_the_top_lines_still_gets_a_result(
        sarif_validator: jsonschema.Draft4Validator) -> None:
    log = sarif_log(_result(patch_line=40), "1", max_results=2)
    assert_valid_sarif(sarif_validator, log)
    results = log["runs"][0]["results"]
    assert len(results) == 3
    last = results[-1]
    assert last["locations"][0]["physicalLocation"]["region"]["startLine"] == 40
    assert last["level"] == "warning" and last["fixes"]


@pytest.mark.parametrize("status", [RepairStatus.NONE, RepairStatus.CANNOT_REPRODUCE,
                                    RepairStatus.NOTHING_TO_FIX])
def test_logs_without_a_patch(sarif_validator: jsonschema.Draft4Validator,
                              status: RepairStatus) -> None:
    result = _result(status, message="why")
    if status is not RepairStatus.NONE:
        result = RepairResult(status, (), (), (), 0, 0, 0.0, {}, "why")
    log = sarif_log(result, "1")
    assert_valid_sarif(sarif_validator, log)
    run = log["runs"][0]
    assert not any("fixes" in r for r in run["results"])
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is (status is not RepairStatus.CANNOT_REPRODUCE)
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "why"
    if status is RepairStatus.NONE:  # without a patch, the top-scored lines are the warnings
        assert [r["level"] for r in run["results"]] == ["warning", "note", "note", "note"]


def test_the_schema_catches_mistakes(sarif_validator: jsonschema.Draft4Validator) -> None:
    """The schema really is strict about what we emit (a guard against a lax test)."""
    log = sarif_log(_result(), "1")
    region = log["runs"][0]["results"][2]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    region["deletedRegion"]["startLine"] = 0
    assert list(sarif_validator.iter_errors(log))
    log = sarif_log(_result(), "1")
    del log["runs"][0]["results"][0]["message"]
    assert list(sarif_validator.iter_errors(log))
