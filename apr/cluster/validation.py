"""`apr repair --cluster`: candidates tested on Dask workers, in warm workspaces kept there.

The coordinator (the machine running ``apr repair``) does everything but the candidates' test
runs: the snapshot, the baseline, localization, generation, and validation's decisions (rank
order, the budget, the deadline, ``max_patches``, equal programs answered once, the cache), in
:class:`apr.validate.validator.Validator`, which is handed a :class:`ClusterTests` as its
``remote``. Per candidate, one task (:func:`validate_remote`) runs on a worker.

The snapshot travels once: a git bundle of its commit is scattered to every worker with the
run's settings. On a worker, the first task of a run clones it, builds the run's test driver
(warm engine included) and keeps both, with the worktrees it makes, until the run ends
(:func:`drop_state`, sent to every worker) or the worker process exits. Tasks on one worker
share them as the local validator's threads do.
"""

from __future__ import annotations

import atexit
import dataclasses
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apr import proc, runfolder
from apr.config import RepairConfig
from apr.errors import AprError
from apr.model import Candidate, ValidationResult
from apr.project.base import TestDriver
from apr.project.workspace import Snapshot
from apr.validate.validator import Limits, Plan, WorkspacePool

ATTEMPTS = 3  # submissions of one candidate when the cluster loses its task


@dataclass(frozen=True, slots=True)
class Setup:
    """What every worker needs for one run, besides the bundle."""

    key: str  # the run's, unique
    project: str  # the project folder inside the repository ("" = the root)
    config: RepairConfig
    origin: str  # the user's repository on the coordinator (dependencies linked from there)


class ClusterTests:
    """The coordinator's side: a :data:`apr.validate.validator.Remote` on a Dask client."""

    def __init__(self, client: Any, snapshot: Snapshot, config: RepairConfig) -> None:
        from apr.cluster import threads

        self.client = client
        self.key = secrets.token_hex(8)
        self.threads = threads(client)
        with tempfile.TemporaryDirectory(prefix="apr-bundle-") as tmp:
            data = snapshot.bundle(Path(tmp) / "snapshot.bundle").read_bytes()
        self.bundle_bytes = len(data)
        self._data = [data, Setup(self.key, snapshot.user.project, config,
                                  str(snapshot.user.root))]
        self._shared: list[Any] = []
        self._plans: dict[int, tuple[Plan, Any]] = {}
        self._lock = threading.Lock()

    def __call__(self, candidate: Candidate, plan: Plan, limits: Limits,
                 index: int) -> ValidationResult:
        """Test ``candidate`` on a worker. A task the cluster lost (its worker died, its data
        went with it) is submitted again, up to :data:`ATTEMPTS` times in all.

        Raises:
            AprError: the cluster failed the candidate every time, or the task raised (a
                bad candidate is a result, never an exception: this is the worker's failure).
        """
        attempt = 1
        while True:
            bundle, setup = self._shared_data()
            task = self.client.submit(validate_remote, bundle, setup, self._plan(plan),
                                      candidate, limits, index, pure=False)
            try:
                result: ValidationResult = task.result()
                return dataclasses.replace(result, candidate=candidate)  # ours, not a copy
            except Exception as exc:
                if attempt >= ATTEMPTS or not _lost(exc):
                    raise AprError(f"--cluster: a worker could not test candidates "
                                   f"({type(exc).__name__}: {exc})") from exc
            attempt += 1

    def _shared_data(self) -> list[Any]:
        """The bundle and the setup on every worker (scattered again if the cluster lost
        them)."""
        with self._lock:
            if not self._shared or any(f.status != "finished" for f in self._shared):
                self._shared = self.client.scatter(self._data, broadcast=True, hash=False)
            return list(self._shared)

    def _plan(self, plan: Plan) -> Any:
        """The plan as data on the cluster, scattered once per plan object (and again if
        the cluster lost it)."""
        with self._lock:
            known = self._plans.get(id(plan))
            if known is None or known[0] is not plan or known[1].status != "finished":
                known = (plan, self.client.scatter(plan, broadcast=True, hash=False))
                self._plans[id(plan)] = known
            return known[1]

    def close(self) -> None:
        """Close every worker's driver and remove its clone and worktrees."""
        try:  # a worker that died meanwhile may still be listed: nothing of ours is left there
            self.client.run(drop_state, self.key, on_error="ignore")
        finally:
            self._plans.clear()
            self.client.cancel(self._shared)


def cluster_tests(address: str) -> Callable[[Snapshot, RepairConfig, Any],
                                            AbstractContextManager[ClusterTests]]:
    """A :data:`apr.pipeline.RemoteFactory`: the workers of the cluster at ``address``."""
    @contextmanager
    def opened(snapshot: Snapshot, config: RepairConfig, progress: Any) -> Iterator[ClusterTests]:
        from apr.cluster import connect

        with connect(address) as client:
            remote = ClusterTests(client, snapshot, config)
            progress.stage("cluster", f"{len(client.nthreads())} worker(s) at {address}, "
                           f"{remote.threads} candidate(s) at once; snapshot bundle "
                           f"{remote.bundle_bytes / 1e6:.1f} MB")
            try:
                yield remote
            finally:
                remote.close()

    return opened


def _lost(exc: Exception) -> bool:
    """Whether ``exc`` says the cluster lost a task (not that the task failed)."""
    from concurrent.futures import CancelledError

    from distributed.scheduler import KilledWorker

    return isinstance(exc, CancelledError | KilledWorker | OSError)


# --- the worker's side --------------------------------------------------------------------------


class _State:
    """One run on one worker: the cloned snapshot, the run's driver, the worktrees."""

    def __init__(self, bundle: bytes, setup: Setup) -> None:
        from apr.pipeline import driver_for, fence_of

        self._held = runfolder.Held.make()  # removed by the next run if this worker dies
        self.dir = self._held.folder
        self._exit = ExitStack()
        try:
            path = self.dir / "snapshot.bundle"
            path.write_bytes(bundle)
            self.snapshot = Snapshot.from_bundle(path, setup.project, base_dir=self.dir,
                                                 origin=Path(setup.origin))
            root = self.snapshot.repo_dir
            project = root / setup.project if setup.project else root
            self._exit.enter_context(proc.fenced(fence_of(setup.config)))
            self.driver: TestDriver = driver_for(setup.config, root, project)
            self.pool = WorkspacePool(self.snapshot)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        driver = getattr(self, "driver", None)
        try:
            if driver is not None:
                driver.close()
        finally:
            self._exit.close()
            self._held.release()


_states: dict[str, _State] = {}
_states_lock = threading.Lock()


def _state(bundle: bytes, setup: Setup) -> _State:
    with _states_lock:
        state = _states.get(setup.key)
        if state is None:
            state = _states[setup.key] = _State(bundle, setup)
        return state


def validate_remote(bundle: bytes, setup: Setup, plan: Plan, candidate: Candidate,
                    limits: Limits, index: int) -> ValidationResult:
    """On a worker: test one candidate in one of this run's warm workspaces."""
    state = _state(bundle, setup)
    return state.pool.run(state.driver, candidate, plan, limits, index)


def drop_state(key: str) -> bool:
    """On a worker: end run ``key`` here (driver closed, files removed); False if it never
    ran here."""
    with _states_lock:
        state = _states.pop(key, None)
    if state is None:
        return False
    state.close()
    return True


@atexit.register
def _drop_all() -> None:
    for key in list(_states):
        drop_state(key)
