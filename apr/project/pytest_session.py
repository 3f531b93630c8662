"""The warm pytest worker's kept sessions: pytest configured and the tests collected once, each
candidate's run forked from there. Runs in the project's interpreter (Python 3.8+, the
standard library and pytest only), next to ``apr_pytest_forkserver``, which drives it.

Even forked from a server that has pytest and the project loaded, a run pays for pytest's
own start-up: its configuration (registering some forty plugins, scanning them for fixtures,
reading the ini file) and the collection of the test files, most of a short run. A kept
session is a process that went that far once, for one set of test arguments, and stopped at
the test loop (:class:`Loop`, a ``pytest_runtestloop`` hook that runs first). Each run is a
child forked there: it swaps the candidate's function bodies in (as the project zygote's runs
do), points apr's recorder and pytest's output capture at its own files (:func:`prepare`),
and returns into pytest, which runs the collected tests, reports and exits as a cold run
would.

A session is not kept when (:func:`unfit`) collection failed or stopped the session,
pytest-xdist distributes the tests, a thread runs, or this pytest lacks a part the runs
re-point (the capture manager's global capturing, apr's recorder).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import pytest


class Loop:
    """A pytest plugin: at the test loop, after collection, hand the session to ``serve``,
    which returns only in a run's child (ready to run the tests, :func:`prepare` done), or
    ends the process."""

    def __init__(self, serve: Callable[[Any, str], None]) -> None:
        self.serve = serve

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: Any) -> None:
        self.serve(session, unfit(session))
        # returning None lets pytest's own test loop run the collected items in this child


def unfit(session: Any) -> str:
    """Why runs forked from this collected ``session`` would not be cold runs ("" if none)."""
    config = session.config
    if session.testsfailed:
        return "collection reported errors"
    if session.shouldfail or session.shouldstop:
        return "collection stopped the session"
    if config.pluginmanager.hasplugin("dsession") or getattr(config.option, "dist", "no") != "no":
        return "pytest-xdist distributes the tests"
    if threading.active_count() > 1:
        return "a thread runs after collection"
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None and not all(hasattr(capture, name) for name in (
            "_global_capturing", "stop_global_capturing", "start_global_capturing",
            "suspend_global_capture")):
        return "this pytest's capture manager is not the one known"
    if not hasattr(config.pluginmanager.get_plugin("apr-recorder"), "rebind"):
        return "apr's recorder is not loaded"
    return ""


def prepare(session: Any, results: str, timeout: float, exitfirst: bool) -> None:
    """In a run's child, its output already on fds 1 and 2: apr's recorder writes to
    ``results`` and gives each test ``timeout`` seconds, pytest stops at the first failure
    when ``exitfirst`` (``-x``: the session was configured without it), and pytest's global
    capture saves fds 1 and 2 as they are now (else, between tests, it would put back the
    session's) in fresh files of its own (the session's are shared with every run forked
    from it)."""
    config = session.config
    config.pluginmanager.get_plugin("apr-recorder").rebind(results, timeout)
    if exitfirst:
        config.option.maxfail = 1
    _restart_clock(config.pluginmanager.getplugin("terminalreporter"))
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is None or capture._global_capturing is None:
        return
    out = os.dup(1)
    try:
        capture.stop_global_capturing()  # restores the session's fds 1 and 2
        os.dup2(out, 1)
        os.dup2(out, 2)
    finally:
        os.close(out)
    capture.start_global_capturing()
    capture.suspend_global_capture()  # as pytest leaves it between collection and the loop


def narrow(session: Any, ids: list) -> str:
    """In a run's child forked from the whole suite's session: run only the items ``ids``
    name, in their order, as pytest runs test ids named on its command line (duplicates
    once); the first id that names no collected item ("" if none), and then nothing
    changes (the run goes elsewhere)."""
    by_id: dict = {}
    for item in session.items:
        by_id.setdefault(item.nodeid, item)
    chosen: dict = {}
    for test in ids:
        if test not in by_id:
            return str(test)
        chosen.setdefault(test, by_id[test])
    session.items[:] = list(chosen.values())
    session.testscollected = len(session.items)
    return ""


def _restart_clock(reporter: Any) -> None:
    """The summary's "in 0.12s" counts from this run's start, not the session's."""
    if hasattr(reporter, "_session_start"):  # pytest 8.4+: a timing.Instant
        reporter._session_start = type(reporter._session_start)()
    elif hasattr(reporter, "_sessionstarttime"):
        from _pytest import timing

        reporter._sessionstarttime = timing.time()
