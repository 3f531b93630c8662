from __future__ import annotations

import pytest

from apr.generate import apply_edits, rank
from apr.lang import get_language
from apr.model import Candidate, Edit

PY = get_language("python")
SOURCE = b"def f(a, b):\n    if a < b:\n        return a\n    return b\n"
SOURCES = {"m.py": SOURCE}


def edit(old: str, new: str, file: str = "m.py", source: bytes = SOURCE) -> Edit:
    start = source.index(old.encode())
    return Edit(file, start, start + len(old.encode()), new)


def candidate(score: float, *edits: Edit, name: str = "") -> Candidate:
    return Candidate(tuple(edits), "template", "test", score, name)


# --- apply_edits --------------------------------------------------------------------------------


def test_apply_edits_replaces_and_inserts_in_offset_order() -> None:
    edits = [edit("return b", "return a"), edit("a < b", "a <= b"), Edit("m.py", 0, 0, "# x\n")]
    assert apply_edits(SOURCE, edits) == (
        b"# x\ndef f(a, b):\n    if a <= b:\n        return a\n    return a\n"
    )


def test_apply_edits_allows_touching_edits_and_insertions_at_one_offset() -> None:
    assert apply_edits(b"abc", [Edit("f", 1, 2, "X"), Edit("f", 2, 2, "Y"), Edit("f", 2, 3, "Z")]) \
        == b"aXYZ"
    assert apply_edits(b"abc", [Edit("f", 1, 1, "1"), Edit("f", 1, 1, "2")]) == b"a12bc"
    assert apply_edits(b"abc", []) == b"abc"


@pytest.mark.parametrize("edits", [
    [Edit("f", 0, 2, "x"), Edit("f", 1, 3, "y")],
    [Edit("f", 0, 3, "x"), Edit("f", 1, 1, "y")],
])
def test_apply_edits_rejects_overlapping_edits(edits: list[Edit]) -> None:
    with pytest.raises(ValueError, match="overlap"):
        apply_edits(b"abc", edits)


@pytest.mark.parametrize("bad", [Edit("f", 2, 1, "x"), Edit("f", 0, 4, "x"), Edit("f", -1, 0, "")])
def test_apply_edits_rejects_edits_outside_the_file(bad: Edit) -> None:
    with pytest.raises(ValueError, match="outside"):
        apply_edits(b"abc", [bad])


def test_apply_edits_encodes_text_as_utf8() -> None:
    assert apply_edits("é = 1".encode(), [Edit("f", 5, 6, "ü")]) == "é = ü".encode()


# --- rank ---------------------------------------------------------------------------------------


def test_rank_sorts_by_score_and_keeps_generation_order_on_ties() -> None:
    first = candidate(0.5, edit("a < b", "a <= b"), name="first")
    second = candidate(0.9, edit("return a", "return b"), name="second")
    third = candidate(0.5, edit("a < b", "a > b"), name="third")
    ranked = rank([first, second, third], SOURCES, PY)
    assert [c.description for c in ranked] == ["second", "first", "third"]


def test_rank_drops_candidates_that_change_nothing() -> None:
    same = candidate(1.0, edit("a < b", "a < b"))
    empty = candidate(1.0)
    assert rank([same, empty], SOURCES, PY) == []


def test_rank_drops_candidates_that_break_a_clean_file() -> None:
    broken = candidate(1.0, edit("a < b", "a <"))
    fine = candidate(0.1, edit("a < b", "a <= b"))
    assert rank([broken, fine], SOURCES, PY) == [fine]


def test_rank_keeps_unparsable_results_when_the_original_was_broken() -> None:
    source = b"def f(a, b:\n    return a < b\n"
    change = candidate(1.0, edit("a < b", "a <= b", source=source))
    assert rank([change], {"m.py": source}, PY) == [change]


def test_rank_keeps_the_best_of_candidates_equal_up_to_layout() -> None:
    tight = candidate(0.4, edit("a < b", "a<=b"), name="tight")
    spaced = candidate(0.7, edit("a < b", "a <= b"), name="spaced")
    commented = candidate(0.2, edit("a < b", "a <= b  # fixed"), name="commented")
    other = candidate(0.1, edit("a < b", "a > b"), name="other")
    ranked = rank([tight, spaced, commented, other], SOURCES, PY)
    assert [c.description for c in ranked] == ["spaced", "other"]


def test_rank_merges_different_edits_with_the_same_result() -> None:
    whole = candidate(0.3, edit("if a < b:", "if a <= b:"), name="whole")
    token = candidate(0.3, edit("<", "<="), name="token")
    assert [c.description for c in rank([whole, token], SOURCES, PY)] == ["whole"]


def test_rank_does_not_merge_equal_text_at_different_places() -> None:
    source = b"def f(a):\n    x = a\n    y = a\n"
    one = candidate(0.5, edit("x = a", "x = 0", source=source))
    start = source.index(b"y = a") + 4
    two = candidate(0.5, Edit("m.py", start, start + 1, "0"))
    assert len(rank([one, two], {"m.py": source}, PY)) == 2


def test_rank_does_not_merge_different_indentation() -> None:
    source = b"def f(a):\n    if a:\n        a += 1\n    return a\n"
    inside = candidate(0.5, edit("        a += 1\n", "        a += 2\n", source=source))
    outside = candidate(0.5, edit("        a += 1\n", "    a += 2\n", source=source))
    assert len(rank([inside, outside], {"m.py": source}, PY)) == 2


def test_rank_drops_unknown_files_and_overlapping_edits() -> None:
    unknown = candidate(1.0, Edit("other.py", 0, 0, "x = 1\n"))
    overlapping = candidate(1.0, edit("a < b", "a <= b"), edit("< b", "> b"))
    assert rank([unknown, overlapping], SOURCES, PY) == []


def test_rank_handles_candidates_over_several_files() -> None:
    other = b"x = 1\n"
    both = candidate(1.0, edit("a < b", "a <= b"), Edit("n.py", 4, 5, "2"))
    again = candidate(0.5, Edit("n.py", 4, 5, "2"), edit("a < b", "a<=b"))
    one = candidate(0.2, Edit("n.py", 4, 5, "2"))
    ranked = rank([both, again, one], {"m.py": SOURCE, "n.py": other}, PY)
    assert ranked == [both, one]


def test_rank_limit() -> None:
    candidates = [candidate(1.0 - i / 10, edit("a < b", f"a < b + {i}")) for i in range(1, 6)]
    assert rank(candidates, SOURCES, PY, limit=2) == candidates[:2]
    assert rank(candidates, SOURCES, PY, limit=0) == []
    assert rank(candidates, SOURCES, PY) == candidates
