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
import json
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from apr import config as config_mod
from apr.config import RepairConfig
from apr.errors import CannotReproduce, NoTestsFound, ProjectBroken, TestCommandTimeout, UsageError
from apr.generate import GENERATORS, BatchGenerator
from apr.generate.base import Context, Generator
from apr.generate.multihunk import (
    check_strategies,
    combinations,
    group_by_hunk,
    merge,
    same_change,
)
from apr.generate.ranking import rank
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
    ValidationResult,
    to_json,
)
from apr.project import TestDriver, make_driver
from apr.project.workspace import Snapshot, UserRepo, Workspace
from apr.validate.cache import CacheScope, ValidationCache
from apr.validate.multihunk import ValidationRun, greedy
from apr.validate.validator import Limits, Validator


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
        settings: dict[str, Any] = tomllib.loads(text).get("settings", {})
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"pipeline {name}: invalid TOML: {exc}") from None
    return settings


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
    run = driver.run(ws.project_dir, ws.root, coverage=True, timeout=config.suite_timeout,
                     test_timeout=config.test_timeout)
    if run.timed_out:
        raise TestCommandTimeout(
            f"the test command ran past --suite-timeout ({config.suite_timeout:g} s); "
            "raise it or pass a narrower --test", detail=run.output[-4000:])
    if run.errors:
        first = run.errors[0].strip().splitlines()
        raise ProjectBroken(f"the tests cannot be collected: {first[-1] if first else '?'}",
                            detail="\n\n".join(run.errors)[-4000:])
    if not run.outcomes:
        raise NoTestsFound(f"no tests were collected by `{' '.join(driver.argv(ws.project_dir))}`"
                           f" (exit code {run.returncode})", detail=run.output[-4000:])
    return run


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
    """

    path: Path
    config: RepairConfig
    run_dir: Path | None = None
    locations: tuple[Location, ...] | None = None
    cache: ValidationCache | None = None


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
    driver = make_driver(task.config.driver, user.root / user.project, task.config.language,
                         task.config.test_command)
    try:
        with record.stage("snapshot"):
            progress.stage("snapshot", str(user.root))
            snapshot = Snapshot(user)
        with snapshot:
            return _repair_in(snapshot, driver, lang, task, record, progress, started, gens)
    finally:
        driver.close()


def _repair_in(snapshot: Snapshot, driver: TestDriver, lang: LanguageSupport, task: RepairTask,
               record: RunRecord, progress: Progress, started: float,
               gens: Sequence[Generator]) -> RepairResult:
    config = task.config
    deadline = started + config.time_limit
    with record.stage("baseline"):
        progress.stage("baseline", "running the tests with coverage")
        ws = snapshot.workspace("baseline")
        baseline = run_baseline(ws, driver, config)
    record.save("baseline", baseline)
    if not baseline.failing:
        return _finish(RepairStatus.NOTHING_TO_FIX, record, started, baseline,
                       message=f"all {len(baseline.outcomes)} tests pass: nothing to repair")
    with record.stage("localize"):
        given = task.locations is not None
        progress.stage("localize", f"{len(baseline.failing)} failing test(s), "
                       f"{'given locations' if given else config.fl}")
        locations = list(task.locations or ()) if given else _localize(
            baseline, snapshot, driver, lang, config)
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
        cache = task.cache.scope(snapshot, config.test_command) if task.cache else None
        run, first = _validate(snapshot, driver, baseline, head, config,
                               (started, deadline), progress, cache)
    with record.stage("multihunk"):
        multi = _multi_hunk(run, generated, baseline, config, lang, progress)
    record.save("multihunk", multi)
    if tail and not run.finished:
        with record.stage("validate"):
            progress.stage("validate", "the rest of the single-hunk candidates")
            run.validate(tail)
    results = run.results
    return _finish(RepairStatus.PLAUSIBLE if _plausible(results) else RepairStatus.NONE, record,
                   started, baseline, locations, [*candidates, *multi], results,
                   config.max_patches, first_plausible=first[0] if first else None)


def _localize(baseline: TestRun, snapshot: Snapshot, driver: TestDriver, lang: LanguageSupport,
              config: RepairConfig) -> list[Location]:
    def keep(file: str) -> bool:
        return file.endswith(lang.extensions) and not driver.is_test_file(file)

    project, root = snapshot.user.project, str(snapshot.dir)
    listed: list[str] = []

    def resolve(path: str) -> str | None:
        if path.startswith("/"):
            if not path.startswith(root):
                return None
            parts = Path(path).relative_to(root).parts[1:]  # drop the workspace's own folder
            return "/".join(parts)
        relative = f"{project}/{path}" if project else path
        if (snapshot.repo_dir / relative).is_file():
            return relative
        if not listed:  # a Java frame (pkg/Cls.java): find it under the source folders
            listed.extend(snapshot.repo.git.ls_files().splitlines())
        return resolve_suffix(path, listed)

    return localize(baseline, config.fl, keep, resolve)


def _validate(snapshot: Snapshot, driver: TestDriver, baseline: TestRun,
              candidates: Sequence[Candidate], config: RepairConfig,
              times: tuple[float, float], progress: Progress, cache: CacheScope | None = None,
              ) -> tuple[ValidationRun, list[float]]:
    """Validate in rank order; the run goes on with the multi-hunk phase. The list gets when
    (seconds since the run started) the first plausible patch arrived. ``times`` is (start,
    deadline) in ``time.monotonic()`` terms."""
    started, deadline = times
    timeouts = validation_timeouts(baseline, config)
    limits = Limits(budget=config.budget, deadline=deadline, max_patches=config.max_patches,
                    test_timeout=timeouts["test_timeout"], run_timeout=timeouts["run_timeout"])
    first: list[float] = []

    def on_result(result: ValidationResult, done: int, offered: int) -> None:
        if not first and result.outcome is Outcome.PLAUSIBLE:
            first.append(round(time.monotonic() - started, 3))
        progress.validated(result, done, min(offered, config.budget))

    run = ValidationRun(Validator(snapshot, driver, baseline, limits, cache), config.workers,
                        on_result, cache)
    run.validate(candidates)
    return run, first


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


def _multi_hunk(run: ValidationRun, generated: Generated, baseline: TestRun,
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
                   len(baseline.failing), config.multihunk_depth)
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


def validation_timeouts(baseline: TestRun, config: RepairConfig) -> dict[str, float]:
    """Per-test and per-run time limits for validation, from the baseline's own durations.

    A test gets 10x the slowest test that finished in the baseline (at least 2 s, at most
    ``test_timeout``): a candidate that makes the code loop forever costs seconds, not minutes.
    A whole run gets 3x the time the finished tests took, plus 30 s for start-up.
    """
    finished = [s for t, s in baseline.durations.items() if baseline.outcomes[t] != "timeout"]
    slowest = max(finished, default=1.0)
    test_timeout = min(config.test_timeout, max(2.0, 10 * slowest))
    return {"test_timeout": test_timeout, "run_timeout": 30.0 + 3 * sum(finished)}


def _plausible(results: Sequence[ValidationResult]) -> list[ValidationResult]:
    return sorted((r for r in results if r.outcome is Outcome.PLAUSIBLE), key=lambda r: r.index)


def _finish(status: RepairStatus, record: RunRecord, started: float, baseline: TestRun,
            locations: Sequence[Location] = (), candidates: Sequence[Candidate] = (),
            results: Sequence[ValidationResult] = (), max_patches: int = 1,
            message: str = "", first_plausible: float | None = None) -> RepairResult:
    outcomes: dict[str, int] = {}
    for r in results:
        outcomes[r.outcome.value] = outcomes.get(r.outcome.value, 0) + 1
    result = RepairResult(
        status=status, patches=tuple(_plausible(results)[:max_patches]),
        localization=tuple(locations), failing_tests=baseline.failing,
        candidates_generated=len(candidates), candidates_validated=len(results),
        seconds=round(time.monotonic() - started, 3), stages=dict(record.stages),
        message=message, outcomes=outcomes, first_plausible_seconds=first_plausible)
    record.save("result", result)
    return result
