"""One folder per apr run for everything temporary, so that nothing outlives a crashed run.

While a repair (or a bench run) is in progress, Python's ``tempfile`` puts every temporary file
and folder of this process (the snapshot and its worktrees, the drivers' result files, build
folders) into ``<tmp>/apr-runs/<pid>-<random>/``, and the test commands get ``TMPDIR`` there
too. The folder holds a ``lock`` file that the run keeps locked (``flock``) as long as it
lives; the kernel drops the lock when the process dies, however it dies. Each new run first
removes the folders whose lock nobody holds: those of runs killed with ``kill -9`` or by a
power cut. Runs alive meanwhile (a second apr on the same repository) keep theirs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_lock = threading.Lock()
_active: list[Path] = []  # the folder in use (nested claims reuse it)


def current() -> Path | None:
    """The folder of the run in progress, if any."""
    return _active[-1] if _active else None


@contextmanager
def claimed(base: Path | None = None) -> Iterator[Path]:
    """Make a run folder (after removing those of dead runs) and send ``tempfile`` there;
    on exit restore ``tempfile`` and remove the folder. Re-entrant: a nested claim reuses it.
    """
    with _lock:
        if _active:
            _active.append(_active[-1])
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield _active[-1]
        finally:
            with _lock:
                _active.pop()
        return
    held = Held.make(base)
    previous = tempfile.tempdir
    with _lock:
        _active.append(held.folder)
        tempfile.tempdir = str(held.folder)
    try:
        yield held.folder
    finally:
        with _lock:
            _active.pop()
            tempfile.tempdir = previous
        held.release()


@dataclass
class Held:
    """A run folder locked for as long as this process holds it, without sending ``tempfile``
    there: for state that outlives one call (a cluster worker's clone of a snapshot). If the
    process dies, the next run on the machine removes the folder (:func:`remove_dead`)."""

    folder: Path
    handle: IO[str]

    @classmethod
    def make(cls, base: Path | None = None) -> Held:
        """A new folder under ``base`` (default ``<tmp>/apr-runs``), after removing those of
        dead runs there."""
        root = base or Path(tempfile.gettempdir()) / "apr-runs"
        remove_dead(root)
        folder = _make(root)
        handle = (folder / "lock").open("w")
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return cls(folder, handle)

    def release(self) -> None:
        """Remove the folder (and ``apr-runs`` too if it is left empty); safe to call twice."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.handle.close()
        with contextlib.suppress(OSError):  # the last run out leaves no empty apr-runs behind
            self.folder.parent.rmdir()


def _make(root: Path) -> Path:
    """A new folder in ``root`` (made if missing; retried if another run removed it meanwhile
    as it left)."""
    for _ in range(2):
        root.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))


def remove_dead(root: Path, grace: float = 60.0) -> list[Path]:
    """Remove the run folders under ``root`` whose lock no live process holds (a folder with
    no lock file yet is left alone for ``grace`` seconds: its run may be starting)."""
    removed = []
    for folder in sorted(root.iterdir()) if root.is_dir() else ():
        if folder.is_dir() and not _alive(folder, grace):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(folder: Path, grace: float) -> bool:
    lock = folder / "lock"
    try:
        handle = lock.open("a")
    except FileNotFoundError:
        return time.time() - folder.stat().st_mtime < grace
    except OSError:
        return True  # not ours to judge (permissions): leave it
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
