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
"""

from __future__ import annotations

import json
import os
import signal
from typing import Any

import pytest

_MAX_TRACE = 6000


class TestTimeout(BaseException):  # noqa: N818 -- BaseException: a bare `except Exception` in
    """Raised inside a test that ran past its time."""  # the code under test must not swallow it


class _Recorder:
    def __init__(self, path: str, timeout: float) -> None:
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 -- closed at session end
        self.timeout = timeout
        self.tests: dict[str, dict[str, Any]] = {}

    def emit(self, record: dict[str, Any]) -> None:
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: object) -> Any:
        self.tests[item.nodeid] = {"kind": "test", "nodeid": item.nodeid, "outcome": "passed",
                                   "seconds": 0.0, "trace": ""}
        armed = self.timeout > 0 and hasattr(signal, "SIGALRM")
        if armed:
            previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            yield
        finally:
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
        self.out.close()


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
    recorder = _Recorder(path, float(os.environ.get("APR_TEST_TIMEOUT", "0") or 0))
    recorder.emit({"kind": "session", "rootdir": str(config.rootpath)})
    config.pluginmanager.register(recorder, "apr-recorder")
