"""`apr repair --cluster`: candidates tested on a real scheduler's workers (separate processes),
in warm workspaces cloned there from a git bundle of the snapshot; the same patches, in the same
order, as a local run; nothing left on the workers or in the user's tree afterwards."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from apr.cli import main
from apr.cluster import connect
from apr.cluster.validation import cluster_tests
from apr.model import RepairStatus
from apr.pipeline import RepairTask, repair, resolve_config
from tests.cluster.conftest import Cluster
from tests.conftest import BUGGY_STATS, git, tree_state, write_files

FLAGS = {"budget": 60, "max_patches": 3}


def _on_workers(address: str, what: str) -> dict[str, Any]:
    """Evaluate ``what`` (an expression over apr.cluster.validation as ``v`` and ``tempfile``)
    on every worker."""
    with connect(address) as client:
        return dict(client.run(lambda: eval(what, {  # noqa: S307 -- our own test expression
            "v": __import__("apr.cluster.validation", fromlist=["_states"]),
            "tempfile": __import__("tempfile"), "Path": __import__("pathlib").Path})))


def test_repair_on_cluster_equals_local_repair(buggy_repo: Path, dask_cluster: Cluster) -> None:
    before = tree_state(buggy_repo)
    config = resolve_config(buggy_repo, {**FLAGS, "workers": 2})
    local = repair(RepairTask(buggy_repo, config))
    remote = repair(RepairTask(buggy_repo, config, remote=cluster_tests(dask_cluster.address)))
    assert local.status is remote.status is RepairStatus.PLAUSIBLE
    assert [p.diff for p in remote.patches] == [p.diff for p in local.patches]
    assert "<= v <= high" in remote.patches[0].diff
    assert tree_state(buggy_repo) == before
    assert set(_on_workers(dask_cluster.address, "len(v._states)").values()) == {0}
    left = _on_workers(dask_cluster.address,
                       "list(Path(tempfile.gettempdir()).glob('apr-cluster-*'))")
    assert all(not found for found in left.values()), left


def test_cli_repair_on_cluster(buggy_repo: Path, dask_cluster: Cluster,
                               capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["repair", str(buggy_repo), "--cluster", dask_cluster.address,
                 "--budget", "60", "--max-patches", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "2 worker(s) at " + dask_cluster.address in out.err + out.out
    assert "+        if low <= v <= high:" in out.out


def test_ci_on_cluster(buggy_repo: Path, dask_cluster: Cluster, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    code = main(["ci", str(buggy_repo), "--cluster", dask_cluster.address, "--no-cache",
                 "--quiet", "--summary", str(summary), "--annotations"])
    assert code == 0
    assert "<= v <= high" in summary.read_text()


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_node_dependencies_reach_the_workers(tmp_path: Path, dask_cluster: Cluster) -> None:
    """The workers' clones link the user's git-ignored node_modules (the same path exists on
    them: the cluster runs on this machine)."""
    from tests.project.node_fixture import FIXED_TEXT, make_node_project

    root = make_node_project(tmp_path)
    test_file = root / "test" / "stats.test.js"
    test_file.write_text("const { ok } = require('helper');\n" + test_file.read_text())
    write_files(root / "node_modules" / "helper", {
        "index.js": "module.exports = { ok: true };\n",
        "package.json": '{"name": "helper", "main": "index.js"}\n'})
    git(root, "commit", "-qam", "uses helper")
    config = resolve_config(root, {**FLAGS, "max_patches": 1})
    result = repair(RepairTask(root, config, remote=cluster_tests(dask_cluster.address)))
    assert result.status is RepairStatus.PLAUSIBLE, result.message
    assert f"+{FIXED_TEXT}" in result.patches[0].diff


def test_cli_rejects_a_bad_address_before_any_test_runs(buggy_repo: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    for command in ("repair", "ci"):
        assert main([command, str(buggy_repo), "--cluster", "nowhere"]) == 2
        assert "expected tcp://HOST:PORT" in capsys.readouterr().err


SLOW_CONFTEST = """
import time

import pytest


@pytest.fixture(autouse=True)
def _slow():
    time.sleep(0.4)
"""


def _worker_dirs(client: Any) -> dict[str, list[str]]:
    """Per worker address, the folders of the runs it holds."""
    return dict(client.run(lambda: [str(s.dir) for s in __import__(
        "apr.cluster.validation", fromlist=["_states"])._states.values()]))


def _busy(client: Any) -> tuple[str, list[str]] | None:
    """A worker testing a candidate now, with the folders it holds."""
    processing = client.processing()
    return next(((a, d) for a, d in _worker_dirs(client).items() if d and processing.get(a)),
                None)


@pytest.mark.slow
def test_a_worker_killed_mid_repair_loses_nothing(make_repo: Any, tmp_path: Path) -> None:
    import threading

    from apr import runfolder
    from tests.cluster.conftest import start_cluster, wait_until

    repo = make_repo({**BUGGY_STATS, "conftest.py": SLOW_CONFTEST})
    cluster = start_cluster(tmp_path / "dask", workers=2)
    try:
        config = resolve_config(repo, {**FLAGS, "max_patches": 1, "search_on": 0})
        results: list[Any] = []

        def run() -> None:
            try:
                results.append(repair(RepairTask(repo, config,
                                                 remote=cluster_tests(cluster.address))))
            except Exception as exc:  # noqa: BLE001 -- shown by the assertion below
                results.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        with connect(cluster.address) as client:
            wait_until(lambda: _busy(client) is not None, timeout=120)
            address, dirs = _busy(client) or ("", [])
            name = client.scheduler_info(n_workers=-1)["workers"][address]["name"]
            cluster.workers[str(name)].kill()
        thread.join(timeout=300)
    finally:
        cluster.stop()
    [result] = results
    assert not isinstance(result, Exception), repr(result)
    assert result.status is RepairStatus.PLAUSIBLE
    assert "<= v <= high" in result.patches[0].diff
    runfolder.remove_dead(Path(dirs[0]).parent)  # what the next run on that machine does
    assert not Path(dirs[0]).exists()
