"""apr's warm pytest worker: a fork server that runs in the project's own interpreter.

apr (:mod:`apr.project.pytest_warm`) starts it once per workspace, as
``python apr_pytest_forkserver.py``, in the workspace's project folder, with the environment and
inside the fence of a cold test command. It loads pytest, its plugins and the third-party
modules the project imports once; then, per request, it forks, and the child imports the
project's own modules fresh from the workspace and runs pytest in-process, exactly as
``python -m pytest ARGS`` would, with apr's plugin writing the outcomes. Nothing of one
candidate's run survives into the next: each run is a new process, forked from a parent that
never imported a module of the project, or from the project zygote (:class:`_Zygote`, a child
of the server that loaded the project's modules once; its runs swap a candidate's function
bodies in, ``apr_pytest_swap``, or refuse and run here), or from one of the zygote's kept
pytest sessions (:func:`_session_main`: pytest configured and the tests collected once per
set of test arguments, ``apr_pytest_session``).

Protocol: JSON lines. apr writes on stdin; the server answers on stdout (its fd 1 then points
at stderr, so that whatever imported modules print cannot corrupt the answers):

- first ``{"preload": [module...], "local": [name...], "roots": [dir...], "path0": dir|null,
  "rewritten": dir|null, "zygote": bool, "sessions": bool, "grace": seconds}`` (``rewritten``:
  where test modules' rewritten code is kept; ``zygote``: whether to load the project's
  modules in one; ``sessions``: whether it keeps pytest sessions; ``grace``: how long apr
  waits for an answer beyond the run's timeout),
  answered ``{"ok": true, "pid", "modules", "seconds"}``, or ``{"ok": false, "why"}`` when the
  server cannot serve this project safely (then it exits);
- then per run ``{"args", "cwd", "env", "output", "timeout"}``, answered ``{"returncode",
  "timed_out", "seconds", "path"}`` (``path``: ``session``, ``zygote`` or ``plain``; with
  ``unsafe``, why the zygote refused); the run's stdout and stderr go to the file ``output``;
- or, before the first run, ``{"prime": true, "args", ...}`` as a run's: learn the project's
  modules from a collection of those tests, load the zygote, keep a session for those
  arguments, run no test; answered ``{"primed": bool}`` (whether that session is kept).

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
_SWAP = "apr_pytest_swap"  # the project zygote's side (apr/project/pytest_swap.py)
_SESSION = "apr_pytest_session"  # kept sessions' pytest side (apr/project/pytest_session.py)
_SESSIONS = 3  # kept sessions per zygote (the whole suite's, which runs named tests too, and more)
_NOT_COLLECTED = "a named test is not among the whole suite's items"
_SESSION_FAILURES = 2  # per set of test arguments; then its runs start pytest in the child
_ZYGOTE_FAILURES = 2  # then runs stay plain
# A zygote loaded while a candidate changed a module outside its functions cannot swap that
# module back: after this many refusals in a row it is loaded again (at most _RELOADS times)
_REFUSALS = 5
_RELOADS = 3
_PER_RUN = ("APR_RESULTS", "APR_TEST_TIMEOUT")  # read by a kept session's run, not its setup
_EXITFIRST = ("-x", "--exitfirst")
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
            server.end()
            _leave()
        _send(answers, server.handle(request))


def _leave() -> None:
    """End the server at once: tearing down an interpreter that holds the project's
    dependencies (numpy, scipy...) takes 0.1 s, and nothing of it needs finalizing."""
    _flush()
    os._exit(0)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001, S110 -- a closed stream: nothing to save
            pass


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
    if hello.get("rewritten"):
        _keep_rewritten(hello["rewritten"])
    if hello.get("zygote"):
        _try_import(_SWAP)
        if hello.get("sessions"):
            _try_import(_SESSION)
    _quiet_rewrite_warnings(frozenset(sys.modules))
    _settle()
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
    prefixes = _prefixes([*roots, folder])
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


def _settle() -> None:
    """Before forking runs from here: inspect's index filled for the modules loaded now,
    garbage collected, and what is left frozen (its pages stay shared after fork, and the
    collections pytest makes at a session's end in each run skip it)."""
    _index_modules()
    gc.collect()
    if hasattr(gc, "freeze"):
        gc.freeze()


def _serve_forever(server: _Server, answers: int, answer: Any) -> None:
    """Answer the requests on ``server.requests`` with ``answer(request)``, a child ready
    for the next one ahead, until they end; then end this process."""
    reader = _Lines(server.requests)
    while True:
        server.ready()
        message = reader.next()
        if message is None:
            os._exit(0)
        _send(answers, answer(message))


def _index_modules() -> None:
    """Fill ``inspect``'s file-to-module index for every module loaded (pytest asks it of each
    failing test's frames; a file it does not hold has it look at every module in
    sys.modules, in every run otherwise: 3-5 ms, most of it copy-on-write faults). It is
    filled only when asked of a file it does not hold: here, one that is no file at all."""
    try:
        import inspect

        inspect.getmodule(None, os.path.join(os.sep, "apr-no-such-file"))  # (never indexed)
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


def _keep_rewritten(folder: str) -> None:
    """Keep the code pytest makes of a test module (its asserts rewritten) in ``folder``,
    keyed by the module's bytes and path, pytest's version and the one setting the rewrite
    reads: every run would otherwise rewrite each test module it collects again (the runs
    write no bytecode), about a third of a whole-suite run. The same key gives the same
    code, so a run that finds it does what rewriting would have done.

    Only where pytest's ``_rewrite_test(fn, config)`` is the one known: it returns the
    source's hash (pytest 8.4+) or its stat, then the code; otherwise nothing changes."""
    try:
        import hashlib
        import inspect
        import marshal
        import types

        import _pytest.assertion.rewrite as rewrite
        import pytest

        original = rewrite._rewrite_test
        signature = inspect.signature(original)
    except (ImportError, AttributeError, TypeError, ValueError):
        return
    returns = str(signature.return_annotation)
    if list(signature.parameters) != ["fn", "config"] or "CodeType" not in returns:
        return
    hashed = "bytes" in returns
    if not hashed and "stat_result" not in returns:
        return
    tag = f"{pytest.__version__}\0{sys.version}\0".encode()

    def cached(fn: Any, config: Any) -> Any:
        try:
            source = fn.read_bytes()
            setting = str(config.getini("enable_assertion_pass_hook")).encode()
            key = hashlib.sha256(b"\0".join([tag, setting, str(fn).encode(), source]))
            kept = os.path.join(folder, key.hexdigest())
        except Exception:  # noqa: BLE001 -- pytest's own way reports it
            return original(fn, config)
        try:
            with open(kept, "rb") as file:
                code = marshal.load(file)
            if isinstance(code, types.CodeType):
                from importlib.util import source_hash

                return (source_hash(source) if hashed else os.stat(fn)), code
        except (OSError, EOFError, ValueError, TypeError):
            pass
        made = original(fn, config)
        try:
            partial = f"{kept}.{os.getpid()}"
            with open(partial, "wb") as file:
                marshal.dump(made[1], file)
            os.replace(partial, kept)  # whole or absent, for the other workers' runs
        except (OSError, ValueError):
            pass
        return made

    rewrite._rewrite_test = cached


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
    own = _owner(roots)
    for name, module in list(sys.modules.items()):
        if own(getattr(module, "__file__", None)):
            return f"importing the project's dependencies imported its own module {name}"
    return ""


class _Server:
    """Serves runs, one at a time, each in a child forked ahead of it (a spare waiting for its
    request: the fork, 10-40 ms for a server holding scipy, happens while apr is busy with the
    previous result). The child reports its exit status before it exits, so the answer does
    not wait for the teardown of its memory."""

    def __init__(self, hello: dict, requests: int, answers: int) -> None:
        self.hello = hello
        self.path0 = hello.get("path0")
        self.roots = list(hello.get("roots", ()))
        self.own = _owner(self.roots)
        self.requests = requests
        self.answers = answers
        # apr awaits an answer for the run's timeout and ``grace`` seconds more; loading a
        # zygote (within a run's answer) takes at most half of that, a zygote's answer a
        # quarter beyond the timeout it enforces itself
        self.grace = float(hello.get("grace", 30))
        self.pid = os.getpid()
        self.spare: Any = None  # (pid, request pipe, status pipe) of the next run's child
        self.base = frozenset(sys.modules)
        self.learned: dict = {}  # the project's modules runs imported: name -> file, in order
        self.zygote: Any = None  # _Zygote, when the project's modules are loaded in one
        self.zygote_size = 0  # how many modules the zygote was asked to load
        self.zygote_failures = 0 if hello.get("zygote") else _ZYGOTE_FAILURES
        self.refused = 0  # runs in a row the zygote could not swap
        self.reloads = 0
        self.swapping: Any = None  # in a zygote: (loaded, ran) for apr_pytest_swap.swap

    def ready(self) -> None:
        """Fork the next run's child, if none waits; collect finished ones."""
        _reap()
        if self.spare is None:
            self.spare = self._fork()

    def handle(self, request: dict) -> dict:
        """Run ``request`` in the project zygote when it can, else in a plain child (learning
        which modules of the project it imports); or prime for it (:meth:`prime`)."""
        if request.get("prime"):
            return self.prime(request)
        why = ""
        self._grow_zygote(request)
        learn = self.zygote_failures < _ZYGOTE_FAILURES
        report = request["output"] + ".modules" if learn else None
        request = dict(request, report=report)
        if self.zygote is not None:
            answer = self.zygote.ask(request, self.requests, self.grace / 4)
            if answer is None:
                self._drop_zygote("the project zygote ended")
            elif not answer.get("unsafe"):
                answer.setdefault("path", "zygote")  # or "session", a kept session's
                self.refused = 0
                self._learn(report)
                return answer
            else:
                why = answer["unsafe"]
                self.refused += 1
        answer = self.serve(request)
        answer["path"] = "plain"
        if why:
            answer["unsafe"] = why
        self._learn(report)
        return answer

    def prime(self, request: dict) -> dict:
        """Ahead of the first run (apr's baseline runs meanwhile): learn which modules of the
        project ``request``'s tests import, from a plain child that only collects them; load
        the zygote; have it keep a session for ``request``'s arguments. Runs nothing."""
        if not self.learned and self.zygote_failures < _ZYGOTE_FAILURES:
            report = request["output"] + ".modules"
            self.serve(dict(request, args=[*request["args"], "--collect-only"], report=report))
            self._learn(report)
        self._grow_zygote(request)
        if self.zygote is None:
            return {"primed": False}
        answer = self.zygote.ask(request, self.requests, self.grace / 4)
        if answer is None:
            self._drop_zygote("the project zygote ended")
            return {"primed": False}
        return {"primed": bool(answer.get("primed"))}

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
        if isinstance(code, str):  # a zygote's child that may not swap: not run at all
            return {"unsafe": code}
        return {"returncode": None if timed_out else code, "timed_out": timed_out,
                "seconds": round(time.monotonic() - started, 4)}

    def end(self) -> None:
        if self.zygote is not None:
            self.zygote.close()

    def _learn(self, report: Any) -> None:
        """Note the modules a run imported that the zygote does not hold (a zygote's run
        reports only those it imported itself)."""
        if report is None:
            return
        try:
            with open(report) as file:
                for name, path in json.load(file):
                    self.learned.setdefault(name, path)
            os.unlink(report)
        except (OSError, ValueError, TypeError):
            pass

    def _grow_zygote(self, request: dict) -> None:
        """Start a zygote once runs have shown which modules to load, and a new one when
        they have shown many more (a whole-suite run after the target tests'). It loads
        them while apr waits for ``request``'s answer: the workspace holds still then, so the
        files it reads are the ones the modules were made from."""
        size = len(self.learned)
        if not size or self.zygote_failures >= _ZYGOTE_FAILURES:
            return
        if self.zygote is not None:
            stale = self.refused >= _REFUSALS and self.reloads < _RELOADS
            if size < self.zygote_size + max(10, size // 4) and not stale:
                return
            self.reloads += stale
            self.refused = 0
            self.zygote.close()
            self.zygote = None
        try:
            self.zygote = _Zygote.start(self, request, list(self.learned.items()))
        except OSError as exc:  # no fork (a process limit): no zygote, the runs go on plain
            print(f"apr: no project zygote: {exc}", file=sys.stderr)
            self.zygote_failures = _ZYGOTE_FAILURES
            return
        self.zygote_size = size
        why = self.zygote.wait_ready(self.requests, self.grace / 2)
        if why:
            self._drop_zygote(f"no project zygote: {why}")

    def _drop_zygote(self, why: str) -> None:
        print(f"apr: {why}; runs import the project's modules afresh", file=sys.stderr)
        self.zygote.close()
        self.zygote = None
        self.zygote_failures += 1

    def _fork(self) -> tuple:
        return _fork_with_pipes(self._child)

    def _child(self, order: int, status: int) -> None:
        code = 1
        try:
            request = self._begin_run(order, status)
            try:
                _run_pytest(request, self.path0)
            finally:
                if request.get("report"):
                    _report_modules(request["report"], self.base, self.own, self.roots)
            code = 0
        except SystemExit as exc:
            code = _exit_status(exc)
        except BaseException:  # noqa: BLE001 -- reported in the run's output, like a crash
            traceback.print_exc()
        finally:
            _end_run(status, code)

    def _begin_run(self, order: int, status: int) -> dict:
        """In a run's child: wait for its request, take its output, swap the candidate's
        functions in (in a zygote; when it may not, say so and end)."""
        _detach(self)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        request = _Lines(order).next()
        if request is None:  # the server ended
            os._exit(0)
        os.close(order)
        out = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
        if self.swapping is not None:
            why = sys.modules[_SWAP].swap(*self.swapping)
            if why:
                _refuse_run(status, why)
        return request

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
                reported = os.read(status, 1024) if status in ready else b""
                if reported.startswith(b"U"):
                    return reported[1:].decode("utf-8", "replace").strip(), False
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


class _Zygote:
    """The server's side of its project zygote: a child of the server that loaded the
    project's modules (``apr_pytest_swap.preload``) and serves runs as the server does, each
    child swapping in the candidate's changed functions first, or answering ``unsafe``."""

    def __init__(self, pid: int, order: int, answers: int) -> None:
        self.pid = pid
        self.order = order
        self.answers = answers
        self.lines = _Lines(answers)
        self.unsafe = False  # it could not load because of the candidate then in the workspace
        self.tests = 0  # a kept session's: how many tests it collected

    @classmethod
    def start(cls, server: _Server, request: dict, modules: list) -> _Zygote:
        return cls(*_fork_with_pipes(
            lambda order, answers: _zygote_main(server, request, modules, order, answers)))

    def wait_ready(self, requests: int, limit: float) -> str:
        """Wait up to ``limit`` seconds for it to be ready (loaded): "" when it may serve,
        else why not. End of apr's input meanwhile ends the server."""
        ready = select.select([self.answers, requests], [], [], limit)[0]
        if ready == [requests]:
            self.close()
            raise SystemExit(0)
        if not ready:
            return f"it was not ready within {limit:g} s"
        message = self.lines.next() or {}
        self.unsafe = bool(message.get("unsafe"))
        self.tests = message.get("tests", 0)
        return "" if message.get("ready") else str(message.get("why") or "it ended")

    def ask(self, request: dict, requests: int, grace: float) -> Any:
        """Its answer to ``request`` (whose timeout it enforces); None when it died, or gave
        none ``grace`` seconds after that timeout. End of apr's input meanwhile ends the
        server."""
        try:
            _send(self.order, request)
        except OSError:
            return None
        timeout = request.get("timeout")
        deadline = None if timeout is None else time.monotonic() + float(timeout) + grace
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            ready = select.select([self.answers, requests], [], [], left)[0]
            if requests in ready:
                self.close()
                raise SystemExit(0)
            if self.answers in ready:
                return self.lines.next()

    def close(self) -> None:
        for fd in (self.order, self.answers):
            try:
                os.close(fd)
            except OSError:
                pass
        _kill_group(self.pid)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _detach(parent: _Server, others: Any = ()) -> None:
    """In a child of ``parent``'s process: close its pipes to apr (or to its own parent) and
    ``others``, take a process group of its own, die with it (or end now, if it already
    died before we asked)."""
    for fd in (parent.requests, parent.answers, *others):
        os.close(fd)
    os.setpgid(0, 0)
    _die_with_parent()
    if os.getppid() != parent.pid:
        os._exit(1)


def _refuse_run(status: int, why: str) -> None:
    """A run's child that must not run (it would not be a cold run): say why, and end; the
    server above runs the request its own way."""
    os.write(status, b"U" + why.encode("utf-8", "replace")[:400] + b"\n")
    os._exit(0)


def _end_run(status: int, code: int) -> None:
    """A run's child ends: its output flushed, its exit status told before its memory is
    torn down."""
    _flush()
    try:
        os.write(status, b"%d\n" % code)
    finally:
        os._exit(code)


def _fork_with_pipes(child: Any) -> tuple:
    """Fork a child in a process group of its own that runs ``child(order, answers)`` (the
    read end of a pipe from us, the write end of one to us) and never returns; ours are
    ``(pid, order's write end, answers' read end)``."""
    order_r, order_w = os.pipe()
    answer_r, answer_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(order_w)
        os.close(answer_r)
        child(order_r, answer_w)
    os.close(order_r)
    os.close(answer_w)
    try:
        os.setpgid(pid, pid)
    except OSError:  # the child did it first, or is gone already
        pass
    return pid, order_w, answer_r


def _zygote_main(server: _Server, request: dict, modules: list, order: int,
                 answers: int) -> None:
    """The zygote: load ``modules`` as ``request``'s run would find them, say whether it may
    serve, then serve until the server closes ``order``."""
    try:
        _detach(server, server.spare[1:] if server.spare else ())  # its spare's, not ours
        _become(request, server.path0)
        loaded, ran, why = sys.modules[_SWAP].preload(modules, server.own)
        if not why and threading.active_count() > 1:
            why = "loading the project's modules started threads"
        if why:
            _send(answers, {"ready": False, "why": why})
            os._exit(0)
        _settle()
        zygote = _Server(dict(server.hello, zygote=False), order, answers)
        zygote.swapping = (loaded, ran)
        sessions = _Sessions(zygote) if _SESSION in sys.modules else None

        def answer(message: dict) -> dict:
            if message.get("prime"):
                return {"primed": sessions is not None and sessions.prime(message)}
            kept = sessions.answer(message) if sessions is not None else None
            return kept or zygote.serve(message)

        _send(answers, {"ready": True, "modules": len(loaded)})
        _serve_forever(zygote, answers, answer)
    except BaseException:  # noqa: BLE001 -- the server sees it end, and goes plain
        traceback.print_exc()
        os._exit(1)


class _RunChild(Exception):  # noqa: N818 -- not an error: how a run's child leaves the loop
    """Raised in a kept session's run child, its request read, to leave the session's serving
    loop for pytest's test loop."""

    def __init__(self, request: dict, status: int) -> None:
        super().__init__()
        self.request = request
        self.status = status


class _SessionServer(_Server):
    """A kept session's serving of runs, as the zygote's, but a run's child goes on into the
    collected pytest session (:func:`_serve_session` returns it) instead of starting pytest."""

    def _child(self, order: int, status: int) -> None:
        try:
            request = self._begin_run(order, status)
        except BaseException:  # noqa: BLE001 -- reported in the run's output, like a crash
            traceback.print_exc()
            _end_run(status, 1)
        raise _RunChild(request, status)


class _Sessions:
    """A zygote's kept sessions (:func:`_session_main`), one per set of test arguments and
    environment, the most recently used kept."""

    def __init__(self, zygote: _Server) -> None:
        self.zygote = zygote
        self.live: dict = {}  # key -> _Zygote (the session's process), the last used last
        self.failures: dict = {}  # key -> how many sessions for it failed
        self.own: set = set()  # keys of runs of named tests the suite's session could not take

    def answer(self, request: dict) -> Any:
        """The answer of ``request``'s kept session, started if there is none; None when
        there is none to be had, or it could not swap the candidate in (the zygote's own run
        may still)."""
        key = _session_key(request)
        if self.failures.get(key, 0) >= _SESSION_FAILURES:
            return None
        named, suite = key, _suite_key(request)
        if key not in self.live and suite in self.live and key not in self.own:
            key, request = suite, dict(request, only=request["args"][-request["tests"]:])
        session = self.live.pop(key, None) or self._start(key, request)
        if session is None:
            return None
        answer = session.ask(request, self.zygote.requests, self.zygote.grace / 4)
        if answer is None:
            session.close()
            self._failed(key, "it ended")
            return None
        self._keep(key, session)
        if answer.get("unsafe"):
            if request.get("only"):  # a test it lacks, or a candidate it cannot swap in (its
                self.own.add(named)  # collection ran more code): these tests' own session next
            return None
        answer["path"] = "session"
        return answer

    def prime(self, request: dict) -> bool:
        """Keep a session for ``request``'s arguments, ready for its first run; whether one
        is kept."""
        key = _session_key(request)
        if key not in self.live and self.failures.get(key, 0) < _SESSION_FAILURES:
            session = self._start(key, request)
            if session is not None:
                self._keep(key, session)
        return key in self.live

    def _keep(self, key: str, session: Any) -> None:
        """``session`` the most recently used; the least recently used beyond
        :data:`_SESSIONS` closed."""
        self.live[key] = session
        while len(self.live) > _SESSIONS:
            self.live.pop(next(iter(self.live))).close()

    def _start(self, key: str, request: dict) -> Any:
        """A session for ``request`` (loaded while apr waits for its answer), or None. It
        must be ready within an eighth of the grace: the zygote answers within a quarter of
        it after the run's timeout, and a session that is not ready in time leaves the run
        to the zygote, with its whole timeout."""
        others = [fd for s in self.live.values() for fd in (s.order, s.answers)]
        if self.zygote.spare:
            others += self.zygote.spare[1:]
        try:
            session = _Zygote(*_fork_with_pipes(
                lambda order, answers: _session_main(self.zygote, request, others, order,
                                                     answers)))
        except OSError as exc:  # no fork (a process limit)
            self._failed(key, str(exc))
            return None
        started = time.monotonic()
        why = session.wait_ready(self.zygote.requests, self.zygote.grace / 8)
        if not why:
            print(f"apr: kept pytest session ready in {time.monotonic() - started:.2f}s "
                  f"({session.tests} tests)", file=sys.stderr)
            return session
        session.close()
        if not session.unsafe:  # else only this candidate cannot be swapped in
            self._failed(key, why)
        return None

    def _failed(self, key: str, why: str) -> None:
        self.failures[key] = self.failures.get(key, 0) + 1
        print(f"apr: no kept pytest session: {why}", file=sys.stderr)


def _session_key(request: dict) -> str:
    """What runs of one kept session share: all of the request but its files and what each
    run sets for itself (:func:`_session_args`, :data:`_PER_RUN`)."""
    env = sorted((k, v) for k, v in request["env"].items() if k not in _PER_RUN)
    return json.dumps([_session_args(request["args"]), request["cwd"], env])


def _suite_key(request: dict) -> Any:
    """The key of the session of ``request``'s whole suite, when ``request`` names tests
    (``tests``: how many of its arguments, at their end): a run of named tests forks that
    session, if it is kept, and runs only those of its items (:func:`_serve_session`),
    rather than configuring and collecting a session of its own (0.1 s and more a new set
    of tests); None when it names none, or when the other arguments name tests or folders
    too (a command's own ``tests/unit``): pytest then runs those besides the named tests."""
    count = request.get("tests") or 0
    if count <= 0 or count > len(request["args"]):
        return None
    suite = request["args"][:-count]
    for arg in suite:
        if not arg.startswith("-") and (
                "::" in arg or os.path.exists(os.path.join(request["cwd"], arg))):
            return None
    return _session_key(dict(request, args=suite))


def _session_args(args: list) -> list:
    """The arguments a kept session is configured with: ``args`` less ``-x``, which a run
    sets for itself (pytest reads it only when a test fails); all of them when ``--maxfail``
    is among them too (then their order decides)."""
    if any(arg.startswith("--maxfail") for arg in args):
        return list(args)
    return [arg for arg in args if arg not in _EXITFIRST]


def _session_main(zygote: _Server, request: dict, others: list, order: int,
                  answers: int) -> None:
    """A kept session, forked from the zygote: the candidate in the workspace swapped in,
    pytest configured and ``request``'s tests collected as its cold run would, then runs
    served from pytest's test loop until the zygote closes ``order``. A run's child comes
    back here from pytest and ends with pytest's exit status."""
    run: Any = None
    try:
        _detach(zygote, others)
        null = os.open(os.devnull, os.O_WRONLY)  # what collection prints is no run's output
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        _become(request, zygote.path0)
        os.environ["APR_RESULTS"] = os.devnull  # each run's recorder writes its own file
        loaded, ran = zygote.swapping
        why = sys.modules[_SWAP].swap(loaded, ran, keep=True)
        if why:
            _send(answers, {"ready": False, "why": why, "unsafe": True})
            os._exit(0)
        import pytest

        watch = sys.modules[_SWAP].Watch()  # what runs while pytest configures and collects

        def serve(session: Any, unfit: str) -> None:
            nonlocal run
            watch.stop()
            run = _serve_session(zygote, session, unfit, watch, order, answers)

        why = watch.start()
        if why:
            _send(answers, {"ready": False, "why": why})
            os._exit(0)
        args = _session_args(request["args"])
        sys.argv = ["pytest", *args]
        try:
            code = pytest.main(args, plugins=[sys.modules[_SESSION].Loop(serve)])
        finally:
            watch.stop()
    except SystemExit as exc:
        code = _exit_status(exc)
    except BaseException:  # noqa: BLE001 -- a run's child: reported in its output
        traceback.print_exc()
        code = 1
    if run is not None:
        _end_run(run.status, int(code))
    try:  # (a usage error, say: USAGE_ERROR)
        status = getattr(code, "name", code)
        _send(answers, {"ready": False, "why": f"pytest ended before its test loop: {status}"})
    finally:
        os._exit(0)


def _serve_session(zygote: _Server, session: Any, unfit: str, watch: Any, order: int,
                   answers: int) -> _RunChild:
    """In the session's process, at pytest's test loop (``watch``: what ran and what was
    imported on the way): serve runs until the zygote closes ``order``. Returns only in a
    run's child, ready to run the tests."""
    loaded, ran = zygote.swapping
    if not unfit:
        loaded, ran, unfit = sys.modules[_SWAP].extend(loaded, ran, watch.codes(),
                                                       watch.imported(), zygote.own)
    if unfit:
        _send(answers, {"ready": False, "why": unfit})
        os._exit(0)
    _settle()  # (inspect's index: a failing test's report asks it; 0.1 s a run unfilled)
    server = _SessionServer(dict(zygote.hello, zygote=False), order, answers)
    server.swapping = (loaded, ran)
    _send(answers, {"ready": True, "tests": len(session.items)})
    try:
        _serve_forever(server, answers, server.serve)
    except _RunChild as child:
        run = child
    try:
        _become(run.request, zygote.path0)
        args = run.request["args"]
        sys.argv = ["pytest", *args]
        exitfirst = len(_session_args(args)) < len(args)
        if run.request.get("only"):
            missing = sys.modules[_SESSION].narrow(session, run.request["only"])
            if missing:
                _refuse_run(run.status, f"{_NOT_COLLECTED}: {missing}")
        sys.modules[_SESSION].prepare(session, os.environ["APR_RESULTS"],
                                      float(os.environ.get("APR_TEST_TIMEOUT") or 0), exitfirst)
    except BaseException as exc:  # noqa: BLE001 -- not a cold run: say so, the zygote runs it
        _refuse_run(run.status, "the kept session could not take the run: "
                    f"{type(exc).__name__}: {exc}")
    return run


def _run_pytest(request: dict, path0: Any) -> None:
    """In the child: become the cold run (folder, environment, sys.path), then run pytest's
    ``__main__`` as ``python -m pytest`` does (it raises SystemExit)."""
    _become(request, path0)
    sys.argv = ["pytest", *request["args"]]
    runpy.run_module("pytest", run_name="__main__", alter_sys=True)


def _become(request: dict, path0: Any) -> None:
    """Take the cold run's folder, environment and ``sys.path[0]``; write no bytecode."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    if not getattr(sys.flags, "safe_path", False):
        sys.path[0] = path0 or os.getcwd()
    sys.dont_write_bytecode = True  # what PYTHONDONTWRITEBYTECODE did for the cold run
    importlib.invalidate_caches()  # the workspace changed since the server looked at it


def _report_modules(report: str, base: frozenset, own: Any, roots: list) -> None:
    """Write which modules of the project this run imported (``[name, file]``, in order),
    for the zygote: the project's own (``own``: :func:`_owner`'s rule), plain Python files,
    not the tests' (pytest rewrote test modules, and a zygote must not load them without
    it)."""
    prefixes = _prefixes(roots)
    found = []
    for name, module in list(sys.modules.items()):
        if name in base or name == "__main__":
            continue
        file = getattr(module, "__file__", None)
        real = own(file)
        loader = type(getattr(module, "__loader__", None)).__name__
        if (real.endswith(".py") and loader != "AssertionRewritingHook"
                and not _test_side(real, prefixes)):
            found.append([name, file])
    try:
        with open(report, "w") as out:
            json.dump(found, out)
    except OSError:
        pass


_TEST_FOLDERS = frozenset({"tests", "test", "testing"})


def _test_side(real: str, prefixes: tuple) -> bool:
    """Whether a file of the project (``real``, under one of the roots' ``prefixes``) is the
    tests' (a test folder's, a test module's name), as apr's test files are: such helpers
    may import ``conftest.py``, which only pytest may load (it rewrites it), so the zygote
    leaves them to the runs."""
    root = max((p for p in prefixes if real.startswith(p)), key=len)
    parts = real[len(root):].split(os.sep)
    name = parts[-1]
    return (bool(_TEST_FOLDERS.intersection(parts[:-1])) or name.startswith("test_")
            or name.endswith("_test.py") or name == "conftest.py")


def _owner(roots: Any) -> Any:
    """The one rule for what is the project's own module file: a function giving the real
    path of a module's ``__file__`` when it lies under ``roots`` and neither in the
    interpreter's folders nor in a ``site-packages`` (a virtualenv inside the project), else
    "" (also for no file, or one that is not a path: torch's ``torch.ops`` says
    ``_ops.py``, which is not a file of the working folder)."""
    prefixes = _prefixes(roots)
    installed = _prefixes((sys.prefix, sys.base_prefix))

    def own(file: Any) -> str:
        if not isinstance(file, str) or not os.path.isabs(file):
            return ""
        real = os.path.realpath(file)
        if (real.startswith(prefixes) and not real.startswith(installed)
                and "site-packages" not in real):
            return real
        return ""

    return own


def _prefixes(folders: Any) -> tuple:
    return tuple(os.path.join(os.path.realpath(folder), "") for folder in folders)


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
