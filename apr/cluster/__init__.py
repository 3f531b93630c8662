"""apr on a Dask cluster: bench runs (one bug per task) and repair's validation (candidates
validated in warm workspaces on the workers).

``distributed`` is an optional extra (``pip install 'apr[cluster]'``), imported only when a
``--cluster`` address is given. Addresses:

- ``tcp://HOST:PORT`` (or ``tls://``, any scheme Dask speaks): a scheduler that is already
  running, with its workers (``dask scheduler``, ``dask worker``, dask-ssh, dask-kubernetes);
- ``local:N``: a ``LocalCluster`` of N worker processes of one thread each, made for this run
  and stopped after it.

Workers need apr (the same version) and the project's toolchain; the paths a task names (a
bench suite's checkout) must exist on them at the same place. See docs/cluster.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apr.errors import UsageError

CONNECT_TIMEOUT = 20.0  # seconds to reach a scheduler
LOCAL = re.compile(r"local:(\d+)")


def check_address(address: str) -> None:
    """Raise UsageError unless ``address`` is ``local:N`` (N >= 1) or ``SCHEME://HOST:PORT``."""
    if (m := LOCAL.fullmatch(address)) is not None:
        if int(m.group(1)) < 1:
            raise UsageError(f"--cluster {address}: a local cluster needs at least one worker")
        return
    if not re.fullmatch(r"[a-z+]+://[^\s/]+:\d+/?", address):
        raise UsageError(f"--cluster {address!r}: expected tcp://HOST:PORT (a running Dask "
                         "scheduler) or local:N (N local worker processes)")


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError("--cluster needs Dask's distributed package: "
                         "pip install 'apr[cluster]'") from None
    return distributed


@contextmanager
def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A ``distributed.Client`` for ``address``; a ``local:N`` cluster lives as long as it.

    Raises:
        UsageError: a malformed address, ``distributed`` not installed, a scheduler that cannot
            be reached within ``timeout`` seconds, or one with no worker after as long.
    """
    check_address(address)
    distributed = _distributed()
    if (m := LOCAL.fullmatch(address)) is not None:
        with distributed.LocalCluster(n_workers=int(m.group(1)), threads_per_worker=1,
                                      processes=True, dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"--cluster {address}: cannot reach the scheduler ({exc})") from None
    with client:
        if not client.nthreads():
            try:
                client.wait_for_workers(1, timeout=timeout)
            except TimeoutError:
                raise UsageError(f"--cluster {address}: the scheduler has no worker") from None
        yield client


def threads(client: Any) -> int:
    """How many tasks the cluster runs at once (the sum of its workers' threads)."""
    return max(sum(client.nthreads().values()), 1)


def worker_name() -> str:
    """The Dask worker running the calling task: its name when it was given one, else its
    address."""
    import distributed

    worker = distributed.get_worker()
    name = str(worker.name)
    return name if name and not name.isdigit() else str(worker.address)
