"""`apr bench run`: repair every bug of a suite under stated settings, one JSON line per bug.

Per bug: check the buggy version out into a temporary directory, repair it with the pipeline
(localization ``sbfl`` = the pipeline's spectrum formula, or ``perfect`` = the lines the
developer's patch changes, and nothing else of the patch), then judge the first plausible patch
against the developer's: ``exact_match`` and ``correct`` (see :mod:`apr.bench.correctness`).
Plausible and correct are reported separately, always. Where the suite offers a reference
program for the bug (QuixBugs-Python), each plausible patch also gets ``equivalent``: whether
it returns what the developer's program returns on sampled inputs (a differential test,
:mod:`apr.bench.equivalence`); a verdict of its own, never counted as correct.

Resumable: a bug already in ``results.jsonl`` is skipped. A bug that crashes is recorded with
``status = "error"`` and the run goes on; a model that cannot be loaded (``ModelUnavailable``)
stops the run, since every bug would fail the same way.
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from unidiff import PatchSet

from apr import runfolder
from apr.bench.base import Benchmark, Bug
from apr.bench.correctness import compare
from apr.bench.equivalence import Reference, differential, equivalence_settings
from apr.bench.manifest import fixed_version
from apr.bench.records import read_records
from apr.config import RepairConfig
from apr.errors import AprError, CannotReproduce, ModelUnavailable, UsageError
from apr.lang import get_language
from apr.model import Location, RepairResult, RepairStatus, ValidationResult

FL_MODES = ("perfect", "sbfl")


@dataclass(frozen=True, slots=True)
class BenchSettings:
    """The settings printed beside every number."""

    fl: str = "sbfl"
    formula: str = "ochiai"
    pipeline: str = "default"
    budget: int = 500
    time_limit: float = 600.0
    workers: int = 2
    # plausible patches kept and judged; the share of the budget and time left after the first
    # one spent looking for the others (apr.config's defaults)
    max_patches: int = field(default_factory=lambda: RepairConfig().max_patches)
    search_on: float = field(default_factory=lambda: RepairConfig().search_on)
    test_timeout: float = 10.0  # one test in the first run: buggy programs hang
    model: tuple[str, ...] = ()  # checkpoints for the pipelines that use a model (--model)
    engine: str = "warm"  # how candidates' tests run (apr.validate.engine)

    def __post_init__(self) -> None:
        if self.fl not in FL_MODES:
            raise UsageError(f"--fl must be one of {', '.join(FL_MODES)}, got {self.fl!r}")


def patch_locations(patch: str) -> tuple[Location, ...]:
    """The buggy lines of a developer patch: removed lines; for a pure insertion, the lines
    around the insertion point (the statement the new code goes before, and the one before)."""
    found: dict[tuple[str, int], None] = {}
    for pf in PatchSet(patch):
        for hunk in pf:
            removed = [ln.source_line_no for ln in hunk if ln.is_removed]
            if removed:
                found.update(((pf.path, n), None) for n in removed if n is not None)
                continue
            before = _insertion_point(hunk)
            found.update((((pf.path, before + 1), None), ((pf.path, before), None)))
    return tuple(Location(f, n, 1.0) for f, n in found if n >= 1)


def _insertion_point(hunk: Any) -> int:
    """The source line after which the hunk's first added line goes."""
    last: int = hunk.source_start - 1
    for ln in hunk:
        if ln.is_added:
            break
        if ln.source_line_no is not None:
            last = ln.source_line_no
    return last


def run_bug(suite: Benchmark, bug: Bug, settings: BenchSettings,
            progress: Any = None) -> dict[str, Any]:
    """Repair one bug and judge the result; never raises for the bug's own failures."""
    from apr.pipeline import RepairTask, repair, resolve_config

    started = time.monotonic()
    record = record_header(bug, settings)
    with tempfile.TemporaryDirectory(prefix="apr-bench-") as tmp:
        try:
            checkout = suite.checkout(bug, Path(tmp) / bug.id)
            dev_patch = suite.developer_patch(bug)
            flags = {"budget": settings.budget, "time_limit": settings.time_limit,
                     "workers": settings.workers, "fl": settings.formula,
                     "pipeline": settings.pipeline, "language": bug.language,
                     "test_command": bug.test_command, "driver": bug.driver,
                     "max_patches": settings.max_patches, "search_on": settings.search_on,
                     "engine": settings.engine,
                     "test_timeout": settings.test_timeout,
                     "model": settings.model or None,
                     # Defects4J's rule: the trigger tests must pass, no passing test may fail
                     "failing": bug.failing_tests or None}
            config = resolve_config(checkout, flags)
            given = patch_locations(dev_patch) if settings.fl == "perfect" else None
            result = repair(RepairTask(checkout, config, locations=given), progress)
            record.update(_judge(result, checkout, dev_patch, bug.language))
            reference = suite_reference(suite, bug)
            if reference is not None:
                record.update(judge_equivalence(record, checkout, reference))
            record["developer_patch"] = dev_patch
        except ModelUnavailable:
            raise  # not this bug's failure: every bug would fail the same way
        except CannotReproduce as exc:
            record.update(_failed("cannot_reproduce", str(exc)))
        except AprError as exc:
            record.update(_failed("error", f"{type(exc).__name__}: {exc}"))
        except Exception as exc:  # noqa: BLE001 -- one bug's crash must not stop the run
            record.update(_failed("error", f"{type(exc).__name__}: {exc}",
                                  traceback.format_exc(limit=8)))
    record["seconds"] = round(time.monotonic() - started, 3)
    return record


def record_header(bug: Bug, settings: BenchSettings) -> dict[str, Any]:
    """The fields of a bug's record that say what was run, whatever became of it."""
    return {"bug": bug.id, "language": bug.language, "fl": settings.fl,
            "budget": settings.budget, "pipeline": settings.pipeline,
            "time_limit": settings.time_limit, "hunks": bug.hunks, "kind": bug.kind,
            "engine": settings.engine, **({"model": list(settings.model)}
                                          if settings.model else {})}


def failed_record(bug: Bug, settings: BenchSettings, message: str) -> dict[str, Any]:
    """The record of a bug that could not be run at all (``status = "error"``)."""
    return {**record_header(bug, settings), **_failed("error", message), "seconds": 0.0}


def _failed(status: str, message: str, trace: str = "") -> dict[str, Any]:
    return {"status": status, "plausible": False, "correct": False, "exact_match": False,
            "rank_of_first_plausible": None, "rank_of_first_correct": None,
            "plausible_patches": 0, "patches": [], "candidates_generated": 0,
            "candidates_validated": 0, "stage_seconds": {}, "patch": "", "message": message,
            **({"traceback": trace} if trace else {})}


def _judge(result: RepairResult, checkout: Path, dev_patch: str,
           language: str) -> dict[str, Any]:
    plausible = result.status is RepairStatus.PLAUSIBLE
    reported = list(result.patches) if plausible else []
    judged = [judge_patch(checkout, p.diff, dev_patch, language) for p in reported]
    first = reported[0] if reported else None
    exact, correct = judged[0] if judged else (False, False)
    return {"status": result.status.value, "plausible": plausible,
            "correct": correct, "exact_match": exact,
            "rank_of_first_plausible": min(p.index for p in reported) + 1 if first else None,
            "rank_of_first_correct": next(
                (rank for rank, (_, ok) in enumerate(judged, 1) if ok), None),
            "plausible_patches": len(reported),
            "patches": [_patch_record(p, e, c) for p, (e, c) in zip(reported, judged,
                                                                     strict=True)],
            "candidates_generated": result.candidates_generated,
            "candidates_validated": result.candidates_validated,
            "stage_seconds": result.stages, "patch": first.diff if first else "",
            "time_to_first_plausible": result.first_plausible_seconds,
            "test_stages": result.test_stages, "message": result.message}


def _patch_record(patch: ValidationResult, exact: bool, correct: bool) -> dict[str, Any]:
    """One reported plausible patch: where validation met it, its verdict, its diff."""
    c = patch.candidate
    return {"validated_rank": patch.index + 1, "correct": correct, "exact_match": exact,
            "generator": c.generator, "template": c.template, "diff": patch.diff,
            **({"estimate": dict(patch.estimate)} if patch.estimate else {})}


def judge_patch(checkout: Path, candidate_diff: str, dev_patch: str,
                language: str) -> tuple[bool, bool]:
    """(exact_match, correct) of a candidate diff against the developer's, both applied to the
    buggy ``checkout``."""
    ours, theirs = fixed_version(checkout, candidate_diff), fixed_version(checkout, dev_patch)
    for name in set(ours) | set(theirs):
        original = (checkout / name).read_bytes() if (checkout / name).exists() else b""
        ours.setdefault(name, original)
        theirs.setdefault(name, original)
    return compare(ours, theirs, get_language(language))


def suite_reference(suite: Benchmark, bug: Bug) -> Reference | None:
    """The suite's reference program for a differential test of ``bug``, if it has one."""
    reference = getattr(suite, "reference", None)
    return reference(bug) if reference is not None else None


def judge_equivalence(record: Mapping[str, Any], checkout: Path,
                      reference: Reference) -> dict[str, Any]:
    """``equivalent`` for each of the record's patches (a correct one is, without a run), and
    for the bug: its first patch's verdict and ``rank_of_first_equivalent``."""
    patches = [dict(p) for p in record.get("patches") or []]
    wrong = [p for p in patches if not p["correct"]]
    verdicts = differential([fixed_version(checkout, p["diff"]) for p in wrong], reference)
    for patch, verdict in zip(wrong, verdicts, strict=True):
        patch["equivalent"] = verdict.equivalent
        patch["differential"] = verdict.record()
    for patch in patches:
        patch.setdefault("equivalent", True)  # correct: the same program, nothing to run
    return {"patches": patches,
            "equivalent": bool(patches and patches[0]["equivalent"]),
            "rank_of_first_equivalent": next(
                (rank for rank, p in enumerate(patches, 1) if p["equivalent"]), None)}


def done_ids(results: Path) -> set[str]:
    return {str(record["bug"]) for record in read_records(results)}


Runner = Callable[[Benchmark, Sequence[Bug], BenchSettings], Iterable[dict[str, Any]]]
"""Runs bugs and yields their records as they finish (here, one after the other; on a cluster,
:func:`apr.cluster.bench.cluster_runner`, in parallel)."""


def one_by_one(suite: Benchmark, bugs: Sequence[Bug],
               settings: BenchSettings) -> Iterator[dict[str, Any]]:
    for bug in bugs:
        with runfolder.claimed():  # the checkout too: nothing is left if the run is killed
            yield run_bug(suite, bug, settings)


def run_suite(suite: Benchmark, bugs: Sequence[Bug], settings: BenchSettings, out: Path,
              on_result: Callable[[dict[str, Any], int, int], None] | None = None,
              runner: Runner = one_by_one, extra_meta: Mapping[str, Any] | None = None,
              ) -> list[dict[str, Any]]:
    """Run every bug not yet in ``out/results.jsonl``; append one line per bug as it finishes;
    return them. ``extra_meta`` goes into ``run.json`` beside the settings, and so do the
    differential test's settings when some bug has a reference."""
    out.mkdir(parents=True, exist_ok=True)
    results = out / "results.jsonl"
    judged = any(suite_reference(suite, b) is not None for b in bugs)
    _write_meta(out, suite, settings, {**({"equivalence": equivalence_settings()}
                                          if judged else {}), **(extra_meta or {})})
    skip = done_ids(results)
    todo = [b for b in bugs if b.id not in skip]
    records = []
    for i, record in enumerate(runner(suite, todo, settings), 1):
        with results.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, sort_keys=True) + "\n")
        records.append(record)
        if on_result:
            on_result(record, i, len(todo))
    return records


def _write_meta(out: Path, suite: Benchmark, settings: BenchSettings,
                extra: Mapping[str, Any]) -> None:
    meta = {"suite": suite.name, "settings": asdict(settings), "machine": machine(), **extra}
    (out / "run.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def machine() -> str:
    import os

    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")
