"""A real Dask cluster for the tests: a scheduler and workers started as separate processes
(``dask scheduler``, ``dask worker``), and a small manifest suite of one-token Python bugs."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import git, write_files

pytest.importorskip("distributed")

DASK = [sys.executable, "-m", "dask"]  # when the `dask` script is not beside the interpreter


@dataclass
class Cluster:
    """A scheduler and its workers, each a process of its own."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def stop(self) -> None:
        for proc in [*self.workers.values(), self.scheduler]:
            proc.kill()
            proc.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask(*args: str, log: Path) -> subprocess.Popen[bytes]:
    exe = shutil.which("dask", path=str(Path(sys.executable).parent))
    argv = [exe, *args] if exe else [*DASK, *args]
    return subprocess.Popen(argv, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)


def start_cluster(folder: Path, workers: int) -> Cluster:
    """``dask scheduler`` on a free port and ``workers`` ``dask worker`` processes (one
    thread, no nanny: a killed worker stays dead), named w1, w2...; waits until all joined."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port),
                      "--no-dashboard", log=folder / "scheduler.log")
    cluster = Cluster(address, scheduler)
    try:
        for i in range(1, workers + 1):
            cluster.workers[f"w{i}"] = _dask(
                "worker", address, "--nthreads", "1", "--name", f"w{i}", "--no-nanny",
                "--no-dashboard", "--local-directory", str(folder / f"w{i}"),
                log=folder / f"w{i}.log")
        with Client(address, timeout=60) as client:  # the scheduler is up
            if workers:
                client.wait_for_workers(workers, timeout=120)
    except BaseException:
        cluster.stop()
        raise
    return cluster


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = start_cluster(tmp_path_factory.mktemp("dask"), workers=2)
    try:
        yield cluster
    finally:
        cluster.stop()


BUGS = {
    "adder": ("calc.py", "def add(a, b):\n    return a - b\n",
              "def add(a, b):\n    return a + b\n",
              "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
              "def test_zero():\n    assert add(0, 0) == 0\n"),
    "largest": ("pick.py", "def largest(xs):\n    best = xs[0]\n    for x in xs:\n"
                "        if x < best:\n            best = x\n    return best\n",
                "def largest(xs):\n    best = xs[0]\n    for x in xs:\n"
                "        if x > best:\n            best = x\n    return best\n",
                "from pick import largest\n\n\ndef test_largest():\n"
                "    assert largest([3, 9, 4]) == 9\n\n\ndef test_one():\n"
                "    assert largest([7]) == 7\n"),
    "countdown": ("count.py", "def countdown(n):\n    return list(range(n, 0, -1))[1:]\n",
                  "def countdown(n):\n    return list(range(n, 0, -1))\n",
                  "from count import countdown\n\n\ndef test_three():\n"
                  "    assert countdown(3) == [3, 2, 1]\n\n\ndef test_none():\n"
                  "    assert countdown(0) == []\n"),
    "greeting": ("greet.py", "def greet(name):\n    return 'Hello, ' + name + '?'\n",
                 "def greet(name):\n    return 'Hello, ' + name + '!'\n",
                 "from greet import greet\n\n\ndef test_greet():\n"
                 "    assert greet('Ada') == 'Hello, Ada!'\n"),
    "slow": ("slow.py", "def add(a, b):\n    return a - b\n",
             "def add(a, b):\n    return a + b\n",
             "import time\n\nfrom slow import add\n\n\ndef test_slow():\n    time.sleep(1)\n"
             "    assert add(2, 3) == 5\n\n\ndef test_also_slow():\n    time.sleep(1)\n"
             "    assert add(0, 0) == 0\n"),
}
"""name -> (module, buggy text, fixed text, tests); the first test fails on the buggy text."""


FAST = ["adder", "largest", "countdown", "greeting"]


def make_suite(root: Path, names: list[str] | None = None) -> Path:
    """A manifest suite (bug.toml, buggy/, fix.patch per bug) of the one-token bugs above
    (default: the fast ones)."""
    for name in names or FAST:
        module, buggy, fixed, tests = BUGS[name]
        bug = root / name
        tree = bug / "buggy"
        write_files(tree, {module: buggy, f"test_{name}.py": tests})
        work = root / f".{name}-git"
        shutil.copytree(tree, work)
        git(work, "init", "-q")
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", "buggy")
        (work / module).write_text(fixed, encoding="utf-8")
        (bug / "fix.patch").write_text(git(work, "diff"), encoding="utf-8")
        shutil.rmtree(work)
        first = tests.split("def ")[1].split("(")[0]
        (bug / "bug.toml").write_text(
            f'id = "{name}"\nlanguage = "python"\npatch = "fix.patch"\n'
            f'failing_tests = ["test_{name}.py::{first}"]\n', encoding="utf-8")
    return root


def wait_until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")
