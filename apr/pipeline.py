"""The runner: one repair, stage by stage; the only module that knows every stage.

::

    snapshot -> baseline -> localize -> hunks -> generate -> validate -> multihunk -> RepairResult

The multi-hunk phase comes after the single-hunk candidates are validated, within the same
budget and time limit (``multihunk_share`` of the budget can be kept for it; the candidates of
late generators such as mask-fill come after it): the strategies of ``config.multihunk``
(``same``, ``combine``, ``greedy``; :mod:`apr.generate.multihunk`) build patches for several
hunks from the hunks' ranked candidates, leaving out those that failed to apply, compile or
finish alone.

Each stage's value is recorded (as JSON, when a run folder is given) and timed. The user's tree is
only read (into a :class:`~apr.project.workspace.Snapshot`); everything runs in workspaces that are
removed at the end, also on Ctrl-C or a crash.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import posixpath
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from apr import config as config_mod
from apr import proc, runfolder
from apr.config import RepairConfig
from apr.errors import (
    AprError,
    CannotReproduce,
    NoTestsFound,
    ProjectBroken,
    TestCommandTimeout,
    UsageError,
)
from apr.fence import Fence, fair_memory_mb
from apr.generate import GENERATORS, BatchGenerator
from apr.generate.base import Context, Generator
from apr.generate.multihunk import (
    check_strategies,
    combinations,
    group_by_hunk,
    merge,
    same_change,
)
from apr.generate.naturalness import Naturalness
from apr.generate.ranking import rank
from apr.generate.tokenlm import tokens
from apr.lang import LanguageSupport, detect_language, get_language
from apr.localize.sbfl import localize
from apr.localize.stacktrace import resolve_suffix
from apr.model import (
    Candidate,
    Edit,
    Hunk,
    Location,
    Outcome,
    RepairResult,
    RepairStatus,
    TestRun,
    TestStatus,
    ValidationResult,
    to_json,
)
from apr.project import TestDriver, make_driver
from apr.project.base import records_values
from apr.project.workspace import Snapshot, UserRepo, Workspace
from apr.rank import Estimator, rank_plausible
from apr.rank.behaviour import Behaviour, compare
from apr.validate.cache import CacheScope, ValidationCache
from apr.validate.engine import CheckedDriver, engine_driver
from apr.validate.expect import Expectation, expectation
from apr.validate.multihunk import ValidationRun, greedy
from apr.validate.selection import Selection
from apr.validate.validator import Limits, Plan, Remote, Validator, WorkspacePool

RemoteFactory = Callable[[Snapshot, RepairConfig, "Progress"], AbstractContextManager[Remote]]
"""Opens a :class:`~apr.validate.validator.Remote` for a run's snapshot and settings."""


class Progress(Protocol):
    """What the runner tells whoever is watching (the CLI's display, a log, nothing)."""

    def stage(self, name: str, detail: str = "") -> None: ...

    def validated(self, result: ValidationResult, done: int, total: int) -> None: ...


class Quiet:
    def stage(self, name: str, detail: str = "") -> None:
        pass

    def validated(self, result: ValidationResult, done: int, total: int) -> None:
        pass


@dataclass
class RunRecord:
    """Stage timings, and the run folder where stage values are written (if any)."""

    folder: Path | None = None
    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.stages[name] = round(self.stages.get(name, 0.0) + time.monotonic() - started, 3)

    def save(self, name: str, value: Any) -> None:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps(to_json(value), indent=1, sort_keys=True)
            (self.folder / f"{name}.json").write_text(text + "\n", encoding="utf-8")


# --- pipelines ------------------------------------------------------------------------------


def load_pipeline(name: str) -> dict[str, Any]:
    """The ``[settings]`` of a built-in pipeline (``pipelines/NAME.toml``) or of a TOML file path.

    Raises:
        UsageError: no such pipeline, or the file is not valid TOML.
    """
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        entry = resources.files("apr.pipelines").joinpath(f"{name}.toml")
        if not entry.is_file():
            raise UsageError(f"unknown pipeline {name!r}; built-in: {', '.join(pipeline_names())}")
        text = entry.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"pipeline {name}: invalid TOML: {exc}") from None
    unknown = sorted(set(data) - _PIPELINE_KEYS)
    if unknown:  # e.g. a setting written above [settings], which would silently do nothing
        raise UsageError(f"pipeline {name}: unknown key {unknown[0]!r} (a pipeline file has "
                         "`description` and a [settings] table)")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise UsageError(f"pipeline {name}: `settings` must be a table")
    return settings


_PIPELINE_KEYS = frozenset({"description", "settings"})


def pipeline_names() -> list[str]:
    files = resources.files("apr.pipelines").iterdir()
    return sorted(f.name[:-5] for f in files if f.name.endswith(".toml"))


def resolve_config(project_dir: Path, flags: Mapping[str, Any]) -> RepairConfig:
    """Config from every source, with the chosen pipeline's settings under the rest."""
    first = config_mod.resolve(project_dir, flags)
    return config_mod.resolve(project_dir, flags, pipeline=load_pipeline(first.pipeline))


# --- the stages -----------------------------------------------------------------------------


def run_baseline(ws: Workspace, driver: TestDriver, config: RepairConfig) -> TestRun:
    """Run the whole suite once with coverage; raise if the bug cannot be observed."""
    limits = baseline_timeouts(config)
    run = driver.run(ws.project_dir, ws.root, coverage=True, timeout=limits["suite_timeout"],
                     test_timeout=limits["test_timeout"])
    if run.timed_out:
        raise TestCommandTimeout(
            f"the test command ran past {limits['suite_timeout']:g} s (--suite-timeout, at most "
            "--time-limit); raise them or pass a narrower --test", detail=run.output[-4000:])
    if run.errors:
        first = run.errors[0].strip().splitlines()
        raise ProjectBroken(f"the tests cannot be collected: {first[-1] if first else '?'}",
                            detail="\n\n".join(run.errors)[-4000:])
    if not run.outcomes:
        raise NoTestsFound(f"no tests were collected by `{' '.join(driver.argv(ws.project_dir))}`"
                           f" (exit code {run.returncode})", detail=run.output[-4000:])
    return run


def baseline_timeouts(config: RepairConfig) -> dict[str, float]:
    """The baseline's limits, bounded by the run's: the whole run at most ``time_limit``, one
    test at most a tenth of it (at least 2 s), so that a hanging test cannot eat the time the
    candidates need."""
    return {"suite_timeout": min(config.suite_timeout, config.time_limit),
            "test_timeout": min(config.test_timeout, max(2.0, config.time_limit / 10))}


def baseline_expectation(ws: Workspace, driver: TestDriver, baseline: TestRun,
                         config: RepairConfig) -> tuple[Expectation, TestRun | None]:
    """The targets, pre-existing failures and flaky tests: the baseline's failing tests are
    run once more, without coverage (a test that passes then is flaky), and ``config.failing``
    names the targets (else every failing test that is not flaky is one). Also that rerun
    (None: nothing failed), whose times :func:`finished_seconds` reads."""
    rerun = None
    if baseline.failing:
        limits = baseline_timeouts(config)
        rerun = driver.run(ws.project_dir, ws.root, list(baseline.failing),
                           timeout=limits["suite_timeout"], test_timeout=limits["test_timeout"])
    return expectation(baseline, rerun, config.failing), rerun


def finished_seconds(baseline: TestRun, rerun: TestRun | None) -> dict[str, float]:
    """How long each test that finished took: its baseline time, or, for a test that ran past
    the per-test limit there, its time in the rerun without coverage if it finished then.
    Coverage slows a test several times over, so a slow test that the buggy code merely runs
    (not loops in) can time out in the baseline alone; without its time, the candidates'
    limit would come from the fast tests and cut the fix short on it."""
    seconds = {t: s for t, s in baseline.durations.items()
               if baseline.outcomes.get(t) is not TestStatus.TIMEOUT}
    if rerun is not None:
        seconds.update({t: s for t, s in rerun.durations.items() if t not in seconds
                        and rerun.outcomes.get(t) in (TestStatus.PASSED, TestStatus.FAILED)})
    return seconds


def targets_only(baseline: TestRun, expect: Expectation) -> TestRun:
    """The baseline as localization should see it: tolerated failures left out, so that only
    the targets count as failing tests."""
    drop = expect.tolerated
    return dataclasses.replace(
        baseline, outcomes={t: s for t, s in baseline.outcomes.items() if t not in drop},
        coverage={t: c for t, c in baseline.coverage.items() if t not in drop},
        traces={t: c for t, c in baseline.traces.items() if t not in drop})


def find_hunks(locations: Sequence[Location], snapshot: Snapshot, lang: LanguageSupport,
               limit: int) -> list[Hunk]:
    """Group suspicious lines into statements (the hunks to repair), most suspicious first."""
    hunks: dict[tuple[str, int, int], Hunk] = {}
    for loc in locations:
        span = lang.statement_at(snapshot.read(loc.file), loc.line)
        if span is None:
            continue
        key = (loc.file, span.start, span.end)
        if key not in hunks:
            hunks[key] = Hunk(loc.file, span.first_line, span.last_line, span.start, span.end,
                              loc.score, rank=len(hunks))
        if len(hunks) >= limit:
            break
    return list(hunks.values())


def make_generators(config: RepairConfig) -> list[Generator]:
    """The generators ``config.generators`` names, built from the run's settings (a class with
    ``from_config`` gets the config); cheap: models load when first used.

    Raises:
        UsageError: an unknown generator or multi-hunk strategy, or bad settings.
        ModelUnavailable: a generator needs a model the settings do not give.
    """
    check_strategies(config.multihunk)
    gens: list[Generator] = []
    for name in config.generators:
        if name not in GENERATORS:
            raise UsageError(f"unknown generator {name!r}; known: {', '.join(GENERATORS)}")
        factory = GENERATORS[name]
        configure = getattr(factory, "from_config", None)
        gens.append(configure(config) if callable(configure) else factory())
    return gens


@dataclass(frozen=True)
class Generated:
    """The generate stage's value: the hunks, their ranked candidates, the index of the hunk
    each came from, the files' sources, and the generators' statistics."""

    hunks: tuple[Hunk, ...]
    candidates: list[Candidate]
    hunk_of: dict[Candidate, int]
    sources: dict[str, bytes]
    stats: dict[str, Any] = field(default_factory=dict)


def generate(hunks: Sequence[Hunk], snapshot: Snapshot, lang: LanguageSupport,
             config: RepairConfig, generators: Sequence[Generator] | None = None,
             ) -> list[Candidate]:
    """Every generator's candidates for every hunk, ranked, deduplicated and parse-checked."""
    return generate_by_hunk(hunks, snapshot, lang, config, generators).candidates


def generate_by_hunk(hunks: Sequence[Hunk], snapshot: Snapshot, lang: LanguageSupport,
                     config: RepairConfig, generators: Sequence[Generator] | None = None,
                     ) -> Generated:
    """:func:`generate`, keeping which hunk each candidate came from (the multi-hunk phase and
    ``benchmarks/scripts/oracle_rank.py`` need it)."""
    gens = make_generators(config) if generators is None else list(generators)
    sources = {h.file: snapshot.read(h.file) for h in hunks}
    contexts = [Context(source=sources[h.file], language=lang, file=h.file,
                        root=snapshot.repo_dir) for h in hunks]
    for gen in gens:
        if isinstance(gen, BatchGenerator):
            gen.prepare(hunks, contexts)  # e.g. beam search batched across hunks
    candidates: list[Candidate] = []
    hunk_of: dict[Candidate, int] = {}
    for index, (hunk, context) in enumerate(zip(hunks, contexts, strict=True)):
        for gen in gens:
            for candidate in gen.generate(hunk, context):
                candidates.append(candidate)
                hunk_of.setdefault(candidate, index)
    stats = {g.name: g.stats() for g in gens if isinstance(g, BatchGenerator)}
    return Generated(tuple(hunks), rank(candidates, sources, lang, limit=config.max_candidates),
                     hunk_of, sources, stats)


# --- one repair -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairTask:
    """One repair to run.

    Attributes:
        path: the repository (or a project directory inside it).
        config: the resolved settings.
        run_dir: where to record each stage's values as JSON (nothing is recorded when None).
        locations: given suspicious locations (e.g. perfect localization in benchmarks); when
            set, spectrum-based localization is skipped.
        cache: a store of earlier validation outcomes (``apr ci``); candidates found there are
            not run again, and new outcomes are added to it.
        remote: opens, for the run's snapshot, where candidates are tested instead of local
            workspaces (:func:`apr.cluster.validation.cluster_tests`: a Dask cluster's
            workers), as many at once as it has threads; everything else runs here.
    """

    path: Path
    config: RepairConfig
    run_dir: Path | None = None
    locations: tuple[Location, ...] | None = None
    cache: ValidationCache | None = None
    remote: RemoteFactory | None = None


def repair(task: RepairTask, progress: Progress | None = None) -> RepairResult:
    """Repair the project at ``task.path``; the user's tree is never written."""
    progress = progress or Quiet()
    record = RunRecord(folder=task.run_dir)
    started = time.monotonic()
    user = UserRepo.locate(task.path)
    if task.config.language in ("", "auto"):
        detected = detect_language(user.root / user.project)
        task = dataclasses.replace(task, config=dataclasses.replace(task.config,
                                                                    language=detected))
    lang = get_language(task.config.language)
    record.save("config", config_mod.as_dict(task.config))
    gens = make_generators(task.config)  # before any test runs: a missing model fails fast
    with runfolder.claimed(), proc.fenced(fence_of(task.config)):
        driver = driver_for(task.config, user.root, user.root / user.project)
        try:
            with record.stage("snapshot"):
                progress.stage("snapshot", str(user.root))
                snapshot = Snapshot(user)
            remote_tests = task.remote(snapshot, task.config, progress) if task.remote \
                else nullcontext(None)
            with snapshot, remote_tests as remote:
                result = _repair_in(snapshot, driver, lang, task, record, progress, started,
                                    gens, remote)
            if isinstance(driver, CheckedDriver):
                zygote, kept = driver.zygote_runs()
                swapped = (f" ({zygote} warm ones in the project zygote, {kept} of them in a "
                           "kept pytest session)") if zygote else ""
                progress.stage("engine check", f"{driver.compared} test runs warm and cold, "
                               f"the same outcomes{swapped}")
            return result
        finally:
            driver.close()


def driver_for(config: RepairConfig, root: Path, project: Path) -> TestDriver:
    """The run's test driver, warm, cold or both (``engine``: apr.validate.engine)."""
    def make(warm: bool) -> TestDriver:
        return make_driver(config.driver, project, config.language, config.test_command,
                           repo_root=root, python=config.python, warm=warm)

    return engine_driver(make, config.engine)


def fence_of(config: RepairConfig) -> Fence:
    """The fence of the run's test commands (apr.fence), from its settings.

    Raises:
        UsageError: an unknown sandbox, or bubblewrap asked for and not installed.
    """
    memory = config.memory_limit or fair_memory_mb(config.workers)
    return Fence(memory_mb=memory, cpu_seconds=config.cpu_limit, file_mb=config.file_limit,
                 network=config.allow_network, sandbox=config.sandbox)


def _repair_in(snapshot: Snapshot, driver: TestDriver, lang: LanguageSupport, task: RepairTask,
               record: RunRecord, progress: Progress, started: float,
               gens: Sequence[Generator], remote: Remote | None = None,
               ) -> RepairResult:
    config = task.config
    if remote is not None:  # as many candidates in flight as the cluster has threads
        config = dataclasses.replace(config, workers=remote.threads)
    deadline = started + config.time_limit
    with record.stage("baseline"):
        project = snapshot.user.root / snapshot.user.project  # the same layout as workspaces
        describe = getattr(driver, "describe", None)
        progress.stage("tests", describe(project) if callable(describe)
                       else " ".join(driver.argv(project)))
        progress.stage("baseline", "running the tests with coverage")
        workspaces = WorkspacePool(snapshot)  # the candidates' own, made meanwhile
        if remote is None:
            workspaces.warm_up(driver, config.workers)
        ws = snapshot.workspace("baseline")
        baseline = run_baseline(ws, driver, config)
        expect, rerun = baseline_expectation(ws, driver, baseline, config)
    record.save("baseline", baseline)
    record.save("expectation", expect)
    if not expect.targets:
        return _finish(RepairStatus.NOTHING_TO_FIX, record, started, baseline, expect=expect,
                       message=_nothing_to_fix(baseline, expect))
    with record.stage("localize"):
        given = task.locations is not None
        progress.stage("localize", f"{len(expect.targets)} failing test(s) to fix"
                       + _tolerated_note(expect)
                       + f", {'given locations' if given else config.fl}"
                       + _codeless_note(baseline, expect, config, driver.is_test_file))
        locations = list(task.locations or ()) if given else _localize(
            targets_only(baseline, expect), snapshot, driver, lang, config)
        hunks = find_hunks(locations, snapshot, lang, config.max_hunks)
    record.save("localization", locations)
    record.save("hunks", hunks)
    if not hunks:
        raise CannotReproduce("no suspicious statement: the failing tests execute no "
                              f"{lang.name} code outside the tests")
    with record.stage("generate"):
        progress.stage("generate", f"{len(hunks)} suspicious statement(s)")
        generated = generate_by_hunk(hunks, snapshot, lang, config, gens)
    candidates = generated.candidates
    record.save("candidates", candidates)
    if generated.stats:
        record.save("generators", generated.stats)
    head, tail = validation_order(generated, gens, config)
    with record.stage("validate"):
        progress.stage("validate", f"{min(len(candidates), config.budget)} candidate(s)")
        scope = " ".join([config.test_command or "", *expect.targets, "|", *expect.tolerated])
        cache = task.cache.scope(snapshot, scope.strip()) if task.cache else None
        plan = Plan(expect, Selection(baseline, expect))
        seconds = finished_seconds(baseline, rerun)
        run, first = _validate(snapshot, driver, seconds, plan, head, config,
                               (started, deadline), progress, cache, remote, workspaces)
    with record.stage("multihunk"):
        multi = _multi_hunk(run, generated, expect, config, lang, progress)
    record.save("multihunk", multi)
    if tail and not run.finished:
        with record.stage("validate"):
            progress.stage("validate", "the rest of the single-hunk candidates")
            run.validate(tail)
    if _plausible(run.results) and config.search_on > 0 and config.max_patches > 1:
        with record.stage("search_on"):
            progress.stage("validate", "more plausible patches, same place and family first")
            search_on(run, generated, config)
    results = run.results
    if _plausible(results) and config.rank_patches:
        with record.stage("rank"):
            behaviours: dict[Candidate, Behaviour] = {}
            if config.observe_patches and len(_plausible(results)) > 1:
                progress.stage("rank", f"{len(_plausible(results))} plausible patches: their "
                               "tests once more, with coverage")
                behaviours = observed(run, generated.sources, deadline)
            results = estimated(results, generated, lang, snapshot.repo_dir, behaviours)
    if not _plausible(results) and _partial(results):
        with record.stage("validate"):
            progress.stage("validate", "the whole suite on the best partial patches")
            results = confirm_partials(run, config)
    return _finish(_status(results), record, started, baseline, locations,
                   [*candidates, *multi], results, config.max_patches,
                   first_plausible=first[0] if first else None, expect=expect)


def observed(run: ValidationRun, sources: Mapping[str, bytes], deadline: float,
             ) -> dict[Candidate, Behaviour]:
    """The behaviour of each plausible patch (:mod:`apr.rank.behaviour`) when there are
    several to order: the passing tests covering its files run with coverage (and, where the
    driver records them, the values the patches' files' functions return, and then the
    original program twice, to tell noise) on the patched program and on the original one,
    and compared. The original program runs the same tests,
    in the same order, once per list of tests: the baseline's per-test lines cannot stand in
    for it, since what a test runs depends on what ran before it in the same process (class
    initializers, caches, lazy set-up run once: on a real Java project, a patch that changed
    nothing moved the passing tests by 0.72 against the baseline's lines). All or none: empty
    when the baseline has no coverage, when a patch's files are covered by no passing test, or
    when the time limit (``deadline``, the run's: the search for more patches kept a shorter
    one in ``run.limits``) leaves no room to observe every patch (so that no patch is ranked on
    a feature another lacks)."""
    patches = [p.candidate for p in _plausible(run.results)]
    selection = run.validator.plan.selection
    if len(patches) < 2 or selection is None or not selection.available:
        return {}
    tests = {c: tuple(selection.tests_for(c.files) or ()) for c in patches}
    if not all(tests.values()):  # no passing test covers its files: nothing to compare
        return {}
    validator, limits = run.validator, run.limits
    files = sorted({f for c in patches for f in c.files})  # every run records the same ones
    values = records_values(validator.driver)  # then the original runs twice
    originals = (ORIGINAL, ORIGINAL_AGAIN) if values else (ORIGINAL,)
    jobs = [*((o, t) for t in dict.fromkeys(tests.values()) for o in originals),
            *tests.items()]

    def observe(job: tuple[Candidate, tuple[str, ...]]) -> TestRun | None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            seen = validator.pool.observe(validator.driver, job[0], job[1],
                                          min(limits.run_timeout, left), limits.test_timeout,
                                          files)
        except (ValueError, OSError, AprError):  # the patches found are kept, unranked by it
            return None
        return None if seen.timed_out else seen

    threads = min(run.workers, len(jobs))
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="apr-observe") as pool:
        seen = dict(zip(jobs, pool.map(observe, jobs), strict=True))
    found = {c: compare(original, after, c.edits, sources, seen.get((ORIGINAL_AGAIN, t)))
             if (original := seen[ORIGINAL, t]) is not None and (after := seen[c, t]) is not None
             else None for c, t in tests.items()}
    if any(b is None for b in found.values()):
        return {}
    # without the original's second run noise cannot be told: no patch is ranked on values
    noise_known = not values or all(seen[ORIGINAL_AGAIN, t] is not None for t in tests.values())
    return {c: b if noise_known else dataclasses.replace(b, values=None)
            for c, b in found.items() if b is not None}


ORIGINAL = Candidate((), "original", "original", 0.0, "the original program")
"""No edit: :func:`observed` runs the original program's tests as a candidate's."""
ORIGINAL_AGAIN = Candidate((), "original", "original", 0.0, "the original program, again")
"""The original program's second run, where values are recorded: what differs between the two
is noise (:func:`apr.rank.behaviour.compare`)."""


def estimated(results: Sequence[ValidationResult], generated: Generated,
              lang: LanguageSupport, root: Path,
              behaviours: Mapping[Candidate, Behaviour] | None = None,
              ) -> list[ValidationResult]:
    """``results`` with a correctness estimate on each plausible one (:mod:`apr.rank`), which
    :func:`_plausible` then orders them by; ``behaviours``: the plausible patches' behaviour
    on the tests (:func:`observed`), when known for all of them."""
    hunks = generated.hunks
    top = max((h.score for h in hunks), default=0.0) or 1.0

    def suspiciousness(candidate: Candidate) -> float:
        """The score of the candidate's hunk; for a multi-hunk one, the mean over its edits
        of the best hunk on the edit's lines."""
        if (own := generated.hunk_of.get(candidate)) is not None:
            return hunks[own].score / top
        scores = [max((h.score for h in hunks if h.file == e.file
                       and h.first_line <= _line(generated.sources[e.file], e.end)
                       and _line(generated.sources[e.file], e.start) <= h.last_line),
                      default=0.0) for e in candidate.edits]
        return sum(scores) / len(scores) / top if scores else 0.0

    est = Estimator(generated.sources, lang, tokens, suspiciousness,
                    Naturalness(root, generated.sources, lang), dict(behaviours or {}))
    ranked = {r.index: r for r in rank_plausible(_plausible(results), est)}
    return [ranked.get(r.index, r) if r.outcome is Outcome.PLAUSIBLE else r for r in results]


def _line(source: bytes, offset: int) -> int:
    return source.count(b"\n", 0, offset) + 1


def confirm_partials(run: ValidationRun, config: RepairConfig) -> list[ValidationResult]:
    """The run's results, its best partial patches (up to ``max_patches``, at most 3 tried
    each time one fails) run again on the whole suite: a partial patch passed the selected
    tests only, and the one reported must break no passing test anywhere; one the time
    left no room to check is not reported (outcome error)."""
    results = list(run.results)
    if not config.full_check:
        return results
    confirmed: list[ValidationResult] = []
    pending = _partial(results)
    while pending and len(confirmed) < config.max_patches:
        batch, pending = pending[:3], pending[3:]
        limits = dataclasses.replace(run.limits, budget=len(batch), max_patches=len(batch),
                                     select=False, deadline=run.limits.deadline + 60)
        checked = run.validator.with_limits(limits).validate([r.candidate for r in batch],
                                                             config.workers)
        again = {r.candidate: r for r in checked}
        for old in batch:
            new = again.get(old.candidate)
            kept = dataclasses.replace(new, index=old.index) if new is not None else \
                dataclasses.replace(old, outcome=Outcome.ERROR, diff="",
                                    detail="not checked on the whole suite in time")
            results[results.index(old)] = kept
            if kept.outcome is Outcome.PARTIAL:
                confirmed.append(kept)
    return results


def _status(results: Sequence[ValidationResult]) -> RepairStatus:
    if _plausible(results):
        return RepairStatus.PLAUSIBLE
    if _partial(results):
        return RepairStatus.PARTIAL
    return RepairStatus.NONE


def _nothing_to_fix(baseline: TestRun, expect: Expectation) -> str:
    if not baseline.failing:
        return f"all {len(baseline.outcomes)} tests pass: nothing to repair"
    return (f"no test to fix: {len(expect.flaky)} failing test(s) passed when run again "
            f"(flaky: {', '.join(expect.flaky[:3])})")


def _tolerated_note(expect: Expectation) -> str:
    parts = []
    if expect.preexisting:
        parts.append(f"{len(expect.preexisting)} pre-existing failure(s) tolerated")
    if expect.flaky:
        parts.append(f"flaky, ignored: {', '.join(expect.flaky)}")
    return f" ({'; '.join(parts)})" if parts else ""


def _codeless_note(baseline: TestRun, expect: Expectation, config: RepairConfig,
                   is_test_file: Callable[[str], bool]) -> str:
    """A hint when some targets (not named by the user) ran none of the project's code while
    others did: no patch can make them pass, and they may fail for a reason outside the code
    (a locale, tool or service the machine lacks), which would keep every patch from being
    plausible."""
    if config.failing or not baseline.coverage:
        return ""
    ran = {t: any(lines for file, lines in baseline.coverage.get(t, {}).items()
                  if not is_test_file(file)) for t in expect.targets}
    codeless = sorted(t for t, some in ran.items() if not some)
    if not codeless or len(codeless) == len(ran):
        return ""
    shown = ", ".join(codeless[:3]) + (f" and {len(codeless) - 3} more" if len(codeless) > 3
                                       else "")
    return (f"; {len(codeless)} of them ran none of the project's code ({shown}): no patch can "
            "make them pass; if they fail for a reason outside the code, name the others "
            "with --failing")


def _localize(baseline: TestRun, snapshot: Snapshot, driver: TestDriver, lang: LanguageSupport,
              config: RepairConfig) -> list[Location]:
    """SBFL over the baseline, on the snapshot's own files only: a covered line or a traceback
    frame outside the project's tree (apr's plugin, site-packages, ``../..``) is never a
    suspect, so no candidate can ever edit a file outside it."""
    tracked = set(snapshot.repo.git.ls_files().splitlines())

    def keep(file: str) -> bool:
        return file in tracked and file.endswith(lang.extensions) \
            and not driver.is_test_file(file)

    return localize(baseline, config.fl, keep, _frame_resolver(snapshot, tracked),
                    _function_entry(snapshot, lang))


def _function_entry(snapshot: Snapshot, lang: LanguageSupport) -> Callable[[str, int], bool]:
    """Whether a traceback frame at (file, line) may stand at a function's entry: the line
    that starts a function (its header) or a decorator line. Answers are kept: a deep
    recursion's traceback repeats its frames."""

    @functools.cache
    def read(file: str) -> bytes:
        try:
            return snapshot.read(file)
        except OSError:
            return b""

    @functools.cache
    def entry(file: str, line: int) -> bool:
        source = read(file)
        lines = source.split(b"\n")
        if 0 < line <= len(lines) and lines[line - 1].lstrip().startswith(b"@"):
            return True
        span = lang.enclosing_function(source, line)
        return span is not None and span.first_line == line

    return entry


def _frame_resolver(snapshot: Snapshot, tracked: set[str]) -> Callable[[str], str | None]:
    """Turns a path as a traceback writes it into a file of the snapshot (or None)."""
    project, root = snapshot.user.project, str(snapshot.dir)
    listed = sorted(tracked)

    def resolve(path: str) -> str | None:
        if path.startswith("/"):
            if not path.startswith(root + "/"):
                return None
            parts = Path(path).relative_to(root).parts[1:]  # drop the workspace's own folder
            inside = posixpath.normpath("/".join(parts))
        else:
            inside = posixpath.normpath(f"{project}/{path}" if project else path)
        if inside in tracked:
            return inside
        if inside.startswith("..") or path.startswith("/"):
            return None
        return resolve_suffix(path, listed)  # a Java frame (pkg/Cls.java)

    return resolve


def _validate(snapshot: Snapshot, driver: TestDriver, seconds: Mapping[str, float], plan: Plan,
              candidates: Sequence[Candidate], config: RepairConfig,
              times: tuple[float, float], progress: Progress, cache: CacheScope | None = None,
              remote: Remote | None = None, pool: WorkspacePool | None = None,
              ) -> tuple[ValidationRun, list[float]]:
    """Validate in rank order; the run goes on with the multi-hunk phase. The list gets when
    (seconds since the run started) the first plausible patch arrived. ``seconds``: the tests'
    times (:func:`finished_seconds`); ``times`` is (start, deadline) in ``time.monotonic()``
    terms."""
    started, deadline = times
    timeouts = validation_timeouts(seconds, config)
    first_phase = 1 if config.search_on > 0 else config.max_patches  # then search_on()
    limits = Limits(budget=config.budget, deadline=deadline, max_patches=first_phase,
                    test_timeout=timeouts["test_timeout"], run_timeout=timeouts["run_timeout"],
                    select=config.select_tests, full_check=config.full_check)
    first: list[float] = []

    def on_result(result: ValidationResult, done: int, offered: int) -> None:
        if not first and result.is_patch:
            first.append(round(time.monotonic() - started, 3))
        progress.validated(result, done, min(offered, config.budget))

    validator = Validator(snapshot, driver, plan, limits, cache, remote, pool)
    run = ValidationRun(validator, config.workers, on_result, cache)
    run.validate(candidates)
    return run, first


def search_on(run: ValidationRun, generated: Generated, config: RepairConfig) -> None:
    """After the first plausible patch, look for up to ``max_patches`` in all, within
    ``search_on`` of the budget and of the time left: the single-hunk candidates not yet
    validated, those at the first patch's place (hunk) and of its family (template) first, then
    the rest of that place, then the others, each group in rank order. Where one overfitting
    patch passed, a variant of it at the same place is the cheapest next guess; the candidates
    found are ranked afterwards (:mod:`apr.rank`)."""
    first = _plausible(run.results)[0]
    tried = {r.candidate for r in run.results}
    rest = [c for c in generated.candidates if c not in tried]
    extra = int(run.remaining * config.search_on)
    left = run.limits.deadline - time.monotonic()
    if extra < 1 or left <= 0 or not rest:
        return
    run.limits = dataclasses.replace(
        run.limits, budget=len(run.results) + extra, max_patches=config.max_patches,
        deadline=time.monotonic() + left * config.search_on)
    run.validate(nearest_first(first.candidate, rest, generated.hunk_of))


def nearest_first(found: Candidate, candidates: Sequence[Candidate],
                  hunk_of: Mapping[Candidate, int]) -> list[Candidate]:
    """``candidates`` reordered: same hunk and family as ``found``, then same hunk, then the
    rest; rank order kept within each group."""
    hunk = hunk_of.get(found)

    def group(c: Candidate) -> int:
        if hunk is None or hunk_of.get(c) != hunk:
            return 2
        return 0 if c.template == found.template else 1

    return sorted(candidates, key=group)


_BROKEN = (Outcome.APPLY_FAILED, Outcome.COMPILE_FAILED, Outcome.TIMEOUT)


def validation_order(generated: Generated, gens: Sequence[Generator], config: RepairConfig,
                     ) -> tuple[list[Candidate], list[Candidate]]:
    """The single-hunk candidates validated before the multi-hunk phase, and those after it.

    With one hunk, all come before. With two or more, :func:`multihunk_reserve` of the budget is
    kept for that phase (none by default), and the candidates of *late* generators (``late``
    true: mask-fill with the local LM, whose fillings rank after the templates by design) wait
    for it: for a bug localized at several places, a combination of the hunks' best candidates
    is a better bet than the weakest single-hunk ones.
    """
    candidates = generated.candidates
    if not config.multihunk or len(_hunks_of(generated)) < 2:
        return candidates, []
    late = {g.name for g in gens if getattr(g, "late", False)}
    reserve = multihunk_reserve(generated, config)
    head = [c for c in candidates if c.generator not in late][: config.budget - reserve]
    chosen = set(head)
    return head, [c for c in candidates if c not in chosen]


def multihunk_reserve(generated: Generated, config: RepairConfig) -> int:
    """How much of the budget the multi-hunk phase is promised: ``multihunk_share`` of it when
    two or more hunks have candidates (else 0). Without it, a long single-hunk tail can spend
    the whole budget before any multi-hunk patch is tried; with it, that tail waits its turn."""
    if not config.multihunk or len(_hunks_of(generated)) < 2:
        return 0
    return int(config.budget * config.multihunk_share)


def _hunks_of(generated: Generated) -> set[int]:
    """The hunks that have candidates."""
    return {h for c in generated.candidates if (h := generated.hunk_of.get(c)) is not None}


def _multi_hunk(run: ValidationRun, generated: Generated, expect: Expectation,
                config: RepairConfig, lang: LanguageSupport,
                progress: Progress) -> list[Candidate]:
    """Run the strategies of ``config.multihunk``, in order, while the run has budget, time and
    too few plausible patches; return the multi-hunk candidates offered for validation."""
    lists = _hunk_lists(run, generated, config.multihunk_hunks)
    offered: list[Candidate] = []

    def checked(candidate: Candidate | None) -> Candidate | None:
        if candidate is None or not rank([candidate], generated.sources, lang):
            return None  # overlapping parts, or the parts together break the parse
        offered.append(candidate)
        return candidate

    seen: set[frozenset[Edit]] = set()
    for strategy in config.multihunk if len(lists) >= 2 else ():
        if run.finished:
            break
        progress.stage("multihunk", f"{strategy}, {len(lists)} hunks")
        if strategy == "greedy":  # counts failing tests: never skips what other phases ran
            greedy(lists, run, lambda parts: checked(merge(parts, "greedy")),
                   len(expect.targets), config.multihunk_depth)
            continue
        if strategy == "same":
            found = iter(same_change(lists, generated.sources, config.multihunk_depth))
        else:
            found = combinations(lists, config.multihunk_top_k)
        run.validate(_fresh(found, seen, checked, run.remaining))
    return offered


def _hunk_lists(run: ValidationRun, generated: Generated, limit: int) -> list[list[Candidate]]:
    """The candidates of the first ``limit`` hunks that have any, in rank order, without those
    that failed to apply, compile or finish on their own."""
    broken = {r.candidate for r in run.results if r.outcome in _BROKEN}
    lists = group_by_hunk(generated.candidates, generated.hunk_of, len(generated.hunks))
    kept = ([c for c in hunk if c not in broken] for hunk in lists)
    return [hunk for hunk in kept if hunk][:limit]


def _fresh(found: Iterable[Candidate], seen: set[frozenset[Edit]],
           checked: Callable[[Candidate], Candidate | None], limit: int) -> list[Candidate]:
    """Up to ``limit`` of ``found`` not seen before (by their edits) that pass ``checked``."""
    batch: list[Candidate] = []
    for candidate in found:
        if len(batch) >= limit:
            break
        key = frozenset(candidate.edits)
        if key not in seen and checked(candidate) is not None:
            seen.add(key)
            batch.append(candidate)
    return batch


def validation_timeouts(seconds: Mapping[str, float], config: RepairConfig,
                        ) -> dict[str, float]:
    """Per-test and per-run time limits for validation, from the tests' own times
    (:func:`finished_seconds`: those that finished).

    A test gets 10x the slowest test that finished (at least 2 s, at most ``test_timeout``): a
    candidate that makes the code loop forever costs seconds, not minutes. A whole run gets 3x
    the time the finished tests took, plus 30 s for start-up.
    """
    slowest = max(seconds.values(), default=1.0)
    test_timeout = min(config.test_timeout, max(2.0, 10 * slowest))
    return {"test_timeout": test_timeout, "run_timeout": 30.0 + 3 * sum(seconds.values())}


def _plausible(results: Sequence[ValidationResult]) -> list[ValidationResult]:
    """Plausible patches, best first: the highest correctness estimate (when estimated), then
    the first validated."""
    return sorted((r for r in results if r.is_patch),
                  key=lambda r: (-r.estimate.get("total", 0.0), r.index))


def _partial(results: Sequence[ValidationResult]) -> list[ValidationResult]:
    """Partial patches, best first: the most targets fixed, then rank."""
    return sorted((r for r in results if r.outcome is Outcome.PARTIAL and r.duplicate_of is None),
                  key=lambda r: (-len(r.fixed_tests), r.index))


def _test_stages(results: Sequence[ValidationResult]) -> dict[str, float]:
    total: dict[str, float] = {}
    for r in results:
        for key, value in r.test_stages.items():
            total[key] = round(total.get(key, 0) + value, 3)
    return total


def _finish(status: RepairStatus, record: RunRecord, started: float, baseline: TestRun,
            locations: Sequence[Location] = (), candidates: Sequence[Candidate] = (),
            results: Sequence[ValidationResult] = (), max_patches: int = 1,
            message: str = "", first_plausible: float | None = None,
            expect: Expectation | None = None) -> RepairResult:
    outcomes: dict[str, int] = {}
    for r in results:
        outcomes[r.outcome.value] = outcomes.get(r.outcome.value, 0) + 1
    patches = _plausible(results) if status is not RepairStatus.PARTIAL else _partial(results)
    expect = expect or expectation(baseline, None)
    result = RepairResult(
        status=status, patches=tuple(patches[:max_patches]),
        localization=tuple(locations), failing_tests=expect.targets,
        candidates_generated=len(candidates), candidates_validated=len(results),
        seconds=round(time.monotonic() - started, 3), stages=dict(record.stages),
        message=message, outcomes=outcomes, first_plausible_seconds=first_plausible,
        preexisting_failures=expect.preexisting, flaky_tests=expect.flaky,
        test_stages=_test_stages(results))
    record.save("result", result)
    return result
