"""Validation through the node driver: hand-made candidates on the node fixture project."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.model import Candidate, Edit, Outcome, TestRun
from apr.project.node import NodeDriver
from apr.project.workspace import Snapshot, UserRepo
from apr.validate.validator import Limits, Validator
from tests.project.node_fixture import BUGGY_FILE, BUGGY_TEXT, FAILING_TEST, make_node_project

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Snapshot, NodeDriver, TestRun]]:
    snap = Snapshot(UserRepo.locate(make_node_project(tmp_path)))
    driver = NodeDriver()
    ws = snap.workspace("baseline")
    baseline = driver.run(ws.project_dir, ws.root, coverage=True, test_timeout=5)
    try:
        yield snap, driver, baseline
    finally:
        driver.close()
        snap.close()


def edit(snap: Snapshot, new: str) -> Candidate:
    source = snap.read(BUGGY_FILE)
    start = source.index(BUGGY_TEXT.encode())
    return Candidate((Edit(BUGGY_FILE, start, start + len(BUGGY_TEXT), new),), "test", "t", 1.0,
                     new.strip())


def test_outcomes_of_each_kind(setup: tuple[Snapshot, NodeDriver, TestRun]) -> None:
    snap, driver, baseline = setup
    assert baseline.failing == (FAILING_TEST,)
    cands = [
        edit(snap, "    if (value > low && value < high) {"),  # still failing
        edit(snap, "    if (value >= low && value <= high) {"),  # the fix
        edit(snap, "    if (value >= low && value <= high) {{"),  # does not parse
        edit(snap, "    while (value > 0) {} {"),  # hangs
        edit(snap, "    if (value >= low) {"),  # fixes the target, breaks another test
    ]
    limits = Limits(budget=100, deadline=time.monotonic() + 120, max_patches=5,
                    test_timeout=2.0, run_timeout=30.0)
    results = {r.index: r for r in Validator(snap, driver, baseline, limits).validate(cands, 1)}
    assert results[0].outcome is Outcome.TEST_FAILED
    assert results[1].outcome is Outcome.PLAUSIBLE
    assert "+    if (value >= low && value <= high) {" in results[1].diff
    assert results[2].outcome is Outcome.COMPILE_FAILED
    assert results[3].outcome is Outcome.TIMEOUT
    assert results[4].outcome is Outcome.TEST_FAILED
    assert snap.workspace("check").diff() == ""
