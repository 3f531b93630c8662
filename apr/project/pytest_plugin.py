"""A pytest plugin that apr loads into the project's own pytest (``-p apr_pytest_plugin``).

It must run in whatever Python the project uses, so it imports nothing but the standard library
and pytest. It writes one JSON object per line to ``$APR_RESULTS``:

- ``{"kind": "session", "rootdir": ...}`` once at start;
- ``{"kind": "test", "nodeid", "outcome", "seconds", "trace"}`` per test (outcome is the worst of
  setup/call/teardown: failed > timeout > skipped > passed);
- ``{"kind": "error", "nodeid", "trace"}`` per collection error (syntax errors, import errors).

Lines are flushed as they are written, so a run killed at its time limit still tells what ran.
With ``$APR_TEST_TIMEOUT`` set, each test gets that many seconds (SIGALRM, main thread): a test
that hangs fails as ``timeout`` instead of stalling the whole run (buggy code loops forever).

With ``$APR_COVERAGE_ROOT`` set, each test record also carries ``"lines"``: the lines it ran
(setup, call and teardown) of the files under that directory, ``{real path: [line, ...]}``.
The plugin measures them itself, so the project's environment needs neither coverage.py nor
pytest-cov: ``sys.monitoring`` on Python 3.12+ (its own tool id, so coverage.py may run beside
it). Below 3.12 only one tracer can run, and a Python-level one slows CPU-heavy suites several
times over, so: when coverage.py already runs (the project's pytest-cov), each test is labelled
as one of its dynamic contexts and that context's lines are read back when the test ends; else,
when the environment has coverage.py with its C tracer, the plugin runs its own (contexts again,
read once at the end: ``{"kind": "coverage", "nodeid", "lines"}`` records); else
``sys.settrace``, chained to another tracer (a debugger) if one is set. That last one stops
tracing a function for the rest of a test once every line of its code has run in the test
(:func:`_lines_of`), so a hot function called millions of times costs a call event each, not
a Python call per line. ``$APR_COVERAGE_TRACER=settrace`` forces it (tests use it to cover
every path).
Lines run while pytest collects (at import time: module constants, class attributes) belong
to no test; they go, with each tracer, into one ``{"kind": "import", "lines"}`` record, and the
driver lets each test that ran a file cover its top-level ones too (:mod:`apr.project.py_init`).

With ``$APR_VALUES`` set (real paths joined by ``os.pathsep``), each test record also carries
``"values"``: what the functions of those files returned (or yielded) during the test, as
``{"function:digest": count}``, a digest per value (:class:`_Values`). apr compares them
between a buggy and a patched program (:mod:`apr.rank.behaviour`).
"""

from __future__ import annotations

import dis
import hashlib
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

_MAX_TRACE = 6000


class TestTimeout(BaseException):  # noqa: N818 -- BaseException: a bare `except Exception` in
    """Raised inside a test that ran past its time."""  # the code under test must not swallow it


class _Lines:
    """Per-test line coverage of the files under one directory (see the module docstring).

    The code must run on Python 3.8+: annotations stay strings (``from __future__``).
    """

    def __init__(self, root: str) -> None:
        self.root = os.path.join(os.path.realpath(root), "")
        self.wanted: dict[str, bool] = {}
        self.hits: set[tuple[str, int]] | None = None
        # settrace: per code object, the lines it ran in this test; the codes all of whose
        # lines ran (not traced again until the next test); each code's lines, once computed
        self.seen: dict[Any, set[int]] = {}
        self.done: set[Any] = set()
        self.lines: dict[Any, frozenset[int]] = {}
        self.monitoring: Any = getattr(sys, "monitoring", None)
        self.tool = -1
        self.previous: Any = None
        self.coverage: Any = None  # a running coverage.py, whose contexts we use
        self.context = ""
        forced = os.environ.get("APR_COVERAGE_TRACER") == "settrace"
        if forced:
            self.monitoring = None
        fast = forced or self.monitoring is not None  # nothing faster to look for
        self.own: Any = None if fast else _own_coverage(self.root)

    def keep(self, filename: str) -> bool:
        known = self.wanted.get(filename)
        if known is None:
            real = os.path.realpath(filename) if filename[:1] not in ("<", "") else ""
            known = real.startswith(self.root) and "site-packages" not in real
            self.wanted[filename] = known
        return known

    def start(self, nodeid: str) -> None:
        self.hits = set()
        if self.own is not None:
            self.own.switch_context(nodeid)
            return
        if self.monitoring is not None and self._monitor():
            return
        self.previous = sys.gettrace()
        self.coverage = _running_coverage() if self.previous is not None else None
        if self.coverage is not None:
            self.context = nodeid
            self.coverage.switch_context(nodeid)
            return
        self.seen, self.done = {}, set()
        sys.settrace(self._call)
        threading.settrace(self._call)

    def stop(self) -> dict[str, list]:
        hits, self.hits = self.hits or set(), None
        if self.own is not None:
            self.own.switch_context("")
            return {}  # read at the end: finish()
        if self.tool >= 0:
            self.monitoring.set_events(self.tool, 0)
        elif self.coverage is not None:
            return self._from_context()
        else:
            sys.settrace(self.previous)
            threading.settrace(self.previous)
            hits.update((code.co_filename, line) for code, lines in self.seen.items()
                        for line in lines)
            self.seen, self.done = {}, set()
        files: dict[str, list] = {}
        for filename, line in hits:
            files.setdefault(os.path.realpath(filename), []).append(line)
        return {f: sorted(set(lines)) for f, lines in files.items()}

    def finish(self) -> dict[str, dict[str, list]]:
        """nodeid -> {real path: lines} of our own coverage.py's contexts (else nothing)."""
        if self.own is None:
            return {}
        own, self.own = self.own, None
        own.stop()
        data = own.get_data()
        tests: dict[str, dict[str, list]] = {}
        for measured in data.measured_files():
            if not self.keep(measured):
                continue
            path = os.path.realpath(measured)
            for line, contexts in data.contexts_by_lineno(measured).items():
                for context in contexts:  # "": outside every test (imports)
                    tests.setdefault(context, {}).setdefault(path, []).append(line)
        return tests

    def _from_context(self) -> dict[str, list]:
        """The lines the running coverage.py recorded under this test's context."""
        cov, self.hits = self.coverage, None
        cov.switch_context("")
        data = cov.get_data()
        files: dict[str, list] = {}
        data.set_query_contexts(["^" + re.escape(self.context) + "$"])  # regexes, searched
        try:
            for measured in data.measured_files():
                lines = data.lines(measured) if self.keep(measured) else None
                if lines:
                    files[os.path.realpath(measured)] = sorted(lines)
        finally:
            data.set_query_contexts(None)
        return files

    # sys.monitoring (3.12+): LINE events, each location switched off after its first hit and
    # switched on again for the next test (restart_events)
    def _monitor(self) -> bool:
        mon = self.monitoring
        if self.tool < 0:
            free = [t for t in (3, 4, 5, 2) if mon.get_tool(t) is None]
            if not free:
                return False
            self.tool = free[0]
            mon.use_tool_id(self.tool, "apr")
            mon.register_callback(self.tool, mon.events.LINE, self._line_event)
        mon.restart_events()
        mon.set_events(self.tool, mon.events.LINE)
        return True

    def _line_event(self, code: Any, line: int) -> Any:
        hits = self.hits
        if hits is not None and self.keep(code.co_filename):
            hits.add((code.co_filename, line))
        return self.monitoring.DISABLE

    # sys.settrace: a local tracer only for frames of wanted files, chained to a previous one
    def _call(self, frame: Any, event: str, arg: Any) -> Any:
        theirs = self.previous(frame, event, arg) if self.previous is not None else None
        code = frame.f_code
        mine = self._local if code not in self.done and self.keep(code.co_filename) else None
        if theirs is None or mine is None:
            return theirs or mine
        return _both(theirs, mine)

    def _local(self, frame: Any, event: str, arg: Any) -> Any:
        if event != "line" or self.hits is None:
            return self._local
        code = frame.f_code
        seen = self.seen.get(code)
        if seen is None:
            seen = self.seen[code] = set()
        line = frame.f_lineno
        if line not in seen:
            seen.add(line)
            lines = self.lines.get(code)
            if lines is None:
                lines = self.lines[code] = _lines_of(code)
            if len(seen) >= len(lines) and lines <= seen:
                self.done.add(code)
                return None  # every line ran: stop tracing this frame
        return self._local


_BEFORE_RESUME = frozenset({"MAKE_CELL", "COPY_FREE_VARS", "RETURN_GENERATOR", "POP_TOP"})


def _lines_of(code: Any) -> frozenset[int]:
    """The lines of ``code`` a line event may report: every line one of its instructions is on,
    but, from 3.11, not those of the prologue (up to ``RESUME``), whose ``def`` line no event
    reports. A line left out that an event could report would make the tracer stop too early,
    so when in doubt a line is in (then the code is traced to the end of the test: slower,
    never wrong)."""
    if sys.version_info < (3, 11):  # noqa: UP036 -- runs in the project's Python, 3.7+
        return frozenset(line for _, line in dis.findlinestarts(code) if line)
    lines, prologue = set(), True
    for instruction in dis.get_instructions(code):
        if prologue:  # cells, free variables, a generator's start, then RESUME
            if instruction.opname in _BEFORE_RESUME:
                continue
            prologue = False
            if instruction.opname == "RESUME":
                continue
        line = instruction.positions.lineno if instruction.positions is not None else None
        if line:
            lines.add(line)
    return frozenset(lines)


def _own_coverage(root: str) -> Any:
    """A coverage.py measurement of ``root`` started now, when the environment has coverage.py
    (5+, with its C tracer) and none runs yet; else None."""
    if _running_coverage() is not None:
        return None
    try:
        import coverage
        from coverage.tracer import CTracer  # noqa: F401 -- the C tracer: else no faster
    except ImportError:
        return None
    if not hasattr(coverage.Coverage, "switch_context"):
        return None
    try:
        own = coverage.Coverage(data_file=None, include=[os.path.join(root, "*")],
                                omit=["*/site-packages/*"], config_file=False, branch=False)
        own.start()
    except Exception:  # noqa: BLE001 -- any failure of an old coverage.py: settrace instead
        return None
    return own


def _running_coverage() -> Any:
    """The coverage.py measurement running in this process (pytest-cov's), if any."""
    module = sys.modules.get("coverage")
    current = getattr(getattr(module, "Coverage", None), "current", None)
    return current() if callable(current) else None


def _both(theirs: Callable[..., Any], mine: Callable[..., Any]) -> Callable[..., Any]:
    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal theirs
        theirs = theirs(frame, event, arg) if theirs is not None else None
        mine(frame, event, arg)
        return trace

    return trace


class _Values:
    """What the functions of some files return during a test (``sys.setprofile``, beside any
    line tracer): per test, a count per function name and digest of the value.

    A value is written so that the same value gives the same text in another process: object
    addresses left out, sets sorted, containers cut at :data:`_MAX_ITEMS` items and nesting at
    3 levels, the text at :data:`_MAX_TEXT` characters. An object whose class has its own
    ``__repr__`` is written by it (one that fails is written by its class's name), any other by
    its class's name alone. At most :data:`_MAX_VALUES` returns are counted per test, and at most
    :data:`_MAX_REPRS` values are written by their own ``__repr__`` (a data frame's costs
    milliseconds); later ones by their class's name. Both limits are counts, not times, so two
    runs of the same code record the same values.
    """

    def __init__(self, files: list[str]) -> None:
        self.files = frozenset(os.path.realpath(f) for f in files if f)
        self.wanted: dict[str, bool] = {}
        self.counts: dict[str, int] | None = None
        self.taken = 0
        self.reprs = [0]  # the __repr__ calls left in this test (a list: _value_text counts)
        self.previous: Any = None

    def start(self) -> None:
        self.counts, self.taken, self.reprs = {}, 0, [_MAX_REPRS]
        self.previous = sys.getprofile()
        sys.setprofile(self._event)

    def stop(self) -> dict[str, int]:
        sys.setprofile(self.previous)
        counts, self.counts = self.counts or {}, None
        return counts

    def _event(self, frame: Any, event: str, arg: Any) -> None:
        # code run while a value is written (a __repr__) is not seen: Python does not call a
        # profile function from inside itself
        if event != "return" or self.counts is None:
            return
        code = frame.f_code
        known = self.wanted.get(code.co_filename)
        if known is None:
            known = self.wanted[code.co_filename] = os.path.realpath(
                code.co_filename) in self.files
        if not known or self.taken >= _MAX_VALUES:
            return
        try:
            text = _value_text(arg, 0, self.reprs).encode("utf-8", "replace")
        except Exception:  # noqa: BLE001 -- raised here, it would surface in the project's code
            text = type(arg).__name__.encode()
        key = code.co_name + ":" + hashlib.blake2b(text, digest_size=8).hexdigest()
        self.counts[key] = self.counts.get(key, 0) + 1
        self.taken += 1


_MAX_VALUES = 20000
_MAX_REPRS = 2000
_MAX_ITEMS = 50
_MAX_TEXT = 300
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_PLAIN = (type(None), bool, int, float, complex, str, bytes)


def _value_text(value: Any, depth: int, reprs: list[int]) -> str:
    """``value`` written the same way in every process (see :class:`_Values`); ``reprs[0]``:
    how many more values may be written by their own ``__repr__``."""
    if isinstance(value, (str, bytes)):  # cut before repr: a long text costs its length
        return repr(value[:_MAX_TEXT]) + (f"+{len(value)}" if len(value) > _MAX_TEXT else "")
    if isinstance(value, _PLAIN):
        return repr(value)[:_MAX_TEXT]  # an int of more than 4300 digits raises: _event
    if depth >= 3:
        return type(value).__name__
    if isinstance(value, (list, tuple)):
        inner = ",".join(_value_text(v, depth + 1, reprs) for v in value[:_MAX_ITEMS])
        return f"{type(value).__name__}[{len(value)}:{inner}]"
    if isinstance(value, dict):
        inner = ",".join(_value_text(k, depth + 1, reprs) + ":" + _value_text(v, depth + 1, reprs)
                         for k, v in list(value.items())[:_MAX_ITEMS])
        return f"{type(value).__name__}{{{len(value)}:{inner}}}"
    if isinstance(value, (set, frozenset)):
        if len(value) > 20 * _MAX_ITEMS:
            return f"{type(value).__name__}({len(value)})"
        inner = ",".join(sorted(_value_text(v, depth + 1, reprs) for v in value)[:_MAX_ITEMS])
        return f"{type(value).__name__}{{{len(value)}:{inner}}}"
    kind = type(value)
    if getattr(kind, "__repr__", object.__repr__) is object.__repr__ or reprs[0] <= 0:
        return kind.__name__
    reprs[0] -= 1
    try:
        return _ADDRESS.sub("", repr(value))[:_MAX_TEXT]
    except Exception:  # noqa: BLE001 -- the project's __repr__ may fail in any way
        return kind.__name__


class _Recorder:
    def __init__(self, path: str, timeout: float, lines: _Lines | None = None,
                 values: _Values | None = None) -> None:
        # one write(2) per record on an O_APPEND descriptor: records of pytest-xdist's worker
        # processes, appending to the same file, never interleave
        self.out = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.timeout = timeout
        self.lines = lines
        self.values = values
        self.tests: dict[str, dict[str, Any]] = {}
        self.session: dict[str, Any] = {}
        self.imports: dict[str, Any] | None = None  # the import-time lines' record

    def emit(self, record: dict[str, Any]) -> None:
        os.write(self.out, (json.dumps(record) + "\n").encode("utf-8"))

    def rebind(self, path: str, timeout: float) -> None:
        """Write to ``path`` from now on, starting with the session record, and give each test
        ``timeout`` seconds (a run forked from a kept session, apr_pytest_session, whose
        configuration wrote to another file and may have had another timeout)."""
        self.timeout = timeout
        os.close(self.out)
        self.out = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.emit(self.session)
        if self.imports is not None:  # collected once, before the fork: still this run's
            self.emit(self.imports)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """The lines run while collecting (see :meth:`_Lines.start`, called at configure)."""
        if self.lines is None:
            return
        files = self.lines.stop()
        if files:
            self.imports = {"kind": "import", "lines": files}
            self.emit(self.imports)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: object) -> Any:
        self.tests[item.nodeid] = {"kind": "test", "nodeid": item.nodeid, "outcome": "passed",
                                   "seconds": 0.0, "trace": ""}
        armed = self.timeout > 0 and hasattr(signal, "SIGALRM")
        if armed:
            previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
        if self.lines is not None:
            self.lines.start(item.nodeid)
        if self.values is not None:
            self.values.start()
        try:
            yield
        finally:
            if self.values is not None:
                self.tests[item.nodeid]["values"] = self.values.stop()
            if self.lines is not None:
                self.tests[item.nodeid]["lines"] = self.lines.stop()
            if armed:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        self.emit(self.tests.pop(item.nodeid))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = self.tests.get(report.nodeid)
        if record is None:
            return
        record["seconds"] += report.duration
        outcome = _phase_outcome(report)
        if _RANK[outcome] > _RANK[record["outcome"]]:
            record["outcome"] = outcome
            if outcome in ("failed", "timeout"):
                record["trace"] = str(report.longrepr)[-_MAX_TRACE:]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.emit({"kind": "error", "nodeid": report.nodeid,
                       "trace": str(report.longrepr)[-_MAX_TRACE:]})

    def pytest_sessionfinish(self) -> None:
        if self.lines is not None:
            for nodeid, files in self.lines.finish().items():
                self.emit({"kind": "coverage", "nodeid": nodeid, "lines": files} if nodeid
                          else {"kind": "import", "lines": files})
        os.close(self.out)


_RANK = {"passed": 0, "skipped": 1, "timeout": 2, "failed": 3}


def _phase_outcome(report: pytest.TestReport) -> str:
    if report.failed:
        text = str(report.longrepr)
        return "timeout" if "TestTimeout" in text else "failed"
    if report.skipped:
        return "skipped" if report.when == "setup" else "passed"
    return "passed"


def _on_alarm(signum: int, frame: object) -> None:
    raise TestTimeout("test ran past APR_TEST_TIMEOUT")


def pytest_configure(config: pytest.Config) -> None:
    path = os.environ.get("APR_RESULTS")
    if not path:
        return
    root = os.environ.get("APR_COVERAGE_ROOT")
    values = os.environ.get("APR_VALUES")
    recorder = _Recorder(path, float(os.environ.get("APR_TEST_TIMEOUT", "0") or 0),
                         _Lines(root) if root else None,
                         _Values(values.split(os.pathsep)) if values else None)
    root_dir = getattr(config, "rootpath", None) or getattr(config, "rootdir", "")
    recorder.session = {"kind": "session", "rootdir": str(root_dir)}
    recorder.emit(recorder.session)
    config.pluginmanager.register(recorder, "apr-recorder")
    if recorder.lines is not None:
        recorder.lines.start("")  # until pytest_collection_finish: the imports' lines
