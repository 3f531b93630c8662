"""A cache of validation outcomes that outlives a run, so a CI re-run does not re-test candidates.

A candidate's outcome is a function of the code it is applied to, the test command and its own
edits, so that triple is the key:

* the code: the git *tree* sha of the snapshot commit (``git rev-parse HEAD^{tree}`` in the
  snapshot repository). Trees are content-addressed: the same files give the same sha on any
  machine, whatever the commit, author or time; an uncommitted change gives another sha.
* the test command (as configured; ``None`` for the detected default) and the project directory.
* the candidate's edits (file, byte range, text), not its generator or score.

Only conclusive outcomes are stored (plausible, test failed, compile failed, apply failed): a
timeout or an error depends on the machine's load as much as on the code, so it is retried.

The store is one SQLite file in the cache directory, shared by the validation threads (one
connection behind a lock) and safe for several processes (SQLite's own file locking).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from apr.model import Candidate, Outcome, ValidationResult, from_json, to_json

if TYPE_CHECKING:
    from apr.project.workspace import Snapshot

#: Bump when the meaning of a stored outcome changes (validation rules, the stored shape).
SCHEMA = 1
FILE_NAME = "validation-cache.sqlite3"
_KEPT = frozenset({Outcome.PLAUSIBLE, Outcome.TEST_FAILED, Outcome.COMPILE_FAILED,
                   Outcome.APPLY_FAILED})


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What one :class:`ValidationCache` did: lookups answered, lookups missed (of the
    candidates a run kept: see :class:`~apr.validate.validator.Validator`), results stored."""

    hits: int = 0
    misses: int = 0
    stored: int = 0


class ValidationCache:
    """A persistent map from validation key to :class:`ValidationResult`; thread-safe.

    Args:
        directory: where the database file lives (created if missing).

    Raises:
        OSError: the directory cannot be created.
        sqlite3.Error: the database file cannot be opened or is not a database.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).expanduser()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / FILE_NAME
        self._lock = threading.Lock()
        self._stats = CacheStats()
        self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
        try:
            # No fsync per stored result: losing the last entries on a power cut is fine here.
            self._db.execute("PRAGMA synchronous = OFF")
            with self._db:
                self._db.execute("CREATE TABLE IF NOT EXISTS results "
                                 "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except sqlite3.Error:
            self._db.close()
            raise

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            return self._stats

    def scope(self, snapshot: Snapshot, test_command: str | None) -> CacheScope:
        """The view of this cache for one run: the snapshot's code and the test command."""
        tree: str = snapshot.repo.git.rev_parse("HEAD^{tree}")
        return CacheScope(self, tree.strip(), snapshot.user.project, test_command or "")

    def get(self, key: str, *, count: bool = True) -> ValidationResult | None:
        """The stored result for ``key``, or ``None``; a store that fails to answer (a damaged
        file) answers ``None``. With ``count`` false the lookup is left for :meth:`count`:
        the validator counts only the candidates its run keeps."""
        with self._lock:
            try:
                row = self._db.execute("SELECT value FROM results WHERE key = ?",
                                       (key,)).fetchone()
            except sqlite3.Error:
                row = None
        if count:
            self.count(hit=row is not None)
        return None if row is None else from_json(ValidationResult, json.loads(row[0]))

    def count(self, *, hit: bool) -> None:
        """Count one lookup as a hit or a miss."""
        with self._lock:
            self._stats = dataclasses.replace(self._stats, hits=self._stats.hits + hit,
                                              misses=self._stats.misses + (not hit))

    def put(self, key: str, result: ValidationResult) -> None:
        """Store ``result`` under ``key`` if its outcome is conclusive; otherwise, or when the
        store cannot be written, do nothing."""
        if result.outcome not in _KEPT:
            return
        value = json.dumps(to_json(result), sort_keys=True)
        with self._lock:
            try:
                with self._db:
                    self._db.execute("INSERT OR REPLACE INTO results (key, value) "
                                     "VALUES (?, ?)", (key, value))
            except sqlite3.Error:
                return  # a cache that cannot store must not fail the validation
            self._stats = dataclasses.replace(self._stats, stored=self._stats.stored + 1)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ValidationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class CacheScope:
    """A :class:`ValidationCache` bound to one code tree, project and test command.

    This is what the :class:`~apr.validate.validator.Validator` is given: it looks a candidate
    up before validating it and stores the result after.
    """

    cache: ValidationCache
    tree: str
    project: str
    command: str

    def key(self, candidate: Candidate) -> str:
        edits = [[e.file, e.start, e.end, e.text] for e in candidate.edits]
        blob = json.dumps([SCHEMA, self.tree, self.project, self.command, edits])
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, candidate: Candidate, index: int, *,
            count: bool = True) -> ValidationResult | None:
        """The cached result of ``candidate``, re-labelled as this run's candidate ``index``
        (``count``: as :meth:`ValidationCache.get`)."""
        found = self.cache.get(self.key(candidate), count=count)
        if found is None:
            return None
        return dataclasses.replace(found, candidate=candidate, index=index)

    def put(self, candidate: Candidate, result: ValidationResult) -> None:
        self.cache.put(self.key(candidate), result)

    def count(self, *, hit: bool) -> None:
        """Count a lookup made with ``count=False`` (:meth:`ValidationCache.count`)."""
        self.cache.count(hit=hit)
