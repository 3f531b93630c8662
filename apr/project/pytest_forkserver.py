"""apr's warm pytest worker: a fork server that runs in the project's own interpreter.

apr (:mod:`apr.project.pytest_warm`) starts it once per workspace, as
``python apr_pytest_forkserver.py``, in the workspace's project folder, with the environment and
inside the fence of a cold test command. It loads pytest, its plugins and the third-party
modules the project imports once; then, per request, it forks, and the child imports the
project's own modules fresh from the workspace and runs pytest in-process, exactly as
``python -m pytest ARGS`` would, with apr's plugin writing the outcomes. Nothing of one
candidate's run survives into the next: each run is a new process, forked from a parent that
never imported a module of the project.

Protocol: JSON lines. apr writes on stdin; the server answers on stdout (its fd 1 then points
at stderr, so that whatever imported modules print cannot corrupt the answers):

- first ``{"preload": [module...], "local": [name...], "roots": [dir...], "path0": dir|null}``,
  answered ``{"ok": true, "pid", "modules", "seconds"}``, or ``{"ok": false, "why"}`` when the
  server cannot serve this project safely (then it exits);
- then per run ``{"args", "cwd", "env", "output", "timeout"}``, answered ``{"returncode",
  "timed_out", "seconds"}``; the run's stdout and stderr go to the file ``output``.

End of stdin (apr closed it, or died) ends the server, killing a run in progress. The code
must run on Python 3.8+, like the plugin: the standard library and pytest only.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import runpy
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from typing import Any

_NEVER = ("this", "antigravity", "__main__", "__future__")  # imports with side effects
_PLUGIN = "apr_pytest_plugin"
_SIGKILL = 9
_PR_SET_PDEATHSIG = 1


class _Lines:
    """JSON lines read from a file descriptor, with the bytes read ahead kept."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def next(self) -> Any:
        """The next message, or None at end of input."""
        while b"\n" not in self.buffer:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line.decode("utf-8"))


def main() -> None:
    answers = os.dup(1)
    requests = os.dup(0)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)  # a cold run's stdin; no import may read ours
    os.dup2(devnull, 0)
    os.close(devnull)
    _die_with_parent()
    reader = _Lines(requests)
    hello = reader.next()
    if hello is None:
        return
    answer = _prepare(hello)
    _send(answers, answer)
    if not answer["ok"]:
        return
    server = _Server(hello, requests, answers)
    while True:
        server.ready()
        request = reader.next()
        if request is None:
            return
        _send(answers, server.serve(request))


def _send(fd: int, message: dict) -> None:
    data = (json.dumps(message) + "\n").encode("utf-8")
    while data:
        data = data[os.write(fd, data):]


def _prepare(hello: dict) -> dict:
    """Import pytest, its plugins and ``hello["preload"]``; refuse when that made forking
    unsafe (threads) or loaded a module of the project."""
    started = time.monotonic()
    try:
        import pytest  # noqa: F401
    except BaseException as exc:  # noqa: BLE001 -- any failure is a reason to run cold
        return {"ok": False, "why": f"pytest does not import: {type(exc).__name__}: {exc}"}
    local = set(hello.get("local", ()))
    roots = hello.get("roots", ())
    for name in _pytest_modules() + list(hello.get("preload", ())):
        top = name.partition(":")[0].partition(".")[0]
        if top not in local and top not in _NEVER:
            _try_import(name)
    for name in _session_modules(roots):
        if name.partition(".")[0] not in local:
            _try_import(name)
    why = _unsafe(roots)
    if why:
        return {"ok": False, "why": why}
    _quiet_rewrite_warnings(frozenset(sys.modules))
    _index_modules()
    gc.collect()
    if hasattr(gc, "freeze"):  # keep the preloaded objects' pages shared after fork
        gc.freeze()
    return {"ok": True, "pid": os.getpid(), "modules": len(sys.modules),
            "seconds": round(time.monotonic() - started, 3)}


def _pytest_modules() -> list:
    """pytest's own plugins, apr's, and those installed (entry points), which pytest would
    otherwise import in every run."""
    names = [_PLUGIN]
    try:
        from _pytest.config import default_plugins
        names += ["_pytest." + name for name in default_plugins]
    except ImportError:
        pass
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return names
    try:
        from importlib import metadata
        points: Any = metadata.entry_points()
        group = (points.select(group="pytest11") if hasattr(points, "select")
                 else points.get("pytest11", ()))
        names += [point.value.split(":")[0] for point in group]
    except Exception:  # noqa: BLE001 -- broken metadata: pytest will say so in the run
        pass
    return names


_PROBE = """
def test_passes():
    assert [1, 2] == [1, 2]


def test_fails():
    assert {"a": [1, 2]} == {"a": [1, 3]}
"""


def _session_modules(roots: Any) -> list:
    """The modules a pytest session imports on its way (the debugger, plugins' hooks, what
    reports a failing assertion...), found by a session over two tests of our own in an empty
    folder, run in a forked child; in the order it imported them."""
    folder = tempfile.mkdtemp(prefix="apr-probe-")
    reading, writing = os.pipe()
    try:
        with open(os.path.join(folder, "test_apr_probe.py"), "w") as probe:
            probe.write(_PROBE)
        with open(os.path.join(folder, "pytest.ini"), "w") as ini:
            ini.write("[pytest]\n")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _probe_child(folder, writing)
        os.close(writing)
        data = b""
        while True:
            chunk = os.read(reading, 65536)
            if not chunk:
                break
            data += chunk
        os.waitpid(pid, 0)
    finally:
        os.close(reading)
        shutil.rmtree(folder, ignore_errors=True)
    try:
        files = json.loads(data.decode("utf-8") or "{}")
    except ValueError:
        return []
    prefixes = tuple(os.path.join(os.path.realpath(r), "") for r in [*roots, folder])
    return [name for name, file in files.items()
            if not (file and os.path.realpath(file).startswith(prefixes))]


def _probe_child(folder: str, writing: int) -> None:
    try:
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        before = set(sys.modules)
        os.chdir(folder)
        sys.dont_write_bytecode = True
        import pytest

        pytest.main(["-p", _PLUGIN, "-p", "no:cacheprovider", "-q", folder])
        files = {name: getattr(module, "__file__", None) or ""
                 for name, module in list(sys.modules.items()) if name not in before}
        _send(writing, files)
    finally:
        os._exit(0)


def _index_modules() -> None:
    """Fill ``inspect``'s file-to-module index for every module loaded (pytest asks it of each
    failing test's frames; on a cold index it looks at every module in sys.modules, once per
    run otherwise)."""
    try:
        import inspect

        inspect.getmodule(_index_modules.__code__)
    except Exception:  # noqa: BLE001, S110 -- a cache only
        pass


def _quiet_rewrite_warnings(preloaded: frozenset) -> None:
    """Keep pytest from warning, in every run, that the plugins' modules imported here were
    imported before its assertion rewriter: a cold run imports them after it (they are then
    rewritten), so the warning would be the server's, not the project's, and a project that
    turns warnings into errors would fail on it."""
    try:
        from _pytest.assertion.rewrite import AssertionRewritingHook
    except ImportError:
        return
    original = getattr(AssertionRewritingHook, "_warn_already_imported", None)
    if original is None:
        return

    def warn(self: Any, name: str) -> None:
        if name not in preloaded:
            original(self, name)

    AssertionRewritingHook._warn_already_imported = warn  # type: ignore[method-assign]


def _try_import(name: str) -> None:
    """Import ``name`` (``module`` or ``module:attribute``, an attribute a package may load
    lazily), if it can be."""
    module, _, attribute = name.partition(":")
    try:
        loaded = importlib.import_module(module)
        if attribute and not hasattr(loaded, attribute):
            importlib.import_module(module + "." + attribute)
    except BaseException:  # noqa: BLE001, S110 -- the run will import it again and report
        pass


def _unsafe(roots: Any) -> str:
    """Why forking this server would not be the same as a cold run ("" when it would be)."""
    if threading.active_count() > 1:
        names = ", ".join(sorted(t.name for t in threading.enumerate()
                                 if t is not threading.current_thread()))
        return f"importing the project's dependencies started threads ({names})"
    prefixes = tuple(os.path.join(os.path.realpath(root), "") for root in roots)
    installed = tuple(os.path.join(os.path.realpath(p), "") for p in (sys.prefix,
                                                                       sys.base_prefix))
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        real = os.path.realpath(file) if file else ""
        if (real.startswith(prefixes) and not real.startswith(installed)
                and "site-packages" not in real):
            return f"importing the project's dependencies imported its own module {name}"
    return ""


class _Server:
    """Serves runs, one at a time, each in a child forked ahead of it (a spare waiting for its
    request: the fork, 10-40 ms for a server holding scipy, happens while apr is busy with the
    previous result). The child reports its exit status before it exits, so the answer does
    not wait for the teardown of its memory."""

    def __init__(self, hello: dict, requests: int, answers: int) -> None:
        self.path0 = hello.get("path0")
        self.requests = requests
        self.answers = answers
        self.pid = os.getpid()
        self.spare: Any = None  # (pid, request pipe, status pipe) of the next run's child

    def ready(self) -> None:
        """Fork the next run's child, if none waits; collect finished ones."""
        _reap()
        if self.spare is None:
            self.spare = self._fork()

    def serve(self, request: dict) -> dict:
        started = time.monotonic()
        pid, order, status = self.spare or self._fork()
        self.spare = None
        _send(order, request)
        os.close(order)
        try:
            code, timed_out = self._wait(pid, status, request.get("timeout"))
        finally:
            os.close(status)
            _kill_group(pid)  # what the run left behind
        return {"returncode": None if timed_out else code, "timed_out": timed_out,
                "seconds": round(time.monotonic() - started, 4)}

    def _fork(self) -> tuple:
        order_r, order_w = os.pipe()
        status_r, status_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(order_w)
            os.close(status_r)
            self._child(order_r, status_w)
        os.close(order_r)
        os.close(status_w)
        try:
            os.setpgid(pid, pid)
        except OSError:  # the child did it first, or is gone already
            pass
        return pid, order_w, status_r

    def _child(self, order: int, status: int) -> None:
        code = 1
        try:
            for fd in (self.requests, self.answers):
                os.close(fd)
            os.setpgid(0, 0)
            _die_with_parent()
            if os.getppid() != self.pid:  # the server died before we asked to die with it
                os._exit(1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            request = _Lines(order).next()
            if request is None:  # the server ended
                os._exit(0)
            os.close(order)
            out = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, 1)
            os.dup2(out, 2)
            os.close(out)
            _run_pytest(request, self.path0)
            code = 0
        except SystemExit as exc:
            code = _exit_status(exc)
        except BaseException:  # noqa: BLE001 -- reported in the run's output, like a crash
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except BaseException:  # noqa: BLE001, S110 -- a closed stream: nothing to save
                    pass
            try:
                os.write(status, b"%d\n" % code)
            finally:
                os._exit(code)

    def _wait(self, pid: int, status: int, timeout: Any) -> tuple:
        """The child's exit code, and whether it ran past ``timeout`` (then it is killed).
        End of apr's input meanwhile kills it and ends the server."""
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        pidfd = _pidfd(pid)
        watch = [self.requests, status] + ([pidfd] if pidfd >= 0 else [])
        try:
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    _kill_group(pid)
                    os.waitpid(pid, 0)
                    return None, True
                step = left if pidfd >= 0 else min(0.005, left if left is not None else 0.005)
                ready = select.select(watch, [], [], step)[0]
                if self.requests in ready:
                    _kill_group(pid)
                    os.waitpid(pid, 0)
                    raise SystemExit(0)
                reported = os.read(status, 64) if status in ready else b""
                if reported:
                    return int(reported), False
                if status in ready or pidfd in ready:  # it died without a word
                    return _exit_code(_wait_status(pid)), False
                if pidfd < 0:
                    done, raw = os.waitpid(pid, os.WNOHANG)
                    if done:
                        return _exit_code(raw), False
        finally:
            if pidfd >= 0:
                os.close(pidfd)


def _run_pytest(request: dict, path0: Any) -> None:
    """In the child: become the cold run (folder, environment, sys.path), then run pytest's
    ``__main__`` as ``python -m pytest`` does (it raises SystemExit)."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    if not getattr(sys.flags, "safe_path", False):
        sys.path[0] = path0 or os.getcwd()
    sys.dont_write_bytecode = True  # what PYTHONDONTWRITEBYTECODE did for the cold run
    importlib.invalidate_caches()  # the workspace changed since the server looked at it
    sys.argv = ["pytest", *request["args"]]
    runpy.run_module("pytest", run_name="__main__", alter_sys=True)


def _exit_status(exc: SystemExit) -> int:
    """The status the interpreter exits with for ``exc`` (a message: printed, status 1)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _pidfd(pid: int) -> int:
    """A descriptor that becomes readable when ``pid`` ends (Linux 5.3+, Python 3.9+); -1
    when there is none (then the wait polls)."""
    try:
        return os.pidfd_open(pid)  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return -1


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, _SIGKILL)
    except OSError:
        pass


def _reap() -> None:
    """Collect the zombies of killed grandchildren (the server may be a PID namespace's init,
    which inherits orphans)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _wait_status(pid: int) -> int:
    return os.waitpid(pid, 0)[1]


def _exit_code(status: int) -> int:
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (no orphans); elsewhere, nothing."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
    except (OSError, AttributeError, ImportError):
        pass


if __name__ == "__main__":
    main()
