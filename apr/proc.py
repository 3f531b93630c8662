"""The one subprocess helper, and the fence around test commands.

Every child runs in its own session (process group), so that on timeout — or when apr itself is
interrupted — the whole tree is killed, grandchildren included (``subprocess.run(timeout=)`` only
kills the direct child; a buggy program under test often forks or hangs).

Test commands (the code under repair, and every candidate) run through :func:`run_tests`, inside
the fence of the run in progress (:func:`fenced`); see :mod:`apr.fence` for what it does and
does not stop.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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


def time_left(deadline: float | None) -> float | None:
    """Seconds until ``deadline`` (a ``time.monotonic()`` value) as a command's timeout: None
    for no deadline, at least 1 (a command started at the deadline still gets to report)."""
    return None if deadline is None else max(1.0, deadline - time.monotonic())


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
    wrapped, merged = _fenced_argv(argv, cwd, env)
    return run(wrapped, cwd=cwd, timeout=timeout, env=merged)


def start_tests(argv: Sequence[str], *, cwd: str | Path, env: Mapping[str, str] | None = None,
                stderr: int | IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """Start a long-lived test process (a warm worker) inside the current fence, with pipes to
    its stdin and stdout, in its own session; :func:`kill_all` kills it, :func:`stop` ends it.

    It is started from one long-lived thread of apr's: the fence's parent-death signal
    (``setpriv --pdeathsig``) fires when the *thread* that started a process ends, and
    validation threads come and go while a worker serves them.

    Raises:
        FileNotFoundError: the program does not exist.
    """
    wrapped, merged = _fenced_argv(argv, cwd, env)
    popen = _spawner().submit(
        subprocess.Popen, wrapped, cwd=cwd, env=merged,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
        start_new_session=True).result()
    with _live_lock:
        _live.add(popen)
    return popen


def stop(popen: subprocess.Popen[bytes], grace: float = 1.0) -> None:
    """End a process from :func:`start_tests`: close its stdin (a worker's cue to exit), wait
    ``grace`` seconds, then kill its process group."""
    for pipe in (popen.stdin, popen.stdout):
        try:
            if pipe is not None:
                pipe.close()
        except OSError:  # what was left to send cannot be: the process is gone
            pass
    try:
        popen.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    kill_group(popen, grace=0.2)
    with _live_lock:
        _live.discard(popen)


@functools.cache
def _spawner() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="apr-spawner")


def tests_env(env: Mapping[str, str] | None, cwd: str | Path) -> dict[str, str]:
    """The environment :func:`run_tests` gives a test command: ``env`` (default: apr's) plus
    the current fence's (a process forked from a warm worker needs it per run)."""
    from apr import fence as fence_mod

    base = dict(env) if env is not None else dict(os.environ)
    return {**base, **fence_mod.wrap([], _fence[-1], cwd)[1]} if _fence else base


def _fenced_argv(argv: Sequence[str], cwd: str | Path, env: Mapping[str, str] | None
                 ) -> tuple[list[str], dict[str, str] | None]:
    """``argv`` wrapped in the current fence, and its environment (``env`` plus the fence's).

    Raises:
        FileNotFoundError: the program does not exist.
    """
    from apr import fence as fence_mod

    active = _fence[-1] if _fence else None
    if active is None:
        return list(argv), dict(env) if env is not None else None
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
