"""The one subprocess helper, and the fence around test commands.

Every child runs in its own session (process group), so that on timeout — or when apr itself is
interrupted — the whole tree is killed, grandchildren included (``subprocess.run(timeout=)`` only
kills the direct child; a buggy program under test often forks or hangs).

Test commands (the code under repair, and every candidate) run through :func:`run_tests`, inside
the fence of the run in progress (:func:`fenced`); see :mod:`apr.fence` for what it does and
does not stop.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class ProcResult:
    argv: tuple[str, ...]
    returncode: int | None
    output: str
    seconds: float
    timed_out: bool

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def run(
    argv: Sequence[str],
    *,
    cwd: str | Path,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
) -> ProcResult:
    """Run ``argv`` in ``cwd``; stdout and stderr merged; kill the process group on timeout.

    Raises:
        FileNotFoundError: the program does not exist.
    """
    started = time.monotonic()
    proc = subprocess.Popen(
        list(argv), cwd=cwd, env=dict(env) if env is not None else None,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    with _live_lock:
        _live.add(proc)
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc)
        out, _ = proc.communicate()
    except BaseException:  # Ctrl-C, SIGTERM: never leave the child's tree running
        kill_group(proc, grace=0.2)
        raise
    finally:
        with _live_lock:
            _live.discard(proc)
    return ProcResult(
        argv=tuple(argv), returncode=None if timed_out else proc.returncode,
        output=out.decode("utf-8", "replace"), seconds=time.monotonic() - started,
        timed_out=timed_out,
    )


def run_tests(argv: Sequence[str], *, cwd: str | Path, timeout: float | None = None,
              env: Mapping[str, str] | None = None) -> ProcResult:
    """:func:`run` for a test command: inside the current fence (none outside :func:`fenced`).

    Raises:
        FileNotFoundError: the program does not exist.
    """
    wrapped, merged = _in_fence(argv, cwd, env)
    return run(wrapped, cwd=cwd, timeout=timeout, env=merged)


def _in_fence(argv: Sequence[str], cwd: str | Path, env: Mapping[str, str] | None,
              ) -> tuple[Sequence[str], Mapping[str, str] | None]:
    """``argv`` and ``env`` wrapped in the current fence (unchanged outside one)."""
    from apr import fence as fence_mod

    active = _fence[-1] if _fence else None
    if active is None:
        return argv, env
    wrapped, extra = fence_mod.wrap(argv, active, cwd)
    if not _which(argv[0], env):
        raise FileNotFoundError(argv[0])
    return wrapped, {**(dict(env) if env is not None else os.environ), **extra}


_fence: list[Any] = []


@contextmanager
def fenced(fence: Any) -> Iterator[None]:
    """Run :func:`run_tests` commands inside ``fence`` (an :class:`apr.fence.Fence`) meanwhile."""
    _fence.append(fence)
    try:
        yield
    finally:
        _fence.pop()


def _which(program: str, env: Mapping[str, str] | None) -> bool:
    """Whether ``program`` would be found (the wrapper would otherwise hide a missing one)."""
    if os.sep in program:
        return os.access(program, os.X_OK)
    path = (env if env is not None else os.environ).get("PATH", os.defpath)
    return shutil.which(program, path=path) is not None


def kill_group(proc: subprocess.Popen[bytes], grace: float = 1.0) -> None:
    """TERM the child's process group, then KILL it if it is still there after ``grace``."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=grace)
            _reap_group(proc.pid)
            return
        except subprocess.TimeoutExpired:
            continue


def _reap_group(pgid: int) -> None:
    """Kill what is left of a group whose leader has exited (orphaned grandchildren)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all() -> None:
    """Kill every child process group still running (used on Ctrl-C and at exit)."""
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        kill_group(proc, grace=0.2)


def start_tests(argv: Sequence[str], *, cwd: str | Path,
                env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a long-lived test process (a warm worker) inside the current fence, as
    :func:`run_tests` would run it, with pipes to its stdin and its merged stdout and stderr.
    It runs in its own session and is killed by :func:`kill_all`; end it with :func:`stop`.

    Raises:
        FileNotFoundError: the program does not exist.
    """
    wrapped, merged = _in_fence(argv, cwd, env)
    child = subprocess.Popen(list(wrapped), cwd=cwd, env=dict(merged) if merged is not None
                             else None, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    with _live_lock:
        _live.add(child)
    return child


def stop(child: subprocess.Popen[bytes]) -> None:
    """End a process from :func:`start_tests`: close its stdin, kill its group, reap it."""
    with _live_lock:
        _live.discard(child)
    for pipe in (child.stdin, child.stdout):
        try:
            if pipe is not None:
                pipe.close()
        except OSError:
            pass
    kill_group(child, grace=0.5)
    try:
        child.wait(timeout=2)
    except subprocess.TimeoutExpired:
        pass
