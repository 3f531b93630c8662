from __future__ import annotations

from apr.model import (
    Candidate,
    Edit,
    Location,
    Outcome,
    RepairResult,
    RepairStatus,
    ValidationResult,
)
from apr.report.markdown import SummaryContext, diff_block, markdown_summary

DIFF = "--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"


def _result(status: RepairStatus = RepairStatus.PLAUSIBLE, message: str = "") -> RepairResult:
    patch = ValidationResult(Candidate((Edit("m.py", 4, 5, "2"),), "template", "literal", 1.0,
                                       "`1` -> `2`"), Outcome.PLAUSIBLE, 1.25, 3, diff=DIFF)
    patches = (patch,) if status is RepairStatus.PLAUSIBLE else ()
    tests = tuple(f"tests/test_m.py::test_{i}" for i in range(25))
    locs = (Location("a|b.py", 3, 0.9), Location("m.py", 1, 0.5))
    return RepairResult(status, patches, locs, tests, 40, 7, 12.5,
                        {"baseline": 2.0, "validate": 10.0}, message,
                        {"plausible": 1, "test_failed": 6})


def test_full_summary() -> None:
    context = SummaryContext(settings={"budget": 200, "time_limit": 600.0,
                                       "generators": ["template"], "test_command": None},
                             source_url="https://h/o/r/blob/abc/", commit="abcdef0123456789",
                             ref="main", run_url="https://h/run/1",
                             stats=("validation cache: 7 answered",),
                             notes=("### Fix branch\n\nbranch `x`",))
    text = markdown_summary(_result(), context, max_tests=20)
    assert text.startswith("## apr: found a plausible patch\n")
    assert "commit `abcdef012345` on `main` ([CI run](https://h/run/1))" in text
    assert "### Failing tests (25)" in text and "- ... and 5 more" in text
    assert "| 1 | [`a\\|b.py:3`](https://h/o/r/blob/abc/a%7Cb.py#L3) | 0.900 |" in text
    assert "### Patch 1: `1` -&gt; `2`" in text  # renders as ->
    assert "```diff\n" + DIFF + "```" in text
    assert "- candidates validated: 7 of 40 generated (budget 200)" in text
    assert "- time: 12.5 s of 600 s (baseline 2.0 s, validate 10.0 s)" in text
    assert "- outcomes: plausible 1, test_failed 6" in text
    assert "- validation cache: 7 answered" in text
    assert text.index("### Fix branch") < text.index("<details><summary>Settings")
    assert "| `test_command` | (default) |" in text and "| `generators` | template |" in text
    assert text.endswith("</details>\n")


def test_cannot_reproduce_says_why() -> None:
    result = RepairResult(RepairStatus.CANNOT_REPRODUCE, (), (), (), 0, 0, 0.1, {},
                          "no tests were collected by `pytest <args>`")
    text = markdown_summary(result)
    assert text.startswith("## apr: could not reproduce the failure\n")
    assert "no tests were collected by `pytest <args>`" in text  # code spans kept as they are
    assert "### Patch" not in text and "Failing tests" not in text


def test_html_outside_code_is_escaped() -> None:
    text = markdown_summary(_result(RepairStatus.NONE, message="error in <module> `a<b`"))
    assert text.startswith("## apr: found no plausible patch\n")
    assert "error in &lt;module&gt; `a<b`" in text


def test_diff_block_outfences_backticks() -> None:
    block = diff_block("+s = '```'\n")
    assert block.startswith("````diff\n") and block.endswith("\n````")
    assert diff_block("+x").endswith("+x\n```")
