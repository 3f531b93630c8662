"""The differential test of plausible patches against the developer's program: the sampled
inputs stay where the seeds are, equivalent rewrites pass, near misses are caught, hangs and
too narrow domains are said, and QuixBugs' adapter and the bench record carry the verdict."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest

from apr.bench.compare import compare
from apr.bench.equivalence import (
    MIN_COMPARED,
    Reference,
    Verdict,
    _verdicts,
    differential,
    sample_inputs,
)
from apr.bench.patches import git_diff
from apr.bench.quixbugs import QuixBugsSuite
from apr.bench.report import markdown, text_table
from apr.bench.runner import BenchSettings, judge_equivalence, run_suite

SORT = """\
def sort_unique(arr):
    if len(arr) <= 1:
        return arr
    pivot = arr[0]
    lesser = sort_unique([x for x in arr[1:] if x < pivot])
    greater = sort_unique([x for x in arr[1:] if x > pivot])
    return lesser + [pivot] + greater
"""
# keeps duplicates: the developer's fix
FIXED = SORT.replace("x > pivot", "x >= pivot")
# the same program spelled the other way: duplicates go to the left
MIRRORED = SORT.replace("x < pivot", "x <= pivot")
SEEDS = ((([3, 1, 2],)), ([5, 4, 9, 7],), ([8, 1, 6, 2, 7, 3],), ([],))


def reference(fixed: str = FIXED, seeds: tuple[tuple[object, ...], ...] = SEEDS) -> Reference:
    return Reference(file="prog.py", function="sort_unique", fixed=fixed.encode(), seeds=seeds)


def test_sampled_inputs_stay_in_the_seeds_ranges_and_repeat_per_seed() -> None:
    seeds = (([1, 5, 9], 3, "abc"), ([2, 4, 6, 8, 10], 7, "abcab"))
    first = sample_inputs(seeds, 300, random.Random(1))
    assert first == sample_inputs(seeds, 300, random.Random(1))
    for arr, k, word in first:
        assert 3 <= len(arr) <= 5 and all(1 <= x <= 10 for x in arr)
        assert arr == sorted(arr)  # every seed list there is sorted
        assert 3 <= k <= 7 and isinstance(k, int)
        assert 3 <= len(word) <= 5 and set(word) <= set("abc")
    assert len({tuple(a) for a, _, _ in first}) > 50  # not the seeds again


def test_tokens_are_kept_whole_and_lists_mix_what_they_held() -> None:
    seeds = (([3.0, 5.0, "+", 2.0, "/"],), ([2.0, 2.0, "*"],))
    for (tokens,) in sample_inputs(seeds, 200, random.Random(2)):
        assert all(t in {"+", "/", "*"} or isinstance(t, float) and t.is_integer()
                   and 2.0 <= t <= 5.0 for t in tokens)


def judge(*texts: str, fixed: str = FIXED) -> list[Verdict]:
    return differential([{"prog.py": t.encode()} for t in texts], reference(fixed))


def test_the_same_program_written_another_way_is_equivalent() -> None:
    (verdict,) = judge(MIRRORED)
    assert verdict.equivalent is True
    assert verdict.compared >= MIN_COMPARED


def test_a_patch_that_passes_the_seeds_but_loses_duplicates_differs() -> None:
    (verdict,) = judge(SORT)  # no seed has a duplicate
    assert verdict.equivalent is False
    assert "returned" in verdict.difference and "the reference returned" in verdict.difference


def test_candidates_run_together_each_get_their_own_verdict() -> None:
    hangs = FIXED.replace("    pivot = arr[0]\n",
                          "    pivot = arr[0]\n    while len(arr) == 4:\n        pass\n")
    raises = FIXED.replace("return arr\n", "return arr[5]\n")
    renamed = MIRRORED.replace("def sort_unique", "def sort_all")
    hung, raised, gone, same = judge(hangs, raises, renamed, MIRRORED)
    assert hung.equivalent is False and "ran past" in hung.difference
    assert raised.equivalent is False and "raised IndexError" in raised.difference
    assert gone.equivalent is None and "AttributeError" in gone.difference
    assert same.equivalent is True  # the others' ends did not stop it


def test_too_few_inputs_in_the_reference_domain_is_undecided() -> None:
    narrow = FIXED.replace("    if len(arr) <= 1:", "    assert arr == [3, 1, 2]\n"
                                                    "    if len(arr) <= 1:")
    (verdict,) = judge(narrow, fixed=narrow)
    assert verdict.equivalent is None and "inputs" in verdict.difference


def test_a_patch_to_another_file_is_not_judged() -> None:
    verdicts = differential([{"prog.py": FIXED.encode(), "other.py": b""}], reference())
    assert verdicts[0].equivalent is None


def test_a_child_killed_while_a_candidate_runs_says_it_differs() -> None:
    """The lines of a child stopped at the wall limit, a stray warning among them."""
    lines = ["skip 0", "run 1 0", "same 1 0", "run 1 1", "same 1 1", "warning: slow",
             "run 2 0", "same 2 0", "run 2 1"]
    first, second = _verdicts(lines, 2)
    assert (first.equivalent, first.compared) == (None, 2)  # too few, not wrong
    assert (second.equivalent, second.compared) == (False, 1)
    assert "limit" in second.difference


def quixbugs(root: Path) -> QuixBugsSuite:
    for folder, text in (("python_programs", SORT), ("correct_python_programs", FIXED)):
        (root / folder).mkdir(parents=True)
        (root / folder / "sort_unique.py").write_text(text)
    (root / "python_testcases").mkdir()
    (root / "python_testcases" / "test_sort_unique.py").write_text("")
    (root / "json_testcases").mkdir()
    (root / "json_testcases" / "sort_unique.json").write_text(
        "".join(json.dumps([list(s), sorted(s[0])]) + "\n" for s in SEEDS))
    return QuixBugsSuite(root)


def test_quixbugs_offers_its_json_inputs_and_the_correct_program(tmp_path: Path) -> None:
    suite = quixbugs(tmp_path)
    with (tmp_path / "json_testcases" / "sort_unique.json").open("a") as data:
        data.write("\n[[1, 2\n")  # a blank and a broken line are no seeds, and no crash
    (bug,) = suite.bugs()
    found = suite.reference(bug)
    assert found == Reference(file="python_programs/sort_unique.py", function="sort_unique",
                              fixed=FIXED.encode(), seeds=SEEDS)


def test_the_record_judges_each_patch_not_correct(tmp_path: Path) -> None:
    suite = quixbugs(tmp_path / "qb")
    (bug,) = suite.bugs()
    checkout = suite.checkout(bug, tmp_path / "co")
    file = "python_programs/sort_unique.py"

    def patch(text: str, correct: bool) -> dict[str, object]:
        return {"correct": correct, "diff": git_diff(file, SORT.encode(), text.encode())}

    reference_ = suite.reference(bug)
    assert reference_ is not None
    record = {"patches": [patch(SORT.replace("return arr\n", "return list(arr)\n"), False),
                          patch(MIRRORED, False), patch(FIXED, True)]}
    judged = judge_equivalence(record, checkout, reference_)
    assert [p["equivalent"] for p in judged["patches"]] == [False, True, True]
    assert "differential" not in judged["patches"][2]  # correct: the same program, no run
    assert judged["patches"][1]["differential"]["compared"] >= MIN_COMPARED
    assert (judged["equivalent"], judged["rank_of_first_equivalent"]) == (False, 2)


def run_dir(out: Path, records: list[dict[str, object]]) -> Path:
    out.mkdir(parents=True)
    (out / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    meta = {"suite": "quixbugs", "settings": {"fl": "sbfl", "formula": "ochiai"},
            "equivalence": {"samples": 1000, "min_compared": 100, "call_limit": 1.0}}
    (out / "run.json").write_text(json.dumps(meta))
    return out


def bug(name: str, correct: bool, equivalent: bool | None) -> dict[str, object]:
    patches = [] if equivalent is None else [{"correct": correct, "equivalent": equivalent}]
    return {"bug": name, "language": "python", "status": "plausible", "plausible": True,
            "correct": correct, "exact_match": correct, "seconds": 1.0, "patches": patches,
            **({} if equivalent is None else {"equivalent": equivalent})}


@pytest.mark.parametrize("show", [markdown, text_table])
def test_reports_count_equivalent_first_patches_apart(tmp_path: Path, show: object) -> None:
    records = [bug("a", True, True), bug("b", False, True), bug("c", False, False),
               bug("graph", True, None)]  # no reference: correct counts
    shown = show({"equivalence": {"samples": 1000, "min_compared": 100}},  # type: ignore[operator]
                 records)
    assert "equivalence: 1000 sampled inputs" in shown
    header, row = [line for line in shown.splitlines() if "python" in line or "language" in line
                   ][:2]
    cells = dict(zip(header.strip(" |").split(" | ") if "|" in header else header.split(),
                     row.strip(" |").split(" | ") if "|" in row else row.split(), strict=False))
    assert (cells["correct"], cells["equivalent"]) == ("2", "3")


def test_compare_lists_equivalence_gained(tmp_path: Path) -> None:
    old = run_dir(tmp_path / "old", [bug("a", False, None), bug("b", False, None)])
    new = run_dir(tmp_path / "new", [bug("a", False, True), bug("b", False, False)])
    assert compare(old, new)["changes"]["equivalent"] == {"gained": ["a"], "lost": []}


@pytest.mark.parametrize("language", ["python", "java"])
def test_run_json_names_the_differential_test_only_when_a_bug_has_one(
        tmp_path: Path, language: str) -> None:
    suite = quixbugs(tmp_path / "qb")
    bugs = [dataclasses.replace(b, language=language) for b in suite.bugs()]
    run_suite(suite, bugs, BenchSettings(), tmp_path / "out", runner=lambda *_: iter(()))
    meta = json.loads((tmp_path / "out" / "run.json").read_text())
    assert ("equivalence" in meta) == (language == "python")
