"""One bench bug in a process of its own: ``python -m apr.cluster.bug_process JOB OUT``.

JOB is a pickle of ``(suite, bug, settings)``; the bug's record (or the
:class:`~apr.errors.ModelUnavailable` that stops a bench run) is pickled into OUT. Started by
:func:`apr.cluster.bench.run_in_process` on a Dask worker. If that worker dies, the process
notices within a second (it is orphaned), kills its test commands and leaves, removing its run
folder: the bug is run again elsewhere.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from apr import proc, runfolder
from apr.bench.runner import run_bug
from apr.errors import ModelUnavailable

ORPHAN_POLL = 1.0  # seconds between checks that the worker is still there


def main(job: Path, out: Path) -> int:
    suite, bug, settings = pickle.loads(job.read_bytes())
    signal.signal(signal.SIGTERM, _interrupted)
    _watch_parent(os.getppid())
    try:
        with runfolder.claimed():  # the checkout too: nothing is left if the process is killed
            result: object = run_bug(suite, bug, settings)
    except ModelUnavailable as exc:
        result = exc
    except KeyboardInterrupt:
        return 143
    finally:
        proc.kill_all()
    out.write_bytes(pickle.dumps(result))
    return 0


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_POLL)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="apr-orphan-watch", daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
