"""The `apr` command: parse the flags, call the library, map errors to exit codes.

Exit codes: 0 plausible patch found (or nothing to fix), 1 no plausible patch, 2 usage or config
error, 3 cannot reproduce (no failing test, tests cannot run), 4 internal error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from apr.errors import AprError, CannotReproduce, ExitCode

if TYPE_CHECKING:
    from apr.bench.base import Benchmark


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="apr", description="Automated program repair: find the faulty statement behind a "
        "failing test, generate candidate fixes, and keep those the tests accept.")
    parser.add_argument("--version", action="version", version=f"apr {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    repair = sub.add_parser("repair", help="repair a repository with a failing test",
                            description="Repair the git repository at PATH. Without --apply or "
                            "--branch, the repository is only read, never written.")
    _add_repair(repair)
    _add_cluster(repair, "test candidates on this Dask cluster's workers")
    _add_ci(sub.add_parser("ci", help="repair in a CI job: summary, SARIF, annotations, branch",
                           description="Repair the git repository at PATH (default: .) with the "
                           "ci pipeline's budget, and write what a CI job shows: a Markdown "
                           "summary ($GITHUB_STEP_SUMMARY), SARIF, annotations, a fix branch. "
                           "The repository is only read, except for --branch/--commit, which "
                           "add a branch (never pushed)."))
    _add_bench(sub.add_parser("bench", help="benchmarks of known bugs",
                              description="Work with benchmark suites of known bugs."))
    _add_mine(sub.add_parser("mine", help="mine bug-fix pairs from git history (JSONL)",
                             description="Read the history of each REPO and write the small "
                             "hunks of fix commits as bug-fix pairs, one JSON object a line."))
    _add_train(sub.add_parser("train", help="fine-tune a repair model on bug-fix pairs",
                              description="Fine-tune a seq2seq model (or train one from "
                              "scratch) on bug-fix pairs; see docs/training.md."))
    return parser


def _add_ci(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", nargs="?", default=".",
                   help="the repository (or a project directory in it; default: .)")
    p.add_argument("--test", dest="test_command", metavar="CMD", help="the test command")
    p.add_argument("--lang", dest="language", metavar="LANG", help="language (default: detected)")
    p.add_argument("--driver", metavar="NAME", help="test driver (default: detected)")
    p.add_argument("--pipeline", metavar="NAME", help="pipeline name or TOML file (default: ci)")
    _add_tests(p)
    _add_model(p)
    _add_cluster(p, "test candidates on this Dask cluster's workers")
    p.add_argument("--budget", type=int, metavar="N", help="validate at most N candidates")
    p.add_argument("--time-limit", type=float, metavar="SECONDS", help="stop after this long")
    p.add_argument("--workers", type=int, metavar="N", help="parallel validations")
    p.add_argument("--fl", metavar="FORMULA", choices=["ochiai", "dstar", "tarantula"],
                   help="fault localization formula: ochiai (default), dstar, tarantula")
    _add_search(p)
    p.add_argument("--test-timeout", type=float, metavar="SECONDS", help="one test's time limit")
    p.add_argument("--suite-timeout", type=float, metavar="SECONDS",
                   help="the first whole test run's time limit")
    p.add_argument("--summary", metavar="FILE.md", help="write the Markdown summary here (it "
                   "is also appended to $GITHUB_STEP_SUMMARY when set)")
    p.add_argument("--sarif", metavar="FILE.sarif", help="write a SARIF 2.1.0 log here")
    p.add_argument("--report", metavar="FILE.json", help="write the JSON report here")
    p.add_argument("--patches-dir", metavar="DIR", help="write patch-N.diff files here")
    p.add_argument("--run-dir", metavar="DIR", help="record every stage's values here")
    p.add_argument("--annotations", action=argparse.BooleanOptionalAction, default=None,
                   help="print GitHub workflow annotations (default: under GitHub Actions)")
    p.add_argument("--max-annotations", type=int, default=10, metavar="N",
                   help="at most N annotations (default: 10)")
    p.add_argument("--max-locations", type=int, default=10, metavar="N",
                   help="suspicious lines in the summary and SARIF (default: 10)")
    p.add_argument("--branch", metavar="NAME", help="commit the best patch on this new branch "
                   "(the current branch and work tree stay as they are; nothing is pushed)")
    p.add_argument("--commit", action="store_true", help="like --branch apr/fix-<short sha>")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 whatever the outcome, "
                   "except usage errors (report-only jobs)")
    p.add_argument("--cache-dir", metavar="DIR", help="validation cache (default: "
                   "$APR_CACHE_DIR or ~/.cache/apr)")
    p.add_argument("--no-cache", action="store_true", help="do not use the validation cache")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress display")


def _add_bench(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="bench_command", metavar="SUBCOMMAND", required=True)
    co = sub.add_parser("checkout", help="check a bug out as a fresh git repository",
                        description="Copy a bug's buggy tree (a directory with bug.toml, e.g. "
                        "benchmarks/python/<bug>) into DEST as a git repository with one commit.")
    co.add_argument("bug", metavar="BUG_DIR")
    co.add_argument("dest", metavar="DEST")
    ls = sub.add_parser("list", help="list a suite's bugs")
    _add_suite_args(ls)
    run = sub.add_parser("run", help="repair every bug of a suite; one JSON line per bug",
                         description="Repair each bug of SUITE and write DIR/results.jsonl "
                         "(resumable: bugs already there are skipped).")
    _add_suite_args(run)
    run.add_argument("--bugs", metavar="ID,...", help="only these bugs")
    run.add_argument("--fl", choices=["perfect", "sbfl"], default="sbfl",
                     help="perfect: the developer patch's buggy lines; sbfl: from coverage")
    run.add_argument("--formula", default="ochiai", choices=["ochiai", "dstar", "tarantula"])
    run.add_argument("--pipeline", default="default", metavar="NAME")
    _add_model(run)
    run.add_argument("--budget", type=int, default=500, metavar="N")
    run.add_argument("--time-limit", type=float, default=600.0, metavar="SECONDS",
                     help="per bug")
    run.add_argument("--workers", type=int, metavar="N", help="each bug's parallel "
                     "validations (default: the cores; 1 with --cluster, where the bugs run "
                     "side by side)")
    run.add_argument("--test-timeout", type=float, default=10.0, metavar="SECONDS",
                     help="time limit for one test in the first run (buggy code hangs)")
    run.add_argument("--engine", choices=["warm", "cold", "check"], default="warm",
                     help="how candidates' tests run (see apr repair --help)")
    _add_search(run)
    _add_cluster(run, "each bug a task on this Dask cluster")
    run.add_argument("--out", required=True, metavar="DIR")
    rep = sub.add_parser("report", help="tables (text, Markdown, HTML) of a bench run")
    rep.add_argument("out", metavar="DIR")
    cmp = sub.add_parser("compare", help="two bench runs side by side: bugs gained and lost",
                         description="Totals of two bench runs over the bugs both ran, and the "
                         "bugs gained and lost (correct, correct at any rank, plausible).")
    cmp.add_argument("old", metavar="OLD_DIR")
    cmp.add_argument("new", metavar="NEW_DIR")
    cmp.add_argument("--json", action="store_true", help="print the comparison as JSON")


def _add_tests(p: argparse.ArgumentParser) -> None:
    """The flags that say how the project's tests run and which failures matter."""
    p.add_argument("--python", metavar="PATH", help="the project's Python (an interpreter or a "
                   "virtualenv; default: found from .venv, Poetry, Hatch, tox, $VIRTUAL_ENV)")
    p.add_argument("--failing", action="append", metavar="TEST", help="a test the patch must "
                   "fix (repeatable; @FILE reads one a line); other tests failing before the "
                   "patch may go on failing (default: every failing test must be fixed)")
    p.add_argument("--full-check", action=argparse.BooleanOptionalAction, default=None,
                   help="run the whole suite once on a patch that passed the selected tests "
                   "(default: on)")
    p.add_argument("--engine", choices=["warm", "cold", "check"], help="how candidates' tests "
                   "run: warm workers (default), a fresh process per run, or check (both, "
                   "outcomes compared; exit 4 on a difference)")
    p.add_argument("--select-tests", action=argparse.BooleanOptionalAction, default=None,
                   help="after the failing tests, run only the tests whose coverage touches "
                   "the changed files (default: on)")
    fence = p.add_argument_group("the fence around test commands (docs/fence.md)")
    fence.add_argument("--memory-limit", type=int, metavar="MB", help="memory one test command "
                       "may allocate (default: the machine's memory / --workers)")
    fence.add_argument("--cpu-limit", type=int, metavar="SECONDS",
                       help="CPU time of one test command (default: none)")
    fence.add_argument("--file-limit", type=int, metavar="MB",
                       help="largest file a test command may write (default: none)")
    fence.add_argument("--allow-network", action="store_true", default=None,
                       help="let tests use the network (default: loopback only)")
    fence.add_argument("--sandbox", choices=["none", "bwrap"], help="bwrap: everything "
                       "read-only but the workspace and a private /tmp (needs bubblewrap)")


def _add_search(p: argparse.ArgumentParser) -> None:
    """How many plausible patches are wanted, and how far the search goes on for them."""
    p.add_argument("--max-patches", type=int, metavar="N", help="plausible patches wanted, "
                   "reported (and judged by apr bench) best first (default: 5)")
    p.add_argument("--search-on", type=float, metavar="SHARE", help="after the first plausible "
                   "patch, spend at most this share of the budget and time left on finding "
                   "the others (default: 0.25; 0: search the whole budget in rank order)")


def _add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", action="append", metavar="DIR_OR_ID",
                   help="model for the pipelines that use one (multimend: a fine-tuned CodeT5 "
                   "checkpoint directory, an `apr train` output directory = its last 5 "
                   "checkpoints, or a hub id; gamma: a CodeT5 checkpoint or hub id, e.g. "
                   "Salesforce/codet5-base); repeat it to merge several checkpoints")


def _add_suite_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("suite", metavar="SUITE", help="manifest, quixbugs, defects4j or bugsinpy")
    p.add_argument("--path", metavar="DIR", help="the suite's checkout (for manifest: a "
                   "directory of bug directories; default benchmarks/python)")
    p.add_argument("--lang", default="python", help="language, for suites with several")
    p.add_argument("--clones", metavar="DIR", help="bugsinpy: the directory of project clones "
                   "(default: $APR_BUGSINPY_CLONES, else <path>/clones)")
    p.add_argument("--python", metavar="PATH", help="bugsinpy: the interpreter that runs the "
                   "tests, or a template such as envs/{project}/bin/python ({project}, "
                   "{python_version}); default: the one running apr")


def _add_cluster(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--cluster", metavar="ADDRESS", help=f"{what}: tcp://HOST:PORT (a running "
                   "Dask scheduler) or local:N (N local worker processes); needs "
                   "pip install 'apr[cluster]' (docs/cluster.md)")


def _suite(args: argparse.Namespace) -> Benchmark:
    from apr.bench import open_suite

    return open_suite(args.suite, args.path, args.lang, clones=args.clones, python=args.python)


def _add_repair(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="the repository (or a project directory in it)")
    p.add_argument("--test", dest="test_command", metavar="CMD",
                   help="the test command (default: detected; `python -m pytest` for Python)")
    p.add_argument("--lang", dest="language", metavar="LANG", help="language (default: detected)")
    p.add_argument("--driver", metavar="NAME", help="test driver (default: detected)")
    p.add_argument("--pipeline", metavar="NAME", help="pipeline name or TOML file (default: "
                   "default)")
    _add_model(p)
    p.add_argument("--budget", type=int, metavar="N", help="validate at most N candidates")
    p.add_argument("--time-limit", type=float, metavar="SECONDS", help="stop after this long")
    p.add_argument("--workers", type=int, metavar="N", help="parallel validations (default: "
                   "number of cores)")
    p.add_argument("--fl", metavar="FORMULA", choices=["ochiai", "dstar", "tarantula"],
                   help="fault localization formula: ochiai (default), dstar, tarantula")
    _add_search(p)
    _add_tests(p)
    p.add_argument("--test-timeout", type=float, metavar="SECONDS",
                   help="time limit for one test in the first run (default: 60)")
    p.add_argument("--suite-timeout", type=float, metavar="SECONDS",
                   help="time limit for the first whole test run (default: 900)")
    p.add_argument("--report", metavar="FILE.json", help="write the JSON report here")
    p.add_argument("--run-dir", metavar="DIR", help="record every stage's values here")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--apply", action="store_true", help="apply the best patch to the work tree")
    out.add_argument("--branch", metavar="NAME", help="commit the best patch on a new branch "
                     "(the current branch and work tree stay as they are)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")


_CONFIG_FLAGS = ("test_command", "language", "driver", "pipeline", "budget", "time_limit",
                 "workers", "fl", "max_patches", "test_timeout", "suite_timeout", "model",
                 "python", "failing", "full_check", "select_tests", "memory_limit", "cpu_limit",
                 "file_limit", "allow_network", "sandbox", "engine", "search_on")


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    """The config flags the command has (``apr ci`` lacks some of ``apr repair``'s)."""
    from apr.errors import UsageError
    from apr.validate.expect import read_failing

    flags = {k: getattr(args, k, None) for k in _CONFIG_FLAGS}
    if flags["test_command"] is not None and not flags["test_command"].strip():
        raise UsageError("--test is empty: give the test command, or leave --test out to use "
                         "the detected one")
    if flags["failing"] is not None:
        flags["failing"] = read_failing(flags["failing"])
    return flags


#: Options whose value is a command line, which may begin with a dash (``--test "-Dx=1"``).
_COMMAND_OPTIONS = ("--test",)


def glue_command_values(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``--test VALUE`` written ``--test=VALUE`` when VALUE begins with a dash:
    argparse would take it for an option and refuse the command ("expected one argument")."""
    out: list[str] = []
    words = iter(argv)
    for word in words:
        if word in _COMMAND_OPTIONS:
            value = next(words, None)
            if value is not None and value.startswith("-"):
                out.append(f"{word}={value}")
                continue
            out.extend([word] if value is None else [word, value])
            continue
        out.append(word)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(glue_command_values(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        parser.print_help()
        return ExitCode.USAGE
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(_dispatch(args))
    except KeyboardInterrupt:
        print("apr: interrupted; nothing was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `apr ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return int(ExitCode.OK)
    except AprError as exc:
        print(f"apr: error: {exc}", file=sys.stderr)
        if exc.detail and os.environ.get("APR_DEBUG"):
            print(exc.detail, file=sys.stderr)
        return int(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 -- the last line of defence: exit 4, say how to dig
        if os.environ.get("APR_DEBUG"):
            traceback.print_exc()
        print(f"apr: internal error: {type(exc).__name__}: {exc} "
              "(set APR_DEBUG=1 for the traceback)", file=sys.stderr)
        return int(ExitCode.INTERNAL)
    finally:
        _cleanup_children()
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _cleanup_children() -> None:
    from apr import proc

    proc.kill_all()


def _dispatch(args: argparse.Namespace) -> ExitCode:
    if args.command == "repair":
        return cmd_repair(args)
    if args.command == "bench":
        return cmd_bench(args)
    if args.command == "ci":
        return cmd_ci(args)
    if args.command == "mine":
        return cmd_mine(args)
    if args.command == "train":
        return cmd_train(args)
    raise AssertionError(f"unhandled command {args.command}")  # argparse rejects others


def cmd_repair(args: argparse.Namespace) -> ExitCode:
    from apr.pipeline import RepairTask, repair, resolve_config
    from apr.project.workspace import UserRepo

    user = UserRepo.locate(args.path)
    project_dir = user.root / user.project
    config = resolve_config(project_dir, _flags(args))
    _check_outputs(args, user.root)
    from apr.cluster.validation import cluster_tests  # no Dask import until it connects

    address = _cluster(args)
    task = RepairTask(path=Path(args.path), config=config,
                      run_dir=Path(args.run_dir) if args.run_dir else None,
                      remote=cluster_tests(address) if address else None)
    with _display(args.quiet) as progress:
        try:
            result = repair(task, progress)
        except CannotReproduce as exc:
            _report_failure(args, exc, config)
            raise
    return _conclude(args, user.root, result, config)


def _cluster(args: argparse.Namespace) -> str | None:
    """``--cluster``, checked before any test runs (UsageError for a malformed address)."""
    if args.cluster:
        from apr.cluster import check_address

        check_address(args.cluster)
    return str(args.cluster) if args.cluster else None


def _check_outputs(args: argparse.Namespace, root: Path) -> None:
    """Fail before the first test runs, not after a long repair, on an output apr could not
    write: a branch name git refuses or that exists, a report in a folder that is missing or
    read-only.

    Raises:
        UsageError: one line naming the flag.
    """
    from apr.ci.branch import check_branch_name
    from apr.errors import UsageError

    if args.branch:
        check_branch_name(root, args.branch)
    for flag, value in (("--report", args.report), ("--run-dir", args.run_dir)):
        if not value:
            continue
        parent = Path(value).resolve().parent
        if not parent.is_dir():
            raise UsageError(f"{flag} {value}: the folder {parent} does not exist")
        if not os.access(parent, os.W_OK):
            raise UsageError(f"{flag} {value}: the folder {parent} is not writable")


def cmd_ci(args: argparse.Namespace) -> ExitCode:
    from apr.ci import CIEnvironment, CIOptions, default_cache_dir, run_ci
    from apr.errors import UsageError

    if args.max_annotations < 0 or args.max_locations < 1:
        raise UsageError("--max-annotations must be at least 0 and --max-locations at least 1")
    paths = {k: Path(getattr(args, k)) if getattr(args, k) else None
             for k in ("summary", "sarif", "report", "patches_dir", "run_dir", "cache_dir")}
    if args.no_cache:
        paths["cache_dir"] = None
    elif paths["cache_dir"] is None:
        paths["cache_dir"] = default_cache_dir(os.environ)
    options = CIOptions(**paths, annotations=args.annotations, branch=args.branch,
                        commit=args.commit, max_annotations=args.max_annotations,
                        max_locations=args.max_locations, quiet=args.quiet,
                        cluster=_cluster(args))
    flags = _flags(args)
    try:
        outcome = run_ci(Path(args.path), flags, options, CIEnvironment.detect(os.environ))
    except Exception as exc:  # noqa: BLE001 -- --exit-zero: only usage errors fail the job
        usage = isinstance(exc, AprError) and exc.exit_code is ExitCode.USAGE
        if not args.exit_zero or usage:
            raise
        print(f"apr: error: {exc} (exit 0: --exit-zero)", file=sys.stderr)
        return ExitCode.OK
    return ExitCode.OK if args.exit_zero else outcome.exit_code


def cmd_bench(args: argparse.Namespace) -> ExitCode:
    if args.bench_command == "run":
        return _bench_run(args)
    if args.bench_command == "report":
        return _bench_report(args)
    if args.bench_command == "compare":
        return _bench_compare(args)
    if args.bench_command == "list":
        for bug in _suite(args).bugs():
            print(f"{bug.id}\t{bug.language}\t{bug.hunks}\t{bug.kind}")
        return ExitCode.OK
    from apr.bench.manifest import ManifestBug

    loaded = ManifestBug.load(args.bug)
    dest = loaded.checkout(args.dest)
    bug = loaded.bug
    print(f"apr: checked out {bug.id} ({bug.language}, {bug.kind}) into {dest}")
    print(f"apr: failing tests: {', '.join(bug.failing_tests)}")
    return ExitCode.OK


def _bench_run(args: argparse.Namespace) -> ExitCode:
    from apr.bench.base import select
    from apr.bench.report import write_reports
    from apr.bench.runner import BenchSettings, run_suite

    suite = _suite(args)
    ids = [i.strip() for i in args.bugs.split(",") if i.strip()] if args.bugs else None
    bugs = select(suite.bugs(), ids)
    settings = BenchSettings(fl=args.fl, formula=args.formula, pipeline=args.pipeline,
                             budget=args.budget, time_limit=args.time_limit,
                             workers=args.workers if args.workers is not None else
                             1 if args.cluster else os.cpu_count() or 1,
                             test_timeout=args.test_timeout,
                             engine=args.engine, model=tuple(args.model or ()),
                             **{k: v for k in ("max_patches", "search_on")
                                if (v := getattr(args, k)) is not None})

    def show(record: dict[str, Any], done: int, total: int) -> None:
        verdict = ("correct" if record["correct"] else
                   "plausible, behaves as the fix on sampled inputs" if record.get("equivalent")
                   else "plausible" if record["plausible"] else record["status"])
        print(f"[{done}/{total}] {record['bug']}: {verdict} "
              f"({record.get('candidates_validated', 0)} validated, {record['seconds']:.1f} s"
              + (f", on {record['worker']})" if "worker" in record else ")"), flush=True)

    if args.cluster:
        _bench_on_cluster(args.cluster, suite, bugs, settings, Path(args.out), show)
    else:
        run_suite(suite, bugs, settings, Path(args.out), show)
    text, md, page = write_reports(Path(args.out))
    print(text)
    print(f"apr: wrote {md} and {page}")
    return ExitCode.OK


def _bench_on_cluster(address: str, suite: Benchmark, bugs: list[Any], settings: Any,
                      out: Path, show: Any) -> None:
    from apr.bench.runner import run_suite
    from apr.cluster import connect, threads
    from apr.cluster.bench import cluster_runner

    with connect(address) as client:
        workers = len(client.nthreads())
        print(f"apr: cluster {address}: {workers} worker(s), {threads(client)} bug(s) at once",
              flush=True)
        run_suite(suite, bugs, settings, out, show, runner=cluster_runner(client),
                  extra_meta={"cluster": address, "cluster_workers": workers})


def _bench_report(args: argparse.Namespace) -> ExitCode:
    from apr.bench.report import write_reports

    text, md, page = write_reports(Path(args.out))
    print(text)
    print(f"apr: wrote {md} and {page}")
    return ExitCode.OK


def _bench_compare(args: argparse.Namespace) -> ExitCode:
    import json

    from apr.bench.compare import compare, text

    comparison = compare(Path(args.old), Path(args.new))
    print(json.dumps(comparison, indent=1) if args.json else text(comparison))
    return ExitCode.OK


def _add_mine(p: argparse.ArgumentParser) -> None:
    p.add_argument("repos", metavar="REPO", nargs="+", help="git repositories to read")
    p.add_argument("--out", required=True, metavar="PAIRS.jsonl", help="write the pairs here")
    p.add_argument("--max-commits", type=int, metavar="N",
                   help="read at most N commits per repository, newest first (default: all)")
    p.add_argument("--lang", metavar="LANGS", help="comma-separated languages to mine "
                   "(default: python,java,javascript,c)")
    p.add_argument("--max-files", type=int, default=5, metavar="N",
                   help="skip commits changing more than N files (default: 5)")
    p.add_argument("--max-hunk-lines", type=int, default=6, metavar="N",
                   help="skip hunks removing or adding more than N lines (default: 6)")
    p.add_argument("--progress-every", type=int, default=100, metavar="N",
                   help="report progress on stderr every N commits (default: 100)")


def _add_train(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, metavar="PAIRS.jsonl", help="bug-fix pairs (apr mine)")
    p.add_argument("--model", metavar="DIR_OR_ID", help="checkpoint directory or hub id to "
                   "fine-tune (e.g. a local copy of Salesforce/codet5-small)")
    p.add_argument("--out", required=True, metavar="DIR", help="checkpoints and final model")
    p.add_argument("--epochs", type=int, default=2, metavar="N", help="default: 2")
    p.add_argument("--lr", type=float, default=1e-4, metavar="LR", help="default: 1e-4")
    p.add_argument("--batch-size", type=int, default=8, metavar="N", help="default: 8")
    p.add_argument("--max-steps", type=int, metavar="N", help="stop at step N (overrides --epochs)")
    p.add_argument("--save-every", type=int, metavar="N",
                   help="checkpoint every N steps (default: five per epoch)")
    p.add_argument("--keep-checkpoints", type=int, default=5, metavar="N",
                   help="keep the last N checkpoints (default: 5)")
    p.add_argument("--log-every", type=int, default=50, metavar="N",
                   help="report the loss every N steps (default: 50)")
    p.add_argument("--warmup-steps", type=int, default=0, metavar="N", help="default: 0")
    p.add_argument("--resume", action="store_true",
                   help="continue from the latest checkpoint in --out")
    p.add_argument("--from-scratch", action="store_true",
                   help="train a tokenizer on the data and a new T5 (sizes below)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="default: 0")
    p.add_argument("--max-input", type=int, default=512, metavar="N",
                   help="input tokens kept (default: 512)")
    p.add_argument("--max-output", type=int, default=256, metavar="N",
                   help="skip pairs whose fix is longer, in tokens (default: 256)")
    p.add_argument("--bf16", action="store_true", help="bfloat16 autocast on CUDA")
    scratch = p.add_argument_group("model sizes for --from-scratch")
    scratch.add_argument("--d-model", type=int, default=256, metavar="N", help="default: 256")
    scratch.add_argument("--layers", type=int, default=4, metavar="N", help="default: 4")
    scratch.add_argument("--heads", type=int, default=4, metavar="N", help="default: 4")
    scratch.add_argument("--d-ff", type=int, default=1024, metavar="N", help="default: 1024")
    scratch.add_argument("--vocab-size", type=int, default=16000, metavar="N",
                         help="default: 16000")


def cmd_mine(args: argparse.Namespace) -> ExitCode:
    from apr.models.mine import LANGUAGE_EXTENSIONS, MineConfig, mine

    languages = tuple(x.strip() for x in (args.lang or ",".join(LANGUAGE_EXTENSIONS)).split(",")
                      if x.strip())
    config = MineConfig(languages=languages, max_commits=args.max_commits,
                        max_files=args.max_files, max_hunk_lines=args.max_hunk_lines,
                        progress_every=args.progress_every)
    summary = mine(args.repos, args.out, config,
                   progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"apr: {summary.pairs} pairs from {summary.fix_commits} fix commits "
          f"({summary.commits} commits read) written to {args.out}")
    return ExitCode.OK


def cmd_train(args: argparse.Namespace) -> ExitCode:
    from apr.models.scratch import T5Sizes
    from apr.models.train import TrainConfig, train

    sizes = T5Sizes(d_model=args.d_model, layers=args.layers, heads=args.heads, d_ff=args.d_ff,
                    vocab_size=args.vocab_size)
    config = TrainConfig(
        data=Path(args.data), out=Path(args.out), model=args.model, epochs=args.epochs,
        lr=args.lr, batch_size=args.batch_size, max_steps=args.max_steps,
        save_every=args.save_every, log_every=args.log_every,
        keep_checkpoints=args.keep_checkpoints, warmup_steps=args.warmup_steps,
        resume=args.resume, from_scratch=args.from_scratch, sizes=sizes, seed=args.seed,
        max_input=args.max_input, max_output=args.max_output, bf16=args.bf16)
    result = train(config)
    print(f"apr: trained to step {result.step}; last checkpoint {result.checkpoint}; "
          f"use the model with --model {result.out}")
    return ExitCode.OK


def _display(quiet: bool) -> Any:
    from apr.progress import make_display

    return make_display(quiet=quiet)


def _report_failure(args: argparse.Namespace, exc: AprError, config: Any) -> None:
    if not args.report:
        return
    from apr.model import RepairResult, RepairStatus
    from apr.report import write_json

    empty = RepairResult(RepairStatus.CANNOT_REPRODUCE, (), (), (), 0, 0, 0.0, {}, str(exc))
    write_json(args.report, empty, _settings(config))


def _settings(config: Any) -> dict[str, Any]:
    from apr.config import as_dict

    settings = as_dict(config)
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in settings.items()}


def _conclude(args: argparse.Namespace, root: Path, result: Any, config: Any) -> ExitCode:
    from apr.lang.text import print_source
    from apr.model import RepairStatus
    from apr.project.apply import apply_to_tree, commit_to_branch
    from apr.report import summary, write_json

    if args.report:
        write_json(args.report, result, _settings(config))
    print_source(summary(result), sys.stdout)
    if result.status is RepairStatus.PARTIAL and (args.apply or args.branch):
        print("apr: partial patches are not applied; name the tests that must pass with "
              "--failing to accept one")
    elif result.patches and args.apply:
        apply_to_tree(root, result.patches[0].diff)
        print(f"apr: applied patch 1 to {root}")
    elif result.patches and args.branch:
        best = result.patches[0]
        sha = commit_to_branch(root, best.diff, args.branch,
                               f"Fix failing tests ({best.candidate.description})\n\n"
                               f"Patch found and validated by apr.")
        print(f"apr: committed patch 1 as {sha[:12]} on branch {args.branch}; push it with:\n"
              f"  git push origin {args.branch}")
    if result.status in (RepairStatus.NONE, RepairStatus.PARTIAL):
        return ExitCode.NO_PATCH
    return ExitCode.OK


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("apr")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
