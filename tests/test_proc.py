from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from apr import proc


def test_run_captures_output_and_code(tmp_path: Path) -> None:
    res = proc.run([sys.executable, "-c", "import sys; print('hi'); sys.exit(3)"], cwd=tmp_path)
    assert res.returncode == 3 and "hi" in res.output and not res.timed_out and not res.ok


def test_timeout_kills_grandchildren(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    script = (f"import subprocess, sys, time\n"
              f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
              f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
              f"time.sleep(60)\n")
    started = time.monotonic()
    res = proc.run([sys.executable, "-c", script], cwd=tmp_path, timeout=1.5)
    assert res.timed_out and res.returncode is None
    assert time.monotonic() - started < 10
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(grandchild):
        time.sleep(0.05)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_started_process_talks_and_stop_ends_its_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    script = (f"import subprocess, sys, time\n"
              f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
              f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
              f"print(sys.stdin.readline().upper(), end='', flush=True)\n"
              f"time.sleep(60)\n")
    child = proc.start_tests([sys.executable, "-c", script], cwd=tmp_path)
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(b"ping\n")
    child.stdin.flush()
    assert child.stdout.readline() == b"PING\n"
    assert child in proc._live
    proc.stop(child)
    assert child not in proc._live and child.poll() is not None
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(grandchild):
        time.sleep(0.05)
    assert not _alive(grandchild)
