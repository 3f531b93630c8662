"""One validated configuration per run.

Resolved, later wins: defaults < the pipeline file < ``[tool.apr]`` in the project's
``pyproject.toml`` < ``apr.toml`` in the project < environment (``APR_<FIELD>``) < command-line
flags. Nothing is read at import time; :func:`resolve` does all the reading.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apr.errors import UsageError


@dataclass(frozen=True, slots=True)
class RepairConfig:
    """Everything one repair run is told. Times are seconds."""

    test_command: str | None = None
    python: str | None = None  # the project's interpreter or virtualenv; None = found
    driver: str | None = None  # test driver name; None = detected from the project
    language: str = "auto"  # "auto": from the project's files (apr.lang.detect_language)
    pipeline: str = "default"
    fl: str = "ochiai"
    budget: int = 1000  # candidates validated, at most
    time_limit: float = 1800.0  # whole run, wall clock
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    # plausible patches wanted. Once the first is found, the search goes on for the others
    # with at most `search_on` of the budget and of the time then left, candidates at the same
    # place and of the same family first (apr.pipeline.search_on); 0: no such phase, the
    # search stops after max_patches plausible patches, in rank order, within the whole budget
    max_patches: int = 5
    search_on: float = 0.25
    # plausible patches ordered by the correctness estimate (apr.rank: anti-patterns,
    # localization, size, naturalness); off: in the order validation found them
    rank_patches: bool = True
    # with two plausible patches or more, each runs the passing tests covering its files once
    # more with coverage, beside the original program (apr.pipeline.observed): the estimate's
    # behaviour part; off: no such runs (they cost seconds a patch on a large Java project)
    observe_patches: bool = True
    max_hunks: int = 30  # suspicious statements considered for generation
    max_candidates: int = 5000  # candidates kept after ranking, before validation
    test_timeout: float = 60.0  # one test, during the baseline run
    suite_timeout: float = 900.0  # the whole baseline test run
    # the tests the patch must fix (apr.validate.expect); () = every failing test that is not
    # flaky. After them, only the tests covering the changed files (select_tests), and a
    # plausible patch passes the whole suite once (full_check)
    failing: tuple[str, ...] = ()
    select_tests: bool = True
    full_check: bool = True
    # how validation runs tests (apr.validate.engine): "warm" workers (a pytest fork server, a
    # JVM with a class loader per candidate), "cold" (a fresh process per run), or "check"
    # (both, and the outcomes must agree)
    engine: str = "warm"
    # the fence around every test command (apr.fence): memory per command in MiB (0: a fair
    # share of the machine per worker), CPU seconds and file size in MiB (0: none), the host's
    # network (off: a network namespace with loopback only), and a bubblewrap sandbox
    memory_limit: int = 0
    cpu_limit: int = 0
    file_limit: int = 0
    allow_network: bool = False
    sandbox: str = "none"
    generators: tuple[str, ...] = ("template",)
    # maskfill (GAMMA): what fills the blanks ("local-lm": the project's token n-gram model;
    # "codet5": span infilling with `model`, beam `beam`), fillings kept per blank, and the
    # share of its template family's prior a blank's best filling gets (1: on par with the
    # templates; the default puts a local model's fillings after them: docs/maskfill.md)
    filler: str = "local-lm"
    mask_fills: int = 10
    mask_weight: float = 0.2
    # the local-lm filler's pools also draw on the `retrieve_k` lines `retriever` finds (off:
    # no oracle rank moved on our suites, QuixBugs or real bugs; docs/maskfill.md)
    mask_retrieval: bool = False
    # seq2seq (MultiMend): checkpoint dirs or hub ids; an `apr train` output dir stands for its
    # last `model_checkpoints` checkpoints; beam search; retrieval (apr.context.RETRIEVERS)
    model: tuple[str, ...] = ()
    model_checkpoints: int = 5
    beam: int = 100
    num_return: int = 100  # outputs kept per checkpoint and hunk (at most beam)
    max_output: int = 256  # most tokens generated per output (MultiMend: 256)
    retriever: str = "lexical"
    retrieve_k: int = 5
    retrieve_threshold: float = 0.5  # largest cosine distance of a retrieved line
    # multi-hunk patches (apr.generate.multihunk): strategies tried, in order, once the
    # single-hunk candidates are validated; the most suspicious hunks taking part; per-hunk
    # candidates combined by "combine"; how far down each hunk's list "same" and "greedy"
    # look; the share of the budget kept for them when two or more hunks have candidates (the
    # single-hunk candidates beyond the rest of the budget come after them; 0 by default: 0.3
    # cost 3 of 24 QuixBugs fixes under SBFL and gained none, see benchmarks/RESULTS.md)
    multihunk: tuple[str, ...] = ("same", "combine", "greedy")
    multihunk_hunks: int = 4
    multihunk_top_k: int = 3
    multihunk_depth: int = 50
    multihunk_share: float = 0.0

    def __post_init__(self) -> None:
        for name in ("budget", "workers", "max_patches", "max_hunks", "max_candidates",
                     "model_checkpoints", "beam", "num_return", "max_output", "multihunk_hunks",
                     "mask_fills"):
            if getattr(self, name) < 1:
                raise UsageError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("retrieve_k", "multihunk_top_k", "multihunk_depth", "memory_limit",
                     "cpu_limit", "file_limit"):
            if getattr(self, name) < 0:
                raise UsageError(f"{name} must be at least 0, got {getattr(self, name)}")
        for name in ("time_limit", "test_timeout", "suite_timeout", "mask_weight"):
            if getattr(self, name) <= 0:
                raise UsageError(f"{name} must be positive, got {getattr(self, name)}")
        if self.engine not in ("warm", "cold", "check"):
            raise UsageError(f"engine must be warm, cold or check, got {self.engine!r}")
        if not 0 <= self.search_on <= 1:
            raise UsageError(f"search_on must be in [0, 1], got {self.search_on}")
        if not 0 <= self.multihunk_share < 1:
            raise UsageError(f"multihunk_share must be in [0, 1), got {self.multihunk_share}")
        if self.test_command:
            try:  # every driver splits it as a shell would
                shlex.split(self.test_command)
            except ValueError as exc:
                raise UsageError(f"cannot read the test command `{self.test_command}`: "
                                 f"{exc}") from None


_FIELDS = {f.name: f for f in dataclasses.fields(RepairConfig)}


def resolve(project_dir: Path, flags: Mapping[str, Any],
            pipeline: Mapping[str, Any] | None = None,
            environ: Mapping[str, str] | None = None) -> RepairConfig:
    """Merge every source into one validated config (see module docstring for the order).

    Raises:
        UsageError: an unknown key, a value of the wrong type, or an unreadable file.
    """
    merged: dict[str, Any] = {}
    for source, values in _sources(project_dir, pipeline or {}, environ or os.environ, flags):
        for key, value in values.items():
            merged[key.replace("-", "_")] = _coerce(key.replace("-", "_"), value, source)
    return RepairConfig(**merged)


def _sources(project_dir: Path, pipeline: Mapping[str, Any], environ: Mapping[str, str],
             flags: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    pyproject = _read_toml(project_dir / "pyproject.toml").get("tool", {}).get("apr", {})
    apr_toml = _read_toml(project_dir / "apr.toml")
    env = {k[4:].lower(): v for k, v in environ.items()
           if k.startswith("APR_") and k[4:].lower() in _FIELDS}
    given = {k: v for k, v in flags.items() if v is not None}
    return [("pipeline", pipeline), ("pyproject.toml [tool.apr]", pyproject),
            ("apr.toml", apr_toml), ("environment", env), ("command line", given)]


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise UsageError(f"{path}: cannot read config: {exc}") from None


def _coerce(key: str, value: Any, source: str) -> Any:
    if key not in _FIELDS:
        raise UsageError(f"unknown setting {key!r} in {source}; known: {', '.join(_FIELDS)}")
    kind = type(getattr(RepairConfig(), key))
    try:
        if kind is tuple:
            items = value.split(",") if isinstance(value, str) else value
            return tuple(str(v).strip() for v in items if str(v).strip())
        if getattr(RepairConfig(), key) is None:  # optional string
            return None if value in ("", None) else str(value)
        if kind is bool:
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        return kind(value)
    except (TypeError, ValueError):
        raise UsageError(f"setting {key} in {source}: expected {kind.__name__}, "
                         f"got {value!r}") from None


def as_dict(config: RepairConfig) -> dict[str, Any]:
    return {f: getattr(config, f) for f in _FIELDS}
