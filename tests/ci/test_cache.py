"""The validation cache: keys, what is kept, threads, and a broken file."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.ci.run import _open_cache
from apr.model import Candidate, Edit, Outcome, ValidationResult
from apr.project.workspace import Snapshot, UserRepo
from apr.validate.cache import CacheScope, CacheStats, ValidationCache
from tests.conftest import BUGGY_STATS, RepoFactory, git


def _candidate(text: str = "<=", generator: str = "g") -> Candidate:
    return Candidate((Edit("stats/summary.py", 10, 11, text),), generator, "t", 0.5, "d")


def _result(candidate: Candidate, outcome: Outcome, index: int = 3) -> ValidationResult:
    return ValidationResult(candidate, outcome, 1.5, 4, ("t1",), "diff\n", index, "detail")


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[ValidationCache]:
    with ValidationCache(tmp_path / "cache") as store:
        yield store


def test_round_trip_relabels_the_candidate(cache: ValidationCache) -> None:
    scope = CacheScope(cache, "tree", "", "pytest -q")
    stored = _result(_candidate(), Outcome.TEST_FAILED)
    assert scope.get(_candidate(), 0) is None
    scope.put(_candidate(), stored)
    other_meta = _candidate(generator="another")  # same edits, found by another generator
    found = scope.get(other_meta, 9)
    assert found is not None
    assert found.outcome is Outcome.TEST_FAILED and found.diff == "diff\n"
    assert found.index == 9 and found.candidate == other_meta
    assert cache.stats == CacheStats(hits=1, misses=1, stored=1)


def test_persists_across_opens(tmp_path: Path) -> None:
    with ValidationCache(tmp_path) as first:
        CacheScope(first, "t", "", "").put(_candidate(), _result(_candidate(), Outcome.PLAUSIBLE))
    with ValidationCache(tmp_path) as second:
        assert CacheScope(second, "t", "", "").get(_candidate(), 0) is not None


def test_inconclusive_outcomes_are_not_kept(cache: ValidationCache) -> None:
    scope = CacheScope(cache, "tree", "", "")
    for outcome in (Outcome.TIMEOUT, Outcome.ERROR):
        scope.put(_candidate(outcome.value), _result(_candidate(), outcome))
        assert scope.get(_candidate(outcome.value), 0) is None
    assert cache.stats.stored == 0


def test_key_parts(cache: ValidationCache) -> None:
    base = CacheScope(cache, "tree", "", "pytest")
    keys = {base.key(_candidate()),
            CacheScope(cache, "tree2", "", "pytest").key(_candidate()),
            CacheScope(cache, "tree", "sub", "pytest").key(_candidate()),
            CacheScope(cache, "tree", "", "pytest -x").key(_candidate()),
            base.key(_candidate(">="))}
    assert len(keys) == 5
    assert base.key(_candidate()) == base.key(_candidate(generator="other"))


def test_scope_uses_the_content_addressed_tree(make_repo: RepoFactory,
                                               cache: ValidationCache) -> None:
    one, two = make_repo(BUGGY_STATS), make_repo(BUGGY_STATS)
    git(two, "commit", "--allow-empty", "-qm", "another commit, same files")
    trees = []
    for root in (one, two, None):
        if root is None:  # an uncommitted change is other code
            root = two
            (two / "stats/summary.py").write_text("changed = True\n")
        with Snapshot(UserRepo.locate(root)) as snap:
            trees.append(cache.scope(snap, None).tree)
    assert trees[0] == trees[1] == git(one, "rev-parse", "HEAD^{tree}").strip()
    assert trees[2] != trees[0]


def test_threads_share_it(cache: ValidationCache) -> None:
    scope = CacheScope(cache, "tree", "", "")

    def work(n: int) -> None:
        for i in range(20):
            cand = _candidate(f"{n}-{i}")
            scope.put(cand, _result(cand, Outcome.TEST_FAILED))
            assert scope.get(cand, i) is not None

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.stats == CacheStats(hits=160, misses=0, stored=160)


def test_a_broken_cache_file_disables_the_cache(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from apr.validate.cache import FILE_NAME

    (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        ValidationCache(tmp_path)
    assert _open_cache(tmp_path) is None
    assert "validation cache disabled" in capsys.readouterr().err
