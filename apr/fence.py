"""The fence around every test command apr runs (the baseline and each candidate).

A candidate is code nobody has read: it may loop, allocate without end, fork daemons, write
anywhere or talk to the network. Each test command therefore runs as::

    setpriv --pdeathsig KILL          dies with apr, even after `kill -9` of apr
    unshare --pid --fork --kill-child a PID namespace: when the command ends, every process it
            [--net] [--map-root-user]   started (daemons included) is killed by the kernel;
                                      --net: a network namespace with only loopback, brought up
    [bwrap ...]                       --sandbox bwrap: everything read-only but the workspace,
                                      apr's run folder and a private /tmp
    prlimit --data --cpu --fsize --nproc  resource limits (memory, CPU time, file size, processes)
    <the test command>

and ``TMPDIR`` points into apr's run folder (:mod:`apr.runfolder`). What the machine does not
allow is left out, said once on stderr: without ``unshare`` rights (not root and no user
namespaces) tests run with the network and without the PID namespace (timeouts still kill the
process group). Not fenced: files the user can write, outside ``--sandbox bwrap``; the CPU
share (only CPU *time* is limited); ``RLIMIT_NPROC`` is not enforced for root.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from apr import runfolder
from apr.errors import UsageError

SANDBOXES = ("none", "bwrap")
_LOOPBACK_UP = 'ip link set lo up 2>/dev/null; exec "$@"'


@dataclass(frozen=True, slots=True)
class Fence:
    """Limits for one test command; 0 means no limit.

    Attributes:
        memory_mb: memory it may allocate (``RLIMIT_DATA``: private writable mappings, the
            heap included; unlike ``RLIMIT_AS`` it does not count what a JVM only reserves).
        cpu_seconds: CPU time (``RLIMIT_CPU``).
        file_mb: the largest file it may write (``RLIMIT_FSIZE``), in MiB.
        processes: processes of the user (``RLIMIT_NPROC``; not enforced for root).
        network: True lets tests use the host's network.
        sandbox: ``"bwrap"``: the file system read-only but for the command's folder, apr's run
            folder and a private /tmp.
    """

    memory_mb: int = 0
    cpu_seconds: int = 0
    file_mb: int = 0
    processes: int = 0
    network: bool = False
    sandbox: str = "none"

    def __post_init__(self) -> None:
        if self.sandbox not in SANDBOXES:
            raise UsageError(f"unknown sandbox {self.sandbox!r}; known: {', '.join(SANDBOXES)}")
        if self.sandbox == "bwrap" and shutil.which("bwrap") is None:
            raise UsageError("--sandbox bwrap: bubblewrap is not installed "
                             "(Debian: apt-get install bubblewrap)")
        for name in ("memory_mb", "cpu_seconds", "file_mb", "processes"):
            if getattr(self, name) < 0:
                raise UsageError(f"{name} must be at least 0, got {getattr(self, name)}")


def fair_memory_mb(workers: int) -> int:
    """A fair share of the machine's memory for one of ``workers`` test commands (MiB)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError):
        return 0
    return max(512, total // max(workers, 1))


def wrap(argv: Sequence[str], fence: Fence, cwd: str | Path) -> tuple[list[str], dict[str, str]]:
    """The fenced command line for ``argv`` run in ``cwd``, and the environment it adds."""
    out: list[str] = []
    if _have("setpriv"):
        out += ["setpriv", "--pdeathsig", "KILL"]
    namespace = _unshare(isolate_network=not fence.network)
    out += namespace
    if namespace and not fence.network and _have("ip"):
        out += ["sh", "-c", _LOOPBACK_UP, "apr-fence"]
    if fence.sandbox == "bwrap":
        out += _bwrap(cwd)
    limits = _prlimits(fence)
    if limits and _have("prlimit"):
        out += ["prlimit", *limits, "--"]
    extra: dict[str, str] = {}
    folder = runfolder.current()
    if folder is not None:
        tmp = folder / "tmp"
        tmp.mkdir(exist_ok=True)
        extra["TMPDIR"] = str(tmp)
    return out + list(argv), extra


def _prlimits(fence: Fence) -> list[str]:
    limits = []
    if fence.memory_mb:
        limits.append(f"--data={fence.memory_mb * 2**20}")
    if fence.cpu_seconds:
        limits.append(f"--cpu={fence.cpu_seconds}")
    if fence.file_mb:
        limits.append(f"--fsize={fence.file_mb * 2**20}")
    if fence.processes:
        limits.append(f"--nproc={fence.processes}")
    return limits


def _bwrap(cwd: str | Path) -> list[str]:
    keep = [Path(cwd).resolve()]
    folder = runfolder.current()
    if folder is not None:
        keep.append(folder)
    binds = [arg for path in keep for arg in ("--bind", str(path), str(path))]
    return ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", "/tmp", *binds, "--die-with-parent", "--chdir", str(cwd), "--"]


def _unshare(isolate_network: bool) -> list[str]:
    """The ``unshare`` prefix this machine allows (with the network namespace when asked and
    possible), or [] when it allows none."""
    for prefix in _unshare_options(isolate_network):
        if _works(tuple(prefix)):
            if isolate_network and "--net" not in prefix:
                _note_once("tests run with the network: no network namespace here")
            return prefix
    _note_once("tests run with the network and without a PID namespace: `unshare` is not "
               "allowed here (not root, no user namespaces)")
    return []


def _unshare_options(isolate_network: bool) -> list[list[str]]:
    base = ["unshare", "--pid", "--fork", "--kill-child"]
    net = ["--net"] if isolate_network else []
    options = [base + net, base + net + ["--map-root-user"]]
    if isolate_network:
        options += [base, base + ["--map-root-user"]]
    return options


@functools.cache
def _have(program: str) -> bool:
    """Whether ``program`` is on PATH (asked once: wrap() runs for every test command)."""
    return shutil.which(program) is not None


@functools.cache
def _works(prefix: tuple[str, ...]) -> bool:
    if shutil.which(prefix[0]) is None:
        return False
    try:
        done = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@functools.cache
def _note_once(text: str) -> None:
    print(f"apr: note: {text}", file=sys.stderr)


def network_isolated(fence: Fence) -> bool:
    """Whether tests under ``fence`` really run without the host's network here."""
    if fence.network:
        return False
    return any("--net" in option and _works(tuple(option))
               for option in _unshare_options(isolate_network=True))
