"""Multi-hunk strategies on small synthetic candidate lists, validation in phases, greedy."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from apr.errors import UsageError
from apr.generate import apply_edits
from apr.generate.multihunk import (
    change_key,
    check_strategies,
    combinations,
    group_by_hunk,
    merge,
    same_change,
)
from apr.model import Candidate, Edit, Outcome, ValidationResult
from apr.validate.multihunk import ValidationRun, greedy
from apr.validate.validator import Limits

SOURCE = (b"def line(p, q):\n    return int(p * q)\n\n\n"
          b"def tax(a, r):\n    return int(a * r)\n\n\n"
          b"def rest(a, b):\n        return int(a - b)\n")
SOURCES = {"m.py": SOURCE}


def at(text: str, occurrence: int = 0) -> int:
    index = -1
    for _ in range(occurrence + 1):
        index = SOURCE.index(text.encode(), index + 1)
    return index


def cand(old: str, new: str, occurrence: int, name: str = "", score: float = 1.0,
         generator: str = "template") -> Candidate:
    start = at(old, occurrence)
    edit = Edit("m.py", start, start + len(old.encode()), new)
    return Candidate((edit,), generator, "mutate", score, name or f"{old}->{new}@{occurrence}")


ROUND = [cand("int", "round", i) for i in range(3)]
FLOAT = [cand("int", "float", i) for i in range(3)]


def test_check_strategies() -> None:
    check_strategies(["same", "combine", "greedy"])
    with pytest.raises(UsageError, match="'nope'"):
        check_strategies(["same", "nope"])


def test_group_by_hunk_keeps_rank_order() -> None:
    ranked = [ROUND[1], FLOAT[0], ROUND[0], FLOAT[1], cand("p", "q", 0)]
    hunk_of = {ROUND[0]: 0, FLOAT[0]: 0, ROUND[1]: 1, FLOAT[1]: 1}
    assert group_by_hunk(ranked, hunk_of, 2) == [[FLOAT[0], ROUND[0]], [ROUND[1], FLOAT[1]]]


def test_merge_joins_edits_and_refuses_overlaps() -> None:
    merged = merge([ROUND[0], ROUND[2]], "combine")
    assert merged is not None
    assert merged.template == "multihunk:combine" and merged.generator == "template"
    assert merged.description == "int->round@0 + int->round@2"
    assert apply_edits(SOURCE, merged.edits).count(b"round(") == 2
    assert merge([ROUND[0], FLOAT[0]], "combine") is None
    mixed = merge([ROUND[0], replace(FLOAT[1], generator="seq2seq")], "greedy", "why")
    assert mixed is not None and mixed.generator == "template+seq2seq"
    assert mixed.description == "why"


def test_change_key_ignores_place_and_spacing() -> None:
    assert change_key(ROUND[0], SOURCES) == change_key(ROUND[2], SOURCES) == (("int", "round"),)
    spaced = Candidate((Edit("m.py", at("int(p * q)"), at("int(p * q)") + 10, "round(p *  q)"),),
                       "seq2seq", "rewrite", 1.0)
    assert change_key(spaced, SOURCES) == (("int(p * q)", "round(p * q)"),)
    assert change_key(replace(spaced, edits=(Edit("x.py", 0, 1, ""),)), SOURCES) is None


def test_same_change_applies_one_rewrite_everywhere_it_is_proposed() -> None:
    lists = [[FLOAT[0], ROUND[0]], [ROUND[1], FLOAT[1]], [cand("a", "b", 2), ROUND[2]]]
    found = same_change(lists, SOURCES)
    assert len(found) == 2
    everywhere, two = found
    assert apply_edits(SOURCE, everywhere.edits).count(b"round(") == 3
    assert everywhere.template == "multihunk:same"
    assert everywhere.description == "int->round@0 (the same change at 3 places)"
    assert apply_edits(SOURCE, two.edits).count(b"float(") == 2
    assert same_change(lists, SOURCES, depth=1) == []  # no two hunks' first candidates agree
    assert len(same_change(lists, SOURCES, depth=2)) == 2


def line_edit(source: bytes, line: int, text: str) -> Candidate:
    """A seq2seq-style candidate: line ``line`` replaced by ``text`` at its indentation."""
    lines = source.split(b"\n")
    start = sum(len(x) + 1 for x in lines[: line - 1])
    old = lines[line - 1]
    indent = old[: len(old) - len(old.lstrip())].decode()
    return Candidate((Edit("m.py", start, start + len(old), indent + text),), "seq2seq",
                     "rewrite", 1.0, text)


def test_same_change_for_seq2seq_needs_equal_buggy_lines() -> None:
    fix = "return round(a * r)"
    lists = [[line_edit(SOURCE, 6, fix)], [line_edit(SOURCE, 10, fix)],
             [line_edit(SOURCE, 2, fix)]]
    assert same_change(lists, SOURCES) == []  # three different buggy lines
    twin = SOURCE + b"\n\ndef tax2(a, r):\n        return int(a * r)\n"
    lists = [[line_edit(twin, 6, fix)], [line_edit(twin, 14, fix)]]
    [found] = same_change(lists, {"m.py": twin})
    assert apply_edits(twin, found.edits).count(b"    return round(a * r)\n") == 2


def test_combinations_in_rank_order_all_hunks_first_on_ties() -> None:
    a, b, c = ([cand("int", "round", i, f"{h}0"), cand("int", "float", i, f"{h}1")]
               for i, h in enumerate("abc"))
    found = [x.description for x in combinations([a, b, c], top_k=2)]
    assert found[:4] == ["a0 + b0 + c0", "a0 + b0", "a0 + c0", "b0 + c0"]
    assert len(found) == 3 * 4 + 8
    assert found[-1] == "a1 + b1 + c1"
    assert [x.description for x in combinations([a, b], top_k=1)] == ["a0 + b0"]
    assert list(combinations([a, [], [cand("int", "x", 0)]], top_k=2)) == []  # overlap


# --- validation in phases, greedy ------------------------------------------------------------


@dataclass
class FakeValidator:
    """Outcomes from a function of the candidate; records what ran and under which limits."""

    judge: Any
    limits: Limits
    ran: list[tuple[Candidate, bool]] = field(default_factory=list)

    def with_limits(self, limits: Limits, cache: Any = None, offset: int = 0) -> FakeValidator:
        return FakeValidator(self.judge, limits, self.ran)

    def validate(self, candidates: Sequence[Candidate],
                 workers: int) -> Iterator[ValidationResult]:
        plausible = 0
        for index, candidate in enumerate(candidates[: self.limits.budget]):
            if plausible >= self.limits.max_patches:
                return
            self.ran.append((candidate, self.limits.fail_fast))
            outcome, failing = self.judge(candidate)
            plausible += outcome is Outcome.PLAUSIBLE
            yield ValidationResult(candidate, outcome, 0.0, 1, tuple(failing), index=index)


def make_run(judge: Any, budget: int = 100, max_patches: int = 1,
             workers: int = 2) -> tuple[ValidationRun, FakeValidator]:
    limits = Limits(budget, time.monotonic() + 60, max_patches, 1.0, 1.0)
    validator = FakeValidator(judge, limits)
    run = ValidationRun(validator, workers)  # type: ignore[arg-type]
    return run, validator


def test_validation_run_numbers_results_across_phases_and_shares_the_budget() -> None:
    run, validator = make_run(lambda c: (Outcome.TEST_FAILED, ["t"]), budget=5)
    told: list[tuple[int, int]] = []
    run.on_result = lambda result, done, offered: told.append((done, offered))
    run.validate(ROUND)
    run.validate(FLOAT, count_failures=True)
    assert [r.index for r in run.results] == [0, 1, 2, 3, 4]
    assert told == [(1, 3), (2, 3), (3, 3), (4, 5), (5, 5)]
    assert run.remaining == 0 and run.finished
    assert [fast for _, fast in validator.ran] == [True, True, True, False, False]
    assert run.validate(ROUND) == []


def test_validation_run_stops_at_max_patches() -> None:
    run, _ = make_run(lambda c: (Outcome.PLAUSIBLE if c is ROUND[1] else Outcome.TEST_FAILED, []))
    run.validate(ROUND)
    assert run.plausible == 1 and run.finished
    assert run.validate(FLOAT) == []


def test_a_patch_made_again_by_a_later_phase_is_a_duplicate_not_a_new_patch() -> None:
    # a multi-hunk step of one part (greedy's first hunk) is the single-hunk candidate again
    again = replace(ROUND[1], generator="multihunk", template="multihunk:greedy")
    run, _ = make_run(lambda c: (Outcome.PLAUSIBLE if c.edits == ROUND[1].edits
                                 else Outcome.TEST_FAILED, []), max_patches=5)
    run.validate(ROUND)
    run.validate([again, FLOAT[0]], count_failures=True)
    assert [(r.index, r.is_patch, r.duplicate_of) for r in run.results] == [
        (0, False, None), (1, True, None), (2, False, None), (3, False, 1), (4, False, None)]
    assert run.plausible == 1
    assert run.results[3].outcome is Outcome.PLAUSIBLE  # greedy still sees it pass


FAILING = {"t1", "t2", "t3"}


def count_judge(fixes: dict[str, set[str]]) -> Any:
    """A candidate fixes the tests its parts' descriptions name; the rest still fail."""

    def judge(candidate: Candidate) -> tuple[Outcome, list[str]]:
        fixed = set().union(*(fixes.get(part, set()) for part in
                              candidate.description.split(" + ")))
        left = sorted(FAILING - fixed)
        return (Outcome.TEST_FAILED, left) if left else (Outcome.PLAUSIBLE, [])

    return judge


def test_greedy_keeps_the_first_candidate_that_lowers_the_failing_count() -> None:
    lists = [[cand("int", "float", 0, "a0"), cand("int", "round", 0, "a1"),
              cand("p", "q", 0, "a2")],
             [cand("int", "float", 1, "b0"), cand("int", "round", 1, "b1")]]
    run, validator = make_run(count_judge({"a1": {"t1", "t2"}, "a2": {"t1"}, "b1": {"t3"}}),
                              workers=1)
    kept = greedy(lists, run, lambda parts: merge(parts, "greedy"), len(FAILING), 10)
    assert [k.description for k in kept] == ["a1", "b1"]
    assert [c.description for c, _ in validator.ran] == ["a0", "a1", "a1 + b0", "a1 + b1"]
    assert all(not fast for _, fast in validator.ran)
    assert run.plausible == 1


def test_greedy_skips_a_hunk_that_no_candidate_helps_and_respects_per_hunk() -> None:
    lists = [[cand("int", "float", 0, "a0"), cand("int", "round", 0, "a1")],
             [cand("int", "round", 1, "b0")], [cand("int", "round", 2, "c0")]]
    run, validator = make_run(count_judge({"a1": {"t1"}, "b0": {"t2"}, "c0": {"t3"}}))
    kept = greedy(lists, run, lambda parts: merge(parts, "greedy"), len(FAILING), 1)
    assert [k.description for k in kept] == ["b0", "c0"]
    assert [c.description for c, _ in validator.ran] == ["a0", "b0", "b0 + c0"]
