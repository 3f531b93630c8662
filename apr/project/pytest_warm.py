"""The warm pytest worker, apr's side: one fork server per workspace (``pytest_forkserver.py``).

A cold run of a candidate pays for the interpreter, pytest and the project's third-party imports
(0.3-2 s on real projects) before its first test. The fork server pays for them once per
workspace: per run it forks, and the child imports the project's own modules fresh from the
workspace and runs pytest in-process with the same arguments, environment, working folder and
fence as the cold run, so the :class:`~apr.model.TestRun` read back is the cold run's.

Servers start lazily, on the first warm run in a workspace's project folder, and end with
:meth:`WarmPool.close` (the driver's ``close()``), with apr (end of their stdin; the fence's
parent-death signal), or at garbage collection. A project the server cannot serve the way a
cold run would goes cold, with one line on stderr saying why:

- the test command is not ``<python> -m pytest [args]`` or ``pytest [args]``;
- the server does not start, or its Python has no pytest;
- importing the project's dependencies started threads (forking copies only the caller's);
- those imports loaded a module of the project (it would not be fresh per candidate);
- a warm run ended without any result where a cold rerun of it gives some (a ``conftest.py``
  that cannot be imported twice, say);
- the server died :data:`MAX_LOSSES` times (each run it lost was rerun cold).
"""

from __future__ import annotations

import functools
import json
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from apr import proc

SERVER = "apr_pytest_forkserver"
MAX_LOSSES = 3
START_SECONDS = 120.0  # loading heavy dependencies on a busy machine
PRIME_SECONDS = 60.0  # collecting the tests once, to learn what they import
ANSWER_GRACE = 30.0  # beyond a run's own timeout, which the server enforces (sent to it:
# loading a project zygote, within a run's answer, takes at most half of it)
_MAX_FILES = 5000
_PRUNE = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist"})
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w \t,]*)"
                     r"|import[ \t]+([\w. \t,]+))", re.MULTILINE)
_PYTHON = re.compile(r"python[\d.]*$")


class WorkerLost(Exception):
    """The server is gone or did not answer in time; the run must be redone cold."""


@dataclass(frozen=True, slots=True)
class Launch:
    """How a cold command runs pytest, for a server to do the same.

    Attributes:
        python: the interpreter.
        args: the arguments the user's command gives pytest.
        path0: ``sys.path[0]`` of the cold run: None for ``-m`` (the working folder), the
            script's folder for a ``pytest`` script.
    """

    python: str
    args: tuple[str, ...] = ()
    path0: str | None = None


@dataclass(frozen=True, slots=True)
class WarmRun:
    """One test command to run warm: what the cold run would run, where, and how long."""

    project_dir: Path
    repo_root: Path
    launch: Launch
    args: tuple[str, ...]  # what apr adds to the command: plugin, options, test ids
    env: Mapping[str, str]
    results: Path
    output: Path
    timeout: float | None
    tests: int = 0  # how many of ``args``, at their end, name test ids


def launch_of(command: Sequence[str], env: Mapping[str, str]) -> Launch | str:
    """The :class:`Launch` of a cold command, or why it cannot run warm."""
    if len(command) >= 3 and command[1:3] == ["-m", "pytest"]:
        if _PYTHON.match(Path(command[0]).name):
            return Launch(command[0], tuple(command[3:]))
        return f"the test command runs pytest with {command[0]}, which is not a Python"
    if command and Path(command[0]).name in ("pytest", "py.test"):
        return _script_launch(command[0], tuple(command[1:]), env.get("PATH", os.defpath))
    return (f"the test command `{' '.join(command[:3])} ...` is not `python -m pytest` or "
            "`pytest`")


@functools.lru_cache(maxsize=16)
def _script_launch(script: str, args: tuple[str, ...], path: str) -> Launch | str:
    found = shutil.which(script, path=path)
    if found is None:
        return f"{script} is not on PATH"
    python = _shebang_python(Path(found), path)
    if python is None:
        return f"cannot tell which Python runs {found}"
    return Launch(python, args, os.path.dirname(os.path.realpath(found)))


def _shebang_python(script: Path, path: str) -> str | None:
    try:
        with script.open("rb") as handle:
            first = handle.readline(1024).decode("utf-8", "replace")
    except OSError:
        return None
    words = first[2:].split() if first.startswith("#!") else []
    if words[:1] and Path(words[0]).name == "env" and len(words) > 1:
        words = [shutil.which(words[1], path=path) or words[1]]
    return words[0] if words and _PYTHON.match(Path(words[0]).name) else None


def scan(project_dir: Path) -> tuple[list[str], list[str]]:
    """The modules the project's sources import (absolute imports, dotted names), and the
    names that may be its own top-level modules: everything importable from a folder that is
    not a package (pytest puts such folders on ``sys.path``), ``src/`` included."""
    imports: set[str] = set()
    local: set[str] = set()
    for folder, names in _source_folders(project_dir):
        if "__init__.py" not in names or folder in (project_dir, project_dir / "src"):
            local.update(Path(n).stem if n.endswith(".py") else n for n in names)
        for name in names:
            if name.endswith(".py"):
                imports.update(_imports(folder / name))
    local.discard("__init__")
    preload = sorted(m for m in imports if _top(m) not in local)
    return preload, sorted(local)


def _top(name: str) -> str:
    """The top-level module of ``module.sub`` or ``module:attribute``."""
    return name.partition(":")[0].partition(".")[0]


def _source_folders(root: Path) -> Iterator[tuple[Path, list[str]]]:
    """(folder, entries) of the folders of ``root`` worth reading, virtualenvs and caches left
    out; at most ``_MAX_FILES`` files in all."""
    seen = 0
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _PRUNE
                         and not (here / d / "pyvenv.cfg").exists())
        yield here, dirs + [f for f in files if f.endswith(".py")]
        seen += len(files)
        if seen > _MAX_FILES:
            return


def _imports(file: Path) -> set[str]:
    """The absolute imports of ``file``: ``module``, or ``module:name`` for ``from module
    import name`` (a name a package may load lazily, as pydantic's ``BaseModel``)."""
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    found: set[str] = set()
    for match in _IMPORT.finditer(text):
        module, names, plain = match.groups()
        if module:
            found.add(module)
            found.update(f"{module}:{name}" for name in _names(names))
        else:
            found.update(_names(plain))
    return {n for n in found
            if all(p.isidentifier() for p in n.replace(":", ".").split("."))}


def _names(listed: str) -> list[str]:
    """The names of ``a as b, c`` (``*`` left out)."""
    words = (part.split() for part in listed.split(","))
    return [w[0] for w in words if w and w[0] != "*"]


class _Server:
    """One fork server, serving one workspace's project folder."""

    def __init__(self, popen: subprocess.Popen[bytes], log: Path, paths: Counter[str]) -> None:
        self.popen = popen
        self.log = log
        self.buffer = b""
        self.paths = paths  # the pool's counts of runs by where they ran

    @classmethod
    def start(cls, script: Path, job: WarmRun, hello: dict[str, Any], log: Path,
              paths: Counter[str]) -> _Server:
        """A server for ``job``'s project folder, loaded and checked.

        Raises:
            WorkerLost: it cannot serve the project (the message says why).
        """
        env = {k: v for k, v in job.env.items() if k not in ("APR_RESULTS", "APR_TEST_TIMEOUT")}
        with log.open("wb") as err:
            try:
                popen = proc.start_tests([job.launch.python, str(script)],
                                         cwd=job.project_dir, env=env, stderr=err)
            except (FileNotFoundError, PermissionError) as exc:
                raise WorkerLost(f"cannot start {job.launch.python}: {exc}") from None
        server = cls(popen, log, paths)
        try:
            answer = server.ask(hello, START_SECONDS)
        except WorkerLost:
            server.close()
            raise
        if not answer.get("ok"):
            server.close()
            raise WorkerLost(str(answer.get("why")))
        return server

    def run(self, job: WarmRun) -> proc.ProcResult:
        """Run ``job`` in a forked child; the result as :func:`apr.proc.run` gives it.

        Raises:
            WorkerLost: the server died or hung.
        """
        started = time.monotonic()
        request = _request(job, job.timeout)
        grace = None if job.timeout is None else job.timeout + ANSWER_GRACE
        answer = self.ask(request, grace)
        self.paths[answer.get("path", "plain")] += 1
        self.paths["unsafe"] += "unsafe" in answer
        output = job.output.read_bytes() if job.output.exists() else b""
        return proc.ProcResult(
            argv=(job.launch.python, "-m", "pytest", *request["args"]),
            returncode=answer["returncode"], output=output.decode("utf-8", "replace"),
            seconds=time.monotonic() - started, timed_out=bool(answer["timed_out"]))

    def prime(self, job: WarmRun) -> bool:
        """Have the server ready for ``job``'s tests without running them: the project's
        modules learned from their collection and loaded in its zygote, a pytest session kept
        for ``job``'s arguments. Whether that session is kept.

        Raises:
            WorkerLost: the server died or hung.
        """
        request = dict(_request(job, PRIME_SECONDS), prime=True)
        return bool(self.ask(request, PRIME_SECONDS + ANSWER_GRACE).get("primed"))

    def ask(self, message: dict[str, Any], wait: float | None) -> dict[str, Any]:
        """Send ``message``; its answer.

        Raises:
            WorkerLost: no answer within ``wait`` seconds, or the server ended.
        """
        stdin, stdout = self.popen.stdin, self.popen.stdout
        assert stdin is not None and stdout is not None  # Popen(stdin=PIPE, stdout=PIPE)
        try:
            stdin.write((json.dumps(message) + "\n").encode("utf-8"))
            stdin.flush()
        except (BrokenPipeError, ValueError):
            raise WorkerLost(self._why("the warm worker has ended")) from None
        line = self._line(stdout, wait)
        if line is None:
            raise WorkerLost(self._why("the warm worker ended or hung"))
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _line(self, stdout: IO[bytes], wait: float | None) -> bytes | None:
        deadline = None if wait is None else time.monotonic() + wait
        while b"\n" not in self.buffer:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            try:
                if not select.select([stdout], [], [], left)[0]:
                    return None
                chunk = os.read(stdout.fileno(), 65536)
            except (OSError, ValueError):  # closed meanwhile (the pool closed, say)
                return None
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def _why(self, what: str) -> str:
        """``what``, with the last line the server wrote on stderr."""
        try:
            lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        return f"{what}: {lines[-1].strip()}" if lines else what

    def close(self) -> None:
        proc.stop(self.popen)


def _request(job: WarmRun, timeout: float | None) -> dict[str, Any]:
    """The server's request for ``job``: its pytest arguments, folder, environment, output
    file and time limit."""
    return {"args": [*job.launch.args, *job.args], "cwd": str(job.project_dir),
            "env": proc.tests_env(job.env, job.project_dir), "output": str(job.output),
            "timeout": timeout, "tests": job.tests}


class WarmPool:
    """The fork servers of one driver, one per workspace project folder.

    Args:
        script: the server script, where the plugin is (its folder is on the runs' path).
        user_roots: the user's project and repository folders: a module loaded from them in a
            server (an editable install) is the project's own.
    """

    def __init__(self, script: Path, user_roots: Sequence[Path] = (), zygote: bool = True,
                 sessions: bool = True) -> None:
        self.script = script
        self.user_roots = [str(p) for p in user_roots]
        self.zygote = zygote
        self.sessions = sessions  # kept pytest sessions in the zygote
        # runs by where they ran: "plain", "zygote", "session" (and "unsafe": refused swaps)
        self.paths: Counter[str] = Counter()
        self._servers: dict[Path, _Server] = {}
        self._starting: dict[Path, threading.Event] = {}  # servers being started, by folder
        self._priming: set[_Server] = set()  # started, not yet registered: close() stops them
        self._cold: dict[Path, str] = {}
        self._losses: dict[Path, int] = {}
        self._scanned: tuple[list[str], list[str]] | None = None
        self._noted: set[str] = set()
        self._lock = threading.Lock()
        self._count = 0
        self._closed = False
        self._finalizer = weakref.finalize(self, _close_all, self._servers)

    def run(self, job: WarmRun, cold: Callable[[], proc.ProcResult]) -> proc.ProcResult | None:
        """Run ``job`` warm; None when its project runs cold. ``cold`` reruns it cold (into
        the same results file) when the warm run gave no result at all."""
        server = self._server(job)
        if server is None:
            return None
        try:
            res = server.run(job)
        except WorkerLost as lost:
            self._lost(job.project_dir, server, str(lost))
            return None
        if _has_results(job.results):
            return res
        job.results.unlink(missing_ok=True)
        again = cold()
        if _has_results(job.results):
            self.refuse(job.project_dir, "a run in the warm worker gave no result where a cold "
                        "run gives some (a conftest.py that cannot be imported twice?)")
        return again

    def refuse(self, project_dir: Path, why: str) -> None:
        """Run ``project_dir``'s tests cold from now on, saying why once."""
        with self._lock:
            self._cold[project_dir] = why
            server = self._servers.pop(project_dir, None)
        if server is not None:
            server.close()
        self.note(why)

    def note(self, why: str) -> None:
        """Say once on stderr why tests run cold."""
        with self._lock:
            if why in self._noted:
                return
            self._noted.add(why)
        print(f"apr: note: tests run cold, without the warm pytest worker: {why}",
              file=sys.stderr)

    def close(self) -> None:
        """Stop every server (safe to call twice)."""
        with self._lock:
            self._closed = True
            priming = list(self._priming)
        for server in priming:
            server.close()
        self._finalizer()

    def pids(self) -> list[int]:
        """The process ids of the running servers' top processes (for tests and benchmarks)."""
        with self._lock:
            return [s.popen.pid for s in self._servers.values()]

    def prepare(self, job: WarmRun) -> None:
        """Start ``job``'s project folder's server now (apr's baseline runs meanwhile) and
        prime it for ``job``'s tests (:meth:`_Server.prime`), so that the first runs find it
        loaded; a run that comes meanwhile waits for that. Nothing when it runs cold.
        ``paths["primed"]`` counts the servers that kept a session so."""
        self._server(job, prime=True)

    def _server(self, job: WarmRun, prime: bool = False) -> _Server | None:
        while True:
            with self._lock:
                if self._closed or job.project_dir in self._cold:
                    return None
                server = self._servers.get(job.project_dir)
                if server is not None:
                    return server
                other = self._starting.get(job.project_dir)
                if other is None:
                    mine = self._starting[job.project_dir] = threading.Event()
                    self._count += 1
                    count = self._count
                    break
            other.wait()  # another thread starts it (prepare): take what it made
        try:
            return self._start(job, count, prime)
        finally:
            with self._lock:
                del self._starting[job.project_dir]
            mine.set()

    def _start(self, job: WarmRun, count: int, prime: bool) -> _Server | None:
        try:
            server = _Server.start(self.script, job, self._hello(job),
                                   self.script.parent / f"server-{count}.log", self.paths)
        except WorkerLost as exc:
            if not self._closed:  # (a start ahead that outlived the repair: nothing to say)
                self.refuse(job.project_dir, str(exc))
            return None
        if prime and not self._prime(server, job):
            return None
        with self._lock:
            if not self._closed:
                self._servers[job.project_dir] = server
                return server
        server.close()
        return None

    def _prime(self, server: _Server, job: WarmRun) -> bool:
        """Prime a server not yet registered (:meth:`close` stops it meanwhile); False when
        it died or hung doing so (a loss: the next run starts another)."""
        with self._lock:
            self._priming.add(server)
            closed = self._closed
        try:
            self.paths["primed"] += not closed and server.prime(job)
        except WorkerLost as lost:
            if self._closed:
                server.close()
            else:
                self._lost(job.project_dir, server, str(lost))  # (closes it)
            return False
        finally:
            with self._lock:
                self._priming.discard(server)
        return True

    def _hello(self, job: WarmRun) -> dict[str, Any]:
        if self._scanned is None:
            self._scanned = scan(job.project_dir)
        preload, local = self._scanned
        roots = [str(job.project_dir), str(job.repo_root), *self.user_roots]
        rewritten = self.script.parent / "rewritten"  # shared by this driver's servers
        rewritten.mkdir(exist_ok=True)
        return {"preload": preload, "local": local, "roots": roots, "path0": job.launch.path0,
                "rewritten": str(rewritten), "zygote": self.zygote, "sessions": self.sessions,
                "grace": ANSWER_GRACE}

    def _lost(self, project_dir: Path, server: _Server, why: str) -> None:
        with self._lock:
            self._servers.pop(project_dir, None)
            losses = self._losses[project_dir] = self._losses.get(project_dir, 0) + 1
        server.close()
        if losses >= MAX_LOSSES:
            self.refuse(project_dir, f"the warm worker died {losses} times (last: {why})")


def _close_all(servers: dict[Path, _Server]) -> None:
    while servers:
        _, server = servers.popitem()
        server.close()


def _has_results(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0
