"""`apr ci`: one repair with CI-sized defaults, and every output a CI job wants from it.

The repair is :func:`apr.pipeline.repair` with the ``ci`` pipeline unless another is named.
Around it: an early check of the fix branch's name, the validation cache (so a re-run on the
same commit re-tests nothing it already tested), and the outputs, written whatever the verdict,
also when the failure cannot be reproduced: the text summary and, on GitHub Actions (or when
asked), workflow annotations on stdout; the Markdown summary (appended to
``$GITHUB_STEP_SUMMARY``, and/or ``--summary``); SARIF; the JSON report; patch files; step
outputs (``$GITHUB_OUTPUT``); and the fix branch with the commands that publish it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from apr.ci.branch import (
    FixBranch,
    check_branch_name,
    create_fix_branch,
    default_branch_name,
    head_sha,
)
from apr.ci.environment import CIEnvironment
from apr.config import RepairConfig
from apr.errors import CannotReproduce, ExitCode
from apr.lang.text import ERRORS, encode_source, print_source
from apr.model import RepairResult, RepairStatus
from apr.validate.cache import CacheStats, ValidationCache

DEFAULT_PIPELINE = "ci"

_EXIT = {RepairStatus.PLAUSIBLE: ExitCode.OK, RepairStatus.NOTHING_TO_FIX: ExitCode.OK,
         RepairStatus.NONE: ExitCode.NO_PATCH, RepairStatus.PARTIAL: ExitCode.NO_PATCH,
         RepairStatus.CANNOT_REPRODUCE: ExitCode.CANNOT_REPRODUCE}


@dataclass(frozen=True, slots=True)
class CIOptions:
    """What `apr ci` writes besides the repair itself; every output is optional.

    Attributes:
        summary: write the Markdown summary here (besides ``$GITHUB_STEP_SUMMARY``).
        sarif: write the SARIF log here.
        report: write the JSON report here.
        patches_dir: write each plausible patch here as ``patch-<rank>.diff``.
        annotations: print workflow annotations; ``None``: only under GitHub Actions.
        max_annotations: at most this many annotations.
        max_locations: suspicious lines in the summary and the SARIF log.
        branch: commit the best patch on this new branch.
        commit: commit it on ``apr/fix-<short sha>`` when no ``branch`` is named.
        cache_dir: the validation cache's directory; ``None``: no cache.
        run_dir: record every stage's values here.
        quiet: no progress display.
        cluster: test candidates on this Dask cluster (:mod:`apr.cluster`).
    """

    summary: Path | None = None
    sarif: Path | None = None
    report: Path | None = None
    patches_dir: Path | None = None
    annotations: bool | None = None
    max_annotations: int = 10
    max_locations: int = 10
    branch: str | None = None
    commit: bool = False
    cache_dir: Path | None = None
    run_dir: Path | None = None
    quiet: bool = False
    cluster: str | None = None


@dataclass(frozen=True, slots=True)
class CIOutcome:
    """What `apr ci` did: the result, its exit code, the branch made, the cache's work."""

    result: RepairResult
    exit_code: ExitCode
    branch: FixBranch | None = None
    cache: CacheStats | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class _Run:
    """Everything the outputs are made from."""

    outcome: CIOutcome
    config: RepairConfig
    root: Path
    env: CIEnvironment
    options: CIOptions
    commit: str | None
    settings: dict[str, Any] = field(default_factory=dict)


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """``$APR_CACHE_DIR``, else ``$XDG_CACHE_HOME/apr``, else ``~/.cache/apr``."""
    if environ.get("APR_CACHE_DIR"):
        return Path(environ["APR_CACHE_DIR"]).expanduser()
    return Path(environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / "apr"


def run_ci(path: Path, flags: Mapping[str, Any], options: CIOptions, env: CIEnvironment,
           out: TextIO | None = None) -> CIOutcome:
    """Repair the project at ``path`` and write every output ``options`` asks for.

    ``flags`` are config flags as for `apr repair` (``None`` = not given); the pipeline
    defaults to ``ci``. Returns the outcome; "cannot reproduce" is an outcome here (exit 3),
    reported in every output, not an exception.

    Raises:
        UsageError: a bad path, setting or branch name (before any test runs).
    """
    from apr.pipeline import resolve_config
    from apr.project.workspace import UserRepo

    out = out or sys.stdout
    user = UserRepo.locate(path)
    config = resolve_config(user.root / user.project,
                            {**flags, "pipeline": flags.get("pipeline") or DEFAULT_PIPELINE})
    branch = _branch_name(user.root, options)
    if options.cache_dir is not None:
        _warn_if_cache_in_tree(user.root, options.cache_dir)
    result, detail, stats = _repair(path, config, options)
    fix = _fix_branch(user.root, result, branch, env, options, out)
    outcome = CIOutcome(result, _EXIT[result.status], fix, stats, detail)
    commit = env.sha or head_sha(user.root)
    _emit(_Run(outcome, config, user.root, env, options, commit, _settings(config)), out)
    return outcome


def _branch_name(root: Path, options: CIOptions) -> str | None:
    name = options.branch or (default_branch_name(root) if options.commit else None)
    if name is not None:
        check_branch_name(root, name)
    return name


def _repair(path: Path, config: RepairConfig,
            options: CIOptions) -> tuple[RepairResult, str, CacheStats | None]:
    """The repair's result (an empty one when the failure cannot be reproduced), the failure's
    log tail, and the cache's statistics."""
    from apr.cluster.validation import cluster_tests  # no Dask import until it connects
    from apr.pipeline import RepairTask, repair
    from apr.progress import make_display

    cache = _open_cache(options.cache_dir)
    task = RepairTask(path=path, config=config, run_dir=options.run_dir, cache=cache,
                      remote=cluster_tests(options.cluster) if options.cluster else None)
    try:
        with make_display(quiet=options.quiet) as progress:
            return repair(task, progress), "", cache.stats if cache else None
    except CannotReproduce as exc:
        print(f"apr: error: {exc}", file=sys.stderr)
        empty = RepairResult(RepairStatus.CANNOT_REPRODUCE, (), (), (), 0, 0, 0.0, {}, str(exc))
        return empty, exc.detail, cache.stats if cache else None
    finally:
        if cache is not None:
            cache.close()


def _open_cache(directory: Path | None) -> ValidationCache | None:
    """The cache, or ``None`` (with a warning) when it cannot be opened: a cache never fails a
    run."""
    if directory is None:
        return None
    try:
        return ValidationCache(directory)
    except (OSError, sqlite3.Error) as exc:
        print(f"apr: warning: validation cache disabled: {directory}: {exc}", file=sys.stderr)
        return None


def _warn_if_cache_in_tree(root: Path, directory: Path) -> None:
    """A cache inside the repository that git does not ignore would be copied into every
    snapshot, so each run would see other code (another tree sha) and nothing would match."""
    import git

    try:
        inside = directory.expanduser().resolve().relative_to(root)
    except ValueError:
        return
    try:
        git.Repo(root).git.check_ignore("-q", "--no-index", f"{inside.as_posix()}/")
    except git.GitCommandError:
        print(f"apr: warning: the cache directory {directory} is inside the repository and not "
              "ignored by git; add it to .gitignore (or .git/info/exclude), or every run will "
              "miss the cache", file=sys.stderr)


def _fix_branch(root: Path, result: RepairResult, name: str | None, env: CIEnvironment,
                options: CIOptions, out: TextIO) -> FixBranch | None:
    if name is None:
        return None
    if not result.patches or result.status is not RepairStatus.PLAUSIBLE:
        print(f"apr: no plausible patch, so no branch {name} was created", file=out)
        return None
    fix = create_fix_branch(root, result, name, env, body_file=options.summary)
    print(f"apr: committed patch 1 as {fix.sha[:12]} on branch {fix.name} (your branch, HEAD "
          "and work tree are unchanged); to publish it:", file=out)
    for hint in fix.hints:
        print(f"  {hint}", file=out)
    return fix


def _settings(config: RepairConfig) -> dict[str, Any]:
    from apr.config import as_dict

    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in as_dict(config).items()}


# --- outputs --------------------------------------------------------------------------------


def _emit(run: _Run, out: TextIO) -> None:
    from apr.ci.annotations import workflow_annotations
    from apr.report import summary

    result, options = run.outcome.result, run.options
    print_source(summary(result), out)
    if options.annotations if options.annotations is not None else run.env.is_github:
        for line in workflow_annotations(result, options.max_annotations):
            print(line, file=out)
    if options.report:
        _write(options.report, json.dumps(_report(run), indent=2) + "\n")
    if options.patches_dir:
        _write_patches(options.patches_dir, result)
    if options.sarif:
        _write_sarif(run, options.sarif)
    _write_summaries(run)
    _write_step_outputs(run)


def _report(run: _Run) -> dict[str, Any]:
    """The JSON report of `apr repair`, plus the cache's statistics and the CI context."""
    from apr.report import report_dict

    data = report_dict(run.outcome.result, run.settings)
    stats = run.outcome.cache
    if stats is not None:
        data["stats"]["cache"] = {"hits": stats.hits, "misses": stats.misses,
                                  "stored": stats.stored}
    fix = run.outcome.branch
    data["ci"] = {"provider": run.env.provider.value, "commit": run.commit,
                  "ref": run.env.ref_name, "run_url": run.env.run_url,
                  "branch": {"name": fix.name, "commit": fix.sha} if fix else None}
    return data


def _write_patches(folder: Path, result: RepairResult) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for rank, patch in enumerate(result.patches, 1):
        (folder / f"patch-{rank}.diff").write_bytes(encode_source(patch.diff))


def _write_sarif(run: _Run, path: Path) -> None:
    from apr.report.sarif import Provenance, sarif_log, write_sarif

    provenance = Provenance(root=run.root, repository_url=run.env.project_url,
                            revision=run.commit, branch=run.env.ref_name)
    log = sarif_log(run.outcome.result, _version(), provenance, run.options.max_locations)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_sarif(path, log)


def _write_summaries(run: _Run) -> None:
    text = _markdown(run)
    if run.options.summary:
        _write(run.options.summary, text)
    if run.env.step_summary:  # GitHub collects what each step appends
        _append(run.env.step_summary, text, "$GITHUB_STEP_SUMMARY")


def _markdown(run: _Run) -> str:
    from apr.report.markdown import SummaryContext, markdown_summary

    context = SummaryContext(
        settings=run.settings, source_url=run.env.source_url(run.commit), commit=run.commit,
        ref=run.env.ref_name, run_url=run.env.run_url, stats=_stat_lines(run.outcome.cache),
        notes=tuple(n for n in (_branch_note(run.outcome.branch),
                                _log_note(run.outcome.detail)) if n))
    return markdown_summary(run.outcome.result, context, max_locations=run.options.max_locations)


def _stat_lines(stats: CacheStats | None) -> tuple[str, ...]:
    if stats is None:
        return ()
    return (f"validation cache: {stats.hits} answered from earlier runs, "
            f"{stats.misses} validated anew, {stats.stored} stored",)


def _branch_note(fix: FixBranch | None) -> str:
    if fix is None:
        return ""
    commands = "\n".join(fix.hints)
    return (f"### Fix branch\n\nBranch `{fix.name}` (commit `{fix.sha[:12]}`) carries patch 1. "
            f"apr never pushes; publish it with:\n\n```sh\n{commands}\n```")


def _log_note(detail: str) -> str:
    if not detail:
        return ""
    tail = detail[-3000:].replace("```", "'''")
    return f"<details><summary>Test output</summary>\n\n```text\n{tail}\n```\n\n</details>"


def _write_step_outputs(run: _Run) -> None:
    """``status``, ``patches`` and ``branch`` as step outputs (``$GITHUB_OUTPUT``)."""
    target = run.env.output_file
    if target is None:
        return
    fix = run.outcome.branch
    lines = [f"status={run.outcome.result.status.value}",
             f"patches={len(run.outcome.result.patches)}",
             f"branch={fix.name if fix else ''}"]
    _append(Path(target), "\n".join(lines) + "\n", "$GITHUB_OUTPUT")


def _append(path: Path, text: str, what: str) -> None:
    """Append to a file the CI system named; one it does not let us write is a warning (the
    repair's result stands, and the other outputs are still written), not a crash."""
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        print(f"apr: warning: cannot write {what} ({path}): {exc.strerror or exc}",
              file=sys.stderr)


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temp file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.apr-tmp")
    tmp.write_text(text, encoding="utf-8", errors=ERRORS)
    os.replace(tmp, path)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("apr")
    except PackageNotFoundError:
        return "unknown"
