from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest

from apr.model import Candidate, Edit, Outcome
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo
from apr.validate.programs import Programs
from apr.validate.validator import Limits, Validator
from tests.conftest import BUGGY_STATS, RepoFactory

FILE = "stats/summary.py"
BUGGY = b"        if low <= v < high:\n            count += 1\n"


@pytest.fixture
def snap(make_repo: RepoFactory) -> Iterator[Snapshot]:
    snapshot = Snapshot(UserRepo.locate(make_repo(BUGGY_STATS)))
    try:
        yield snapshot
    finally:
        snapshot.close()


def edit(snap: Snapshot, new: str, old: bytes = BUGGY, file: str = FILE) -> Candidate:
    start = snap.read(file).index(old)
    return Candidate((Edit(file, start, start + len(old), new),), "test", "t", 1.0, new.strip())


def key(programs: Programs, candidate: Candidate) -> object:
    examined = programs.examine(candidate)
    assert not examined.broken
    return examined.key


def test_layout_comments_and_parentheses_make_the_same_program(snap: Snapshot) -> None:
    programs = Programs(snap)
    fix = key(programs, edit(snap, "        if low <= v <= high:\n            count += 1\n"))
    assert fix == key(programs, edit(snap, "        if (low <= v  <=  high):  # fixed\n"
                                           "            count += 1\n"))
    assert fix != key(programs, edit(snap, "        if low < v <= high:\n            count += 1\n"))


def test_indentation_and_docstrings_are_part_of_the_program(snap: Snapshot) -> None:
    programs = Programs(snap)
    inside = key(programs, edit(snap, "        if low <= v < high:\n            count += 1\n"
                                      "            count += 0\n"))
    after = key(programs, edit(snap, "        if low <= v < high:\n            count += 1\n"
                                     "        count += 0\n"))
    assert inside != after
    doc = b'    """How many values lie in the closed interval [low, high]."""\n'
    assert key(programs, edit(snap, '    """Other words."""\n', doc)) != key(
        programs, edit(snap, '    """How many values lie in the interval."""\n', doc))


def test_edits_in_two_functions_are_keyed_on_the_whole_file(snap: Snapshot) -> None:
    def two(comment: str) -> Candidate:
        one = edit(snap, f"        return high{comment}\n", b"        return high\n")
        other = edit(snap, "        if low <= v <= high:\n            count += 1\n")
        return Candidate((*one.edits, *other.edits), "test", "t", 1.0)

    programs = Programs(snap)
    assert key(programs, two("")) == key(programs, two("  # both"))
    assert key(programs, two("")) != key(programs, edit(snap, "        if low <= v <= high:\n"
                                                            "            count += 1\n"))


def test_a_patched_file_that_does_not_parse_is_broken(snap: Snapshot) -> None:
    examined = Programs(snap).examine(edit(snap, "        if low <= v <= high\n"
                                                 "            count += 1\n"))
    assert examined.key is None and "does not parse" in examined.broken


def test_an_edit_that_does_not_apply_gets_no_key(snap: Snapshot) -> None:
    bad = Candidate((Edit(FILE, 10**6, 10**6 + 1, "x"),), "test", "t", 1.0)
    assert Programs(snap).examine(bad).key is None


def test_validation_answers_the_same_program_once(snap: Snapshot) -> None:
    driver = PytestDriver()
    try:
        ws = snap.workspace("baseline")
        baseline = driver.run(ws.project_dir, ws.root, test_timeout=5)
        cands = [
            edit(snap, "        if low < v < high:\n            count += 1\n"),   # fails
            edit(snap, "        if (low < v < high):\n            count += 1\n"),  # same
            edit(snap, "        if low <= v <= high:\n            count += 1\n"),  # the fix
            edit(snap, "        if (low <= v <= high):\n            count += 1\n"),  # same
            edit(snap, "        if low <= v <= high\n            count += 1\n"),  # no parse
        ]
        limits = Limits(budget=10, deadline=time.monotonic() + 120, max_patches=5,
                        test_timeout=2.0, run_timeout=30.0)
        validator = Validator(snap, driver, baseline, limits)
        results = {r.index: r for r in validator.validate(cands, workers=1)}
    finally:
        driver.close()
    assert results[0].outcome is Outcome.TEST_FAILED and results[0].tests_run > 0
    assert results[1].outcome is Outcome.TEST_FAILED and results[1].duplicate_of == 0
    assert results[1].tests_run == 0
    assert results[2].is_patch
    assert results[3].outcome is Outcome.PLAUSIBLE and results[3].duplicate_of == 2
    assert not results[3].is_patch
    assert results[4].outcome is Outcome.COMPILE_FAILED and results[4].tests_run == 0
    assert validator.programs.answered == 2


def test_validated_another_way_the_same_program_is_tested_again(snap: Snapshot) -> None:
    """Partial patches are confirmed on the whole suite (no selection): not from memory."""
    driver = PytestDriver()
    try:
        ws = snap.workspace("baseline")
        baseline = driver.run(ws.project_dir, ws.root, test_timeout=5)
        fix = edit(snap, "        if low <= v <= high:\n            count += 1\n")
        limits = Limits(budget=10, deadline=time.monotonic() + 120, max_patches=5,
                        test_timeout=2.0, run_timeout=30.0)
        validator = Validator(snap, driver, baseline, limits)
        [first] = validator.validate([fix], workers=1)
        whole = dataclasses.replace(limits, select=False)
        [again] = validator.with_limits(whole).validate([fix], workers=1)
        [same] = validator.validate([fix], workers=1)
    finally:
        driver.close()
    assert first.is_patch and again.is_patch and again.tests_run > 0
    assert same.duplicate_of == 0 and same.tests_run == 0


def test_a_module_level_edit_is_keyed_on_its_statement(make_repo: RepoFactory) -> None:
    big = "".join(f"X{i} = {i}\n" for i in range(200))
    with Snapshot(UserRepo.locate(make_repo({"m.py": big}))) as snapshot:
        programs = Programs(snapshot)

        def at(new: str) -> object:
            return key(programs, edit(snapshot, new, b"X7 = 7\n", "m.py"))

        assert at("X7 = (7)\n") == at("X7 = 7  # seven\n") != at("X7 = 8\n")
        assert len(str(at("X7 = 8\n"))) < 200  # the statement's tree, not the file's
