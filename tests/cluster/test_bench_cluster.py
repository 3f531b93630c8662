"""`apr bench run --cluster`: bugs as tasks on a real scheduler and workers (separate processes).

Outcomes must equal a local run of the same bugs at the same settings; rows name the worker
that ran them; a worker that dies loses only its bug, run once more elsewhere, and a bug that
kills two workers is recorded as an error.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from apr.bench import open_suite
from apr.bench.runner import BenchSettings, run_suite
from apr.cli import main
from apr.cluster import connect
from apr.cluster.bench import STOP, cluster_runner
from apr.errors import UsageError
from tests.cluster.conftest import (
    FAST,
    Cluster,
    free_port,
    make_suite,
    start_cluster,
    wait_until,
)

SETTINGS = ["--fl", "perfect", "--budget", "40", "--time-limit", "60"]


def _rows(out: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(rows) == len({r["bug"] for r in rows}), "a bug written twice"
    return {r["bug"]: r for r in rows}


def _outcome(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["status"], row["plausible"], row["correct"], row["patch"]


@pytest.mark.slow
def test_bench_on_cluster_equals_local_run(tmp_path: Path, dask_cluster: Cluster,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    suite = make_suite(tmp_path / "suite")
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert main(["bench", "run", "manifest", "--path", str(suite), *SETTINGS, "--workers", "1",
                 "--out", str(local)]) == 0
    # --workers left out: one validation per bug by default on a cluster, as locally here
    base = [*SETTINGS, "--cluster", dask_cluster.address, "--out", str(remote)]
    assert main(["bench", "run", "manifest", "--path", str(suite), "--bugs", "adder",
                 *base]) == 0
    assert main(["bench", "run", "manifest", "--path", str(suite), *base]) == 0  # resumes
    here, there = _rows(local), _rows(remote)
    assert set(there) == set(here) == set(FAST)
    assert {b: _outcome(r) for b, r in there.items()} == {b: _outcome(r) for b, r in here.items()}
    assert any(r["correct"] for r in there.values())  # not four failures alike
    assert {r["worker"] for r in there.values()} == {"w1", "w2"}
    assert all(r["attempts"] == 1 for r in there.values())
    assert "on w" in capsys.readouterr().out
    meta = json.loads((remote / "run.json").read_text())
    assert meta["cluster"] == dask_cluster.address and meta["cluster_workers"] == 2
    assert meta["settings"]["workers"] == 1


def _attempts(client: Any) -> list[str]:
    """The workers that started the one bug of the run in progress (the scheduler's
    metadata that the tasks keep), first first."""
    runs = client.get_metadata(["apr"], None) or {}
    return next((list(w) for bugs in runs.values() for w in bugs.values()
                 if isinstance(w, (list, tuple))), [])


def _run_killing(tmp_path: Path, workers: int, kills: int) -> dict[str, Any]:
    """Run the slow bug on a cluster of its own with ``workers`` workers, killing the worker
    that runs it ``kills`` times, each once its attempt has started."""
    cluster = start_cluster(tmp_path / "dask", workers=workers)
    try:
        return _killing(cluster, make_suite(tmp_path / "suite", ["slow"]), tmp_path / "out",
                        kills)
    finally:
        cluster.stop()


def _killing(cluster: Cluster, suite_dir: Path, out: Path, kills: int) -> dict[str, Any]:
    suite = open_suite("manifest", suite_dir)
    settings = BenchSettings(fl="perfect", budget=5, time_limit=60, workers=1)
    records: list[dict[str, Any]] = []
    with connect(cluster.address) as client:
        thread = threading.Thread(target=lambda: records.extend(
            run_suite(suite, suite.bugs(), settings, out, runner=cluster_runner(client))))
        thread.start()
        killed: list[str] = []
        for _ in range(kills):
            wait_until(lambda: len(_attempts(client)) > len(killed), timeout=60)
            name = _attempts(client)[-1]
            cluster.workers[name].kill()
            killed.append(name)
        thread.join(timeout=180)
    assert not thread.is_alive()
    assert len(records) == 1
    return {**records[0], "killed": killed}


@pytest.mark.slow
def test_a_dead_worker_loses_only_its_bug(tmp_path: Path) -> None:
    record = _run_killing(tmp_path, workers=2, kills=1)
    assert record["status"] == "plausible" and record["correct"]
    assert record["attempts"] == 2
    assert record["worker"] != record["killed"][0]


@pytest.mark.slow
def test_a_bug_that_kills_two_workers_is_an_error(tmp_path: Path) -> None:
    record = _run_killing(tmp_path, workers=3, kills=2)
    assert record["status"] == "error"
    assert "workers died running this bug" in record["message"]
    assert record["worker"] not in record["killed"]


@pytest.mark.slow
def test_a_stopped_run_stops_its_running_bugs(tmp_path: Path, dask_cluster: Cluster) -> None:
    suite = open_suite("manifest", make_suite(tmp_path / "suite", ["slow"]))
    settings = BenchSettings(fl="perfect", budget=5, time_limit=60, workers=1)
    records: list[dict[str, Any]] = []
    with connect(dask_cluster.address) as client:
        thread = threading.Thread(target=lambda: records.extend(
            cluster_runner(client)(suite, suite.bugs(), settings)))
        thread.start()
        wait_until(lambda: _attempts(client) != [], timeout=60)
        runs = client.get_metadata(["apr"])
        token = next(t for t, bugs in runs.items() if isinstance(bugs.get("slow"), (list, tuple)))
        client.set_metadata(["apr", token, STOP], True)  # what an interrupted run does
        thread.join(timeout=60)
    assert not thread.is_alive()
    [record] = records
    assert record["status"] == "error" and "process died" in record["message"]
    # and no bug's process is left (those orphaned by the tests that kill workers neither)
    wait_until(lambda: subprocess.run(["pgrep", "-f", "apr.cluster.bug_process"],
                                      capture_output=True).stdout == b"", timeout=30)


def test_a_missing_model_stops_a_cluster_run_as_a_local_one(
        tmp_path: Path, dask_cluster: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    suite = make_suite(tmp_path / "suite", ["adder", "largest"])
    out = tmp_path / "out"
    code = main(["bench", "run", "manifest", "--path", str(suite), *SETTINGS, "--pipeline",
                 "gamma", "--model", str(tmp_path / "no-such-model"), "--cluster",
                 dask_cluster.address, "--out", str(out)])
    assert code == 2
    assert "no-such-model" in capsys.readouterr().err
    assert not (out / "results.jsonl").exists() or \
        (out / "results.jsonl").read_text() == ""  # no bug recorded as its own failure


def test_bad_addresses_are_usage_errors() -> None:
    for address in ("local:0", "scheduler:8786", "tcp://host"):
        with pytest.raises(UsageError, match="--cluster"):
            with connect(address):
                pass


def test_an_unreachable_scheduler_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="cannot reach the scheduler"):
        with connect(f"tcp://127.0.0.1:{free_port()}", timeout=2):
            pass


def test_a_scheduler_without_workers_is_a_usage_error(tmp_path: Path) -> None:
    cluster = start_cluster(tmp_path / "dask", workers=0)
    try:
        with pytest.raises(UsageError, match="has no worker"):
            with connect(cluster.address, timeout=2):
                pass
    finally:
        cluster.stop()


def test_without_distributed_cluster_is_a_usage_error(tmp_path: Path) -> None:
    """In an interpreter where ``import distributed`` fails, as without the extra."""
    code = ("import sys; sys.modules['distributed'] = None\n"
            "from apr.cli import main\n"
            f"sys.exit(main(['repair', {str(tmp_path)!r}, '--cluster', 'local:1']))")
    git_init = subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert git_init.returncode == 0
    (tmp_path / "test_x.py").write_text("def test_x():\n    assert False\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr
    assert "pip install 'apr[cluster]'" in done.stderr
