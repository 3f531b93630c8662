"""`apr bench run --cluster`: each bug one Dask task, run in a process of its own on a worker.

The task (:func:`run_remote`) starts ``python -m apr.cluster.bug_process`` on the worker, which
repairs and judges the bug exactly as a local run does (:func:`apr.bench.runner.run_bug`, inside
its own run folder) and writes the record; the task adds the ``worker`` that ran it. A bug whose
process crashes is that bug's error, not the worker's. Records come back as they finish and are
appended to ``results.jsonl`` by :func:`apr.bench.runner.run_suite` (resumable as locally).

A worker that dies loses only the bug it was running: Dask gives the task to another worker,
and the task counts its attempts in the scheduler's metadata. The second attempt runs; a third
(the bug killed two workers) records an error instead of running again.
"""

from __future__ import annotations

import functools
import pickle
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from apr.bench.base import Benchmark, Bug
from apr.bench.runner import BenchSettings, Runner, failed_record
from apr.cluster import worker_name
from apr.errors import ModelUnavailable

ATTEMPTS = 2  # a bug's first run and its one retry after a worker died under it
STOP = "__stop__"  # the run's metadata key that tells its running bugs to stop
STOP_POLL = 2.0  # seconds between a running bug's looks at it


def cluster_runner(client: Any) -> Runner:
    """A :data:`apr.bench.runner.Runner` that runs each bug as a task on ``client``'s cluster."""
    return functools.partial(_run_all, client)


def _run_all(client: Any, suite: Benchmark, bugs: Sequence[Bug],
             settings: BenchSettings) -> Iterator[dict[str, Any]]:
    import distributed

    token = secrets.token_hex(6)
    futures = {client.submit(run_remote, suite, bug, settings, token, pure=False,
                             key=f"apr-bug-{token}-{i}"): bug for i, bug in enumerate(bugs)}
    try:
        for future in distributed.as_completed(futures):
            bug = futures[future]
            try:
                yield future.result()
            except ModelUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001 -- a lost task is that bug's error
                yield failed_record(bug, settings, f"the cluster lost this bug: "
                                    f"{type(exc).__name__}: {exc}")
    finally:  # done, or interrupted: bugs still running stop, those waiting never start
        try:  # the attempts are forgotten; the stop flag stays for the stragglers to see
            client.set_metadata(["apr", token], {STOP: True})
        except Exception:  # noqa: BLE001,S110 -- bookkeeping; the scheduler may be gone
            pass
        client.cancel(list(futures))


def run_remote(suite: Benchmark, bug: Bug, settings: BenchSettings,
               token: str) -> dict[str, Any]:
    """On a worker: run one bug in a fresh process and return its record."""
    import distributed

    client = distributed.get_client()
    here = worker_name()
    earlier = client.get_metadata(["apr", token, bug.id], None) or []
    client.set_metadata(["apr", token, bug.id], [*earlier, here])
    if len(earlier) >= ATTEMPTS:
        died = ", ".join(earlier)
        return {**failed_record(bug, settings, f"workers died running this bug ({died}); "
                                "not run again"), "worker": here, "attempts": len(earlier)}
    record = run_in_process(suite, bug, settings,
                            lambda: bool(client.get_metadata(["apr", token, STOP], False)))
    return {**record, "worker": here, "attempts": len(earlier) + 1}


def run_in_process(suite: Benchmark, bug: Bug, settings: BenchSettings,
                   stopped: Callable[[], bool] = lambda: False) -> dict[str, Any]:
    """:func:`apr.bench.runner.run_bug` in a child process; a child that dies is an error
    record naming how it died. ``stopped`` is asked every :data:`STOP_POLL` seconds: when it
    says so, the child is terminated (it kills its test commands and removes its files)."""
    with tempfile.TemporaryDirectory(prefix="apr-bug-") as tmp:
        job, out, log = (Path(tmp) / n for n in ("job.pickle", "record.pickle", "log"))
        job.write_bytes(pickle.dumps((suite, bug, settings)))
        with log.open("wb") as sink:
            child = subprocess.Popen([sys.executable, "-m", "apr.cluster.bug_process",
                                      str(job), str(out)], stdin=subprocess.DEVNULL,
                                     stdout=sink, stderr=subprocess.STDOUT)
            code = _wait(child, stopped)
        if code == 0 and out.exists():
            record: dict[str, Any] | ModelUnavailable = pickle.loads(out.read_bytes())
            if isinstance(record, ModelUnavailable):
                raise record  # not this bug's failure: the run stops, as locally
            return record
        how = f"signal {-code}" if code < 0 else f"exit status {code}"
        return {**failed_record(bug, settings, f"the bug's process died ({how})"),
                "traceback": log.read_bytes()[-2000:].decode("utf-8", "replace")}


def _wait(child: subprocess.Popen[bytes], stopped: Callable[[], bool]) -> int:
    while True:
        try:
            return child.wait(timeout=STOP_POLL)
        except subprocess.TimeoutExpired:
            if stopped():
                child.terminate()
                try:
                    return child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    return child.wait()
