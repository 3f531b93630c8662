"""The fence around test commands: no network, limited memory, no orphans, nothing left behind.

Real namespaces and limits (``unshare``, ``prlimit``, ``setpriv`` from util-linux): the tests
that need a network namespace are skipped where the machine does not allow one.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from apr import proc, runfolder
from apr.fence import Fence, network_isolated
from apr.model import TestRun, TestStatus
from apr.project.pytest_driver import PytestDriver
from apr.project.workspace import Snapshot, UserRepo
from tests.conftest import BUGGY_STATS, RepoFactory

needs_netns = pytest.mark.skipif(not network_isolated(Fence()),
                                 reason="no network namespace allowed here")


def run_fenced(repo: Path, fence: Fence) -> TestRun:
    """The suite of ``repo`` run once inside ``fence``, set up as apr.pipeline.repair does."""
    with runfolder.claimed(), proc.fenced(fence):
        snap = Snapshot(UserRepo.locate(repo))
        driver = PytestDriver(f"{sys.executable} -m pytest")
        try:
            ws = snap.workspace("w")
            return driver.run(ws.project_dir, ws.root, timeout=60, test_timeout=30)
        finally:
            driver.close()
            snap.close()


def gone(pattern: str, wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode != 0:
            return True
        time.sleep(0.2)
    return False


@needs_netns
def test_tests_cannot_reach_a_listener_on_loopback(make_repo: RepoFactory) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    test = f'''
        import socket


        def test_connects():
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
            except OSError:
                pass
        '''
    run = run_fenced(make_repo({"tests/test_net.py": test}), Fence())
    assert run.outcomes == {"tests/test_net.py::test_connects": TestStatus.PASSED}
    with pytest.raises(TimeoutError):
        server.accept()
    server.close()


def test_a_test_that_allocates_6_gib_fails_under_a_1_gib_limit(make_repo: RepoFactory) -> None:
    test = '''
        def test_allocates():
            block = bytearray(6 * 2**30)
            assert len(block)
        '''
    run = run_fenced(make_repo({"tests/test_mem.py": test}), Fence(memory_mb=1024))
    assert run.outcomes == {"tests/test_mem.py::test_allocates": TestStatus.FAILED}
    assert "MemoryError" in run.traces["tests/test_mem.py::test_allocates"]


def test_daemons_started_by_tests_do_not_outlive_the_run(make_repo: RepoFactory) -> None:
    test = '''
        import subprocess


        def test_starts_a_server():
            subprocess.Popen(["sleep", "313.25"], start_new_session=True)
        '''
    run = run_fenced(make_repo({"tests/test_daemon.py": test}), Fence())
    assert run.outcomes == {"tests/test_daemon.py::test_starts_a_server": TestStatus.PASSED}
    assert gone("sleep 313.25")


def test_kill_9_leaves_no_process_and_the_next_run_cleans_up(make_repo: RepoFactory,
                                                             tmp_path: Path) -> None:
    slow = {**BUGGY_STATS, "tests/test_slow.py": '''
        import subprocess


        def test_slow():
            subprocess.run(["sleep", "314.5"])
        '''}
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    apr = subprocess.Popen([sys.executable, "-m", "apr.cli", "repair", str(make_repo(slow)),
                            "--quiet"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        _wait_for("sleep 314.5")
        os.kill(apr.pid, signal.SIGKILL)
        apr.wait()
        assert gone("sleep 314.5")
    finally:
        if apr.poll() is None:
            apr.kill()
    runs = tmp_path / "apr-runs"
    assert [p for p in runs.iterdir()]  # the killed run's folder is still there
    fixed = BUGGY_STATS["stats/summary.py"].replace("low <= v < high", "low <= v <= high")
    done = subprocess.run([sys.executable, "-m", "apr.cli", "repair", "--quiet",
                           str(make_repo({**BUGGY_STATS, "stats/summary.py": fixed}))],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not runs.exists()  # the dead run's folder, then the next run's own: all gone


def _wait_for(pattern: str, wait: float = 60.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode == 0:
            return True
        time.sleep(0.2)
    raise AssertionError(f"no process {pattern!r} started")


def test_run_folders_of_dead_runs_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / "123-dead"
    dead.mkdir()
    (dead / "lock").write_text("123\n")  # nobody holds its lock
    (dead / "snapshot").mkdir()
    with runfolder.claimed(tmp_path) as mine:
        assert not dead.exists()
        assert runfolder.remove_dead(tmp_path) == []  # ours is alive: kept
        assert mine.exists() and runfolder.current() == mine
    assert not mine.exists() and runfolder.current() is None


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_bwrap_leaves_only_the_workspace_writable(make_repo: RepoFactory, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    test = f'''
        from pathlib import Path


        def test_writes():
            Path("inside.txt").write_text("ok")
            Path("/tmp/private.txt").write_text("ok")
            try:
                Path({str(outside)!r}).write_text("escaped")
            except OSError:
                pass
        '''
    run = run_fenced(make_repo({"tests/test_fs.py": test}), Fence(sandbox="bwrap"))
    assert run.outcomes == {"tests/test_fs.py::test_writes": TestStatus.PASSED}
    assert not outside.exists()
    assert not Path("/tmp/private.txt").exists()
