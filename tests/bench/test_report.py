"""Judging every reported plausible patch, the HTML table of bugs, and `apr bench compare`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apr.bench.compare import compare, text
from apr.bench.patches import git_diff
from apr.bench.report import html_page, markdown
from apr.bench.runner import _judge
from apr.cli import main
from apr.model import Candidate, Outcome, RepairResult, RepairStatus, ValidationResult

BUGGY = "def bigger(a, b):\n    return a < b\n"
FIXED = "def bigger(a, b):\n    return a > b\n"
WRONG = "def bigger(a, b):\n    return a <= b\n"


def plausible(diff: str, index: int, estimate: dict[str, float] | None = None,
              ) -> ValidationResult:
    candidate = Candidate((), "template", "mutate_operator", 1.0, f"candidate {index}")
    return ValidationResult(candidate, Outcome.PLAUSIBLE, 1.0, 3, diff=diff, index=index,
                            estimate=estimate or {})


def result_of(*patches: ValidationResult) -> RepairResult:
    return RepairResult(status=RepairStatus.PLAUSIBLE, patches=patches, localization=(),
                        failing_tests=("t",), candidates_generated=9,
                        candidates_validated=9, seconds=1.0, stages={})


def test_every_reported_patch_is_judged_and_the_first_correct_one_ranked(tmp_path: Path,
                                                                         ) -> None:
    (tmp_path / "m.py").write_text(BUGGY)
    wrong, right = git_diff("m.py", BUGGY.encode(), WRONG.encode()), \
        git_diff("m.py", BUGGY.encode(), FIXED.encode())
    record = _judge(result_of(plausible(wrong, 6, {"total": 0.5}), plausible(right, 3)),
                    tmp_path, right, "python")
    assert (record["correct"], record["exact_match"]) == (False, False)  # the first one's
    assert record["rank_of_first_correct"] == 2
    assert record["plausible_patches"] == 2
    assert record["rank_of_first_plausible"] == 4  # the earliest validated, whatever the order
    assert [p["correct"] for p in record["patches"]] == [False, True]
    assert record["patches"][0]["estimate"] == {"total": 0.5}
    assert record["patch"] == wrong


def test_no_correct_patch_has_no_rank(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(BUGGY)
    wrong = git_diff("m.py", BUGGY.encode(), WRONG.encode())
    record = _judge(result_of(plausible(wrong, 0)), tmp_path,
                    git_diff("m.py", BUGGY.encode(), FIXED.encode()), "python")
    assert record["rank_of_first_correct"] is None
    assert record["correct"] is False


def record(bug: str, *, plausible: bool = True, correct: bool = False,
           rank: int | None = None, **extra: Any) -> dict[str, Any]:
    return {"bug": bug, "language": "python", "status": "plausible" if plausible else "none",
            "plausible": plausible, "correct": correct, "exact_match": correct,
            "rank_of_first_plausible": 1 if plausible else None,
            "rank_of_first_correct": rank, "plausible_patches": 2 if plausible else 0,
            "candidates_validated": 10, "seconds": 12.0, "patch": "", **extra}


def write_run(out: Path, records: list[dict[str, Any]], budget: int = 300) -> Path:
    out.mkdir(parents=True)
    (out / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    meta = {"suite": "quixbugs", "settings": {"fl": "sbfl", "formula": "ochiai",
                                              "budget": budget}, "machine": "m"}
    (out / "run.json").write_text(json.dumps(meta))
    return out


def test_html_lists_each_bug_with_both_diffs_folded() -> None:
    records = [record("gcd", correct=True, rank=1, patch="--- a/x\n+++ b/x\n+ours <b>\n",
                      developer_patch="+theirs\n"),
               record("kth", plausible=False)]
    page = html_page({"suite": "quixbugs"}, records)
    assert page.count("<details>") == 2
    assert "+ours &lt;b&gt;" in page and "+theirs" in page  # escaped, both there
    assert "<td>1 of 2</td>" in page  # the first correct patch among the plausible ones
    assert "<td>kth</td><td>none</td><td>-</td><td>-</td>" in page
    assert "| rank correct |" in markdown({}, records)


def test_compare_lists_gains_and_losses_over_the_common_bugs(tmp_path: Path) -> None:
    old = write_run(tmp_path / "old", [record("a"), record("b", correct=True, rank=1),
                                       record("c", plausible=False), record("gone")])
    new = write_run(tmp_path / "new", [record("a", correct=True, rank=1), record("b", rank=2),
                                       record("c"), record("fresh")], budget=500)
    found = compare(old, new)
    assert found["changes"]["correct"] == {"gained": ["a"], "lost": ["b"]}
    assert found["changes"]["correct_any_rank"] == {"gained": ["a"], "lost": []}
    assert found["changes"]["plausible"] == {"gained": ["c"], "lost": []}
    assert (found["only_old"], found["only_new"]) == (["gone"], ["fresh"])
    assert found["totals"]["old"]["bugs"] == found["totals"]["new"]["bugs"] == 3
    assert found["totals"]["new"]["correct_per_plausible"] == round(1 / 3, 3)
    shown = text(found)
    assert "budget 300" in shown and "budget 500" in shown  # the settings, side by side
    assert "correct gained (1): a" in shown


def test_compare_command_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_run(tmp_path / "old", [record("a")])
    new = write_run(tmp_path / "new", [record("a", correct=True, rank=1)])
    assert main(["bench", "compare", str(old), str(new), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"]["correct"]["gained"] == ["a"]
    assert main(["bench", "compare", str(old), str(tmp_path / "nothing")]) == 2


def test_a_cluster_run_names_its_cluster_and_each_bugs_worker() -> None:
    records = [record("gcd", worker="w1"), record("kth", plausible=False, worker="w2")]
    meta = {"suite": "quixbugs", "cluster": "tcp://h:8786", "cluster_workers": 2}
    page = html_page(meta, records)
    assert "12.0 on w1" in page and "12.0 on w2" in page
    assert "cluster tcp://h:8786 (2 workers)" in page
    assert "on w1" not in html_page({"suite": "quixbugs"}, [record("gcd")])
