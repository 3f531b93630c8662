"""After the first plausible patch: more of them, within a share of what is left, nearest first."""

from __future__ import annotations

from pathlib import Path

from apr.config import RepairConfig
from apr.lang import get_language
from apr.model import Candidate, Edit, Hunk, Outcome, ValidationResult
from apr.pipeline import Generated, _plausible, estimated, nearest_first, search_on
from tests.generate.test_multihunk import make_run


def cand(name: str, family: str, at: int) -> Candidate:
    return Candidate((Edit("m.py", at, at + 1, name),), "template", family, 1.0, name)


# rank order; hunk 0 holds the a's, hunk 1 the b's
B0, A0, B1, A1, A2, B2 = (cand("b0", "op", 10), cand("a0", "op", 0), cand("b1", "op", 11),
                          cand("a1", "var", 1), cand("a2", "op", 2), cand("b2", "var", 12))
RANKED = [B0, A0, B1, A1, A2, B2]
HUNK_OF = {c: 0 if c.description.startswith("a") else 1 for c in RANKED}


def test_nearest_first_same_place_and_family_then_same_place_then_rank() -> None:
    assert nearest_first(A0, [B1, A1, A2, B2], HUNK_OF) == [A2, A1, B1, B2]
    assert nearest_first(cand("multi", "op", 5), [B1, A1], HUNK_OF) == [B1, A1]  # no hunk


def first_then_more(budget: int, share: float) -> list[str]:
    generated = Generated((), RANKED, HUNK_OF, {})
    plausible = {"a0", "a1", "a2", "b2"}
    run, validator = make_run(lambda c: (Outcome.PLAUSIBLE if c.description in plausible
                                         else Outcome.TEST_FAILED, []), budget=budget)
    run.validate(RANKED)  # the first phase stops at the first plausible patch
    search_on(run, generated, RepairConfig(max_patches=3, search_on=share, budget=budget))
    return [c.description for c, _ in validator.ran]


def test_search_goes_on_nearest_first_until_max_patches() -> None:
    assert first_then_more(budget=100, share=0.5) == ["b0", "a0", "a2", "a1"]


def test_search_spends_only_its_share_of_the_budget_left() -> None:
    assert first_then_more(budget=6, share=0.25) == ["b0", "a0", "a2"]  # int(4 * 0.25) = 1
    assert first_then_more(budget=6, share=0.2) == ["b0", "a0"]  # int(4 * 0.2) = 0


def test_estimated_orders_the_plausible_patches_by_their_hunks_suspiciousness(
        tmp_path: Path) -> None:
    source = b"def f(x):\n    if x:\n        return g(x)\n    return 0\n"
    (tmp_path / "m.py").write_bytes(source)
    at = source.index(b"        return g")  # an insertion at the line start, before the hunk
    inserted = Candidate((Edit("m.py", at, at, "        seen.add(x)\n"),), "template",
                         "insert_statement", 1.0, "insert")
    low = source.index(b"0\n")
    changed = Candidate((Edit("m.py", low, low + 1, "1"),), "template", "literal", 1.0, "lit")
    hunks = (Hunk("m.py", 3, 3, at + 8, source.index(b"\n", at), 1.0, 0),
             Hunk("m.py", 4, 4, low - 11, low + 1, 0.25, 1))
    generated = Generated(hunks, [changed, inserted], {inserted: 0, changed: 1},
                          {"m.py": source})
    results = [ValidationResult(c, Outcome.PLAUSIBLE, 1.0, 1, index=i)
               for i, c in enumerate([changed, inserted])]
    ranked = _plausible(estimated(results, generated, get_language("python"), tmp_path))
    assert [r.candidate for r in ranked] == [inserted, changed]
    assert [r.estimate["localization"] for r in ranked] == [1.0, 0.25]
