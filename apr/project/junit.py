"""Run a plain Java project's JUnit 4 tests: javac, then apr's runner, per test method.

Layout (folders relative to the project directory), the first that fits:

1. the folders of ``build.xml``'s javac tasks (Ant; see :mod:`apr.project.java_build`);
2. ``src/main/java`` (code) and ``src/test/java`` (tests), as Maven and Gradle lay them out;
3. ``src`` and ``test`` (or ``tests``);
4. every ``.java`` file: under a folder whose name contains ``test`` (``test``, ``tests``,
   ``java_testcases``...) it is a test, else code.

The driver's command string overrides it with ``key=value`` words: ``main=DIR[,DIR]``,
``test=DIR[,DIR]``, ``classpath=JAR[:JAR]`` (extra jars or class folders; ``lib/*.jar`` and
``libs/*.jar`` are always added, and ``src/{test,main}/resources`` when they exist),
``release=N`` (javac ``--release``), ``encoding=NAME`` (javac ``-encoding``; else the build
file's, else detected: see :mod:`apr.project.java_build`). Example:
``apr repair --driver junit --test "main=app/src test=app/tests release=11 encoding=UTF-8"``.

Build: into ``.apr-build/`` inside the workspace (``main/`` and ``test/`` class folders). The
first run compiles everything; later runs recompile only the files whose content changed (a
candidate edits one file) against the classes already built. A file that failed to compile is
compiled again next time. Limitation: a changed compile-time constant (``static final``) is not
propagated into other files' classes, which javac inlined.

Tests: every class compiled from the test folders that has JUnit 4 tests; each test method runs
alone (its own ``Request``, so ``@BeforeClass`` runs per test), consecutive tests in one thread
watched for the per-test time limit. Test ids are ``pkg.ClassTest#method`` (for parameterized
tests ``method[0]``); ``tests`` may name ids or whole classes (``pkg.ClassTest``). Compile
errors become ``TestRun.errors`` (validation: COMPILE_FAILED; baseline: ProjectBroken).

Coverage (JaCoCo's agent, when Debian's ``libjacoco-java`` is installed): execution data is
dumped after each test, then analysed against the code's classes; lines map back to source files
by package and source file name.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from apr import proc
from apr.model import TestRun, TestStatus
from apr.project.base import driver_options
from apr.project.java_build import ant_folders, source_encoding
from apr.project.java_init import with_class_init
from apr.project.java_tools import (
    AGENT_EXCLUDES,
    COVERAGE_MAIN,
    FAST_JVM,
    RUNNER_MAIN,
    JavaTools,
    Runner,
    compiled_runner,
    javac_archive,
    keep_archive,
)

if TYPE_CHECKING:
    from apr.project.java_warm import WarmAnswer, WarmJUnit

BUILD_DIR = ".apr-build"
#: The cold driver's build when ``--engine check`` runs both drivers in one workspace: kept
#: apart, the cold build never holds the candidate that the warm JVM must compile itself.
CHECK_BUILD_DIR = ".apr-build-cold"
_SETTLED_NS = 2_000_000_000  # a file older than this keeps its hash while its stat holds
_SKIP_DIRS = frozenset({".git", BUILD_DIR, CHECK_BUILD_DIR, "target", "build", "out", "bin",
                        ".gradle", ".idea", "node_modules", ".venv"})
_PACKAGE = re.compile(rb"^\s*package\s+([\w.]+)\s*;", re.M)
_TEST_NAME = re.compile(r"(^Test.*|.*(Test|Tests|TestCase|_TEST))\.java$")
_OPTIONS = ("main", "test", "classpath", "release", "encoding")
#: Resource folders put on the test class path when they exist (Maven's layout).
RESOURCES = ("src/test/resources", "src/main/resources")


@dataclass(frozen=True, slots=True)
class JavaLayout:
    """Where a project's code and tests are, relative to the project directory.

    Attributes:
        main: folders of code (walked recursively for ``.java`` files).
        test: folders of tests; a test folder inside a code folder is not code.
        classpath: extra jars or class folders (relative to the project, or absolute).
        release: javac's ``--release`` value, or None for the JDK's default.
        encoding: the sources' encoding (javac's ``-encoding``).
    """

    main: tuple[str, ...]
    test: tuple[str, ...]
    classpath: tuple[str, ...] = ()
    release: str | None = None
    encoding: str = "UTF-8"

    def main_files(self, project_dir: Path) -> list[str]:
        tests = set(self.test_files(project_dir))
        return [f for f in _java_files(project_dir, self.main) if f not in tests]

    def test_files(self, project_dir: Path) -> list[str]:
        return _java_files(project_dir, self.test)


def _java_files(project_dir: Path, folders: Iterable[str]) -> list[str]:
    """``.java`` files under ``folders`` (POSIX, relative to the project), sorted."""
    found: set[str] = set()
    for folder in folders:
        found.update(_LISTINGS.files(project_dir, folder))
    return sorted(found)


class _Listings:
    """The ``.java`` files under a folder, walked again only when one of its folders' stat
    changed (a warm run lists the sources to find the few a candidate changed; candidates
    rewrite files in place, which leaves their folders' stat alone, while adding, removing or
    renaming a file or folder changes its parent's). A listing holding a folder changed less
    than two seconds before it was walked is not kept: an addition within the file system's
    clock tick keeps the folder's stat."""

    def __init__(self, settle_ns: int = _SETTLED_NS) -> None:
        self._settle_ns = settle_ns
        self._known: dict[tuple[Path, str], tuple[tuple[tuple[str, tuple[int, ...]], ...],
                                                  tuple[str, ...]]] = {}

    def files(self, project_dir: Path, folder: str) -> tuple[str, ...]:
        known = self._known.get((project_dir, folder))
        if known is not None and all(_stat_key(d) == key for d, key in known[0]):
            return known[1]
        folders: list[tuple[str, tuple[int, ...]]] = []
        found: list[str] = []
        for dirpath, dirs, files in os.walk(project_dir / folder):
            folders.append((dirpath, _stat_key(dirpath)))
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
            rel = Path(dirpath).relative_to(project_dir)
            found.extend((rel / f).as_posix() for f in files if f.endswith(".java"))
        listing = (tuple(folders), tuple(found))
        if folders and all(_settled(key, self._settle_ns) for _, key in folders):
            self._known[(project_dir, folder)] = listing
        return listing[1]


def _stat_key(path: str | Path) -> tuple[int, ...]:
    """What tells a file's (or folder's) change: mtime, ctime, size, inode; () when gone."""
    try:
        stat = os.stat(path)
    except OSError:
        return ()
    return (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)


def _settled(key: tuple[int, ...], settle_ns: int) -> bool:
    """Whether a stat is old enough to be trusted to change with the next write."""
    return bool(key) and time.time_ns() - max(key[0], key[1]) > settle_ns


_LISTINGS = _Listings()


def parse_options(command: str | None) -> dict[str, str]:
    """``key=value`` words of a driver command string.

    Raises:
        UsageError: a word that is not ``key=value`` with a known key.
    """
    return driver_options(command, _OPTIONS, "junit")


def detect_layout(project_dir: Path, options: dict[str, str] | None = None) -> JavaLayout:
    """The project's layout (see the module doc), with ``options`` taking precedence."""
    options = options or {}
    main, test = _split(options.get("main")), _split(options.get("test"))
    if not main or not test:
        guessed = _guess(project_dir)
        main, test = main or guessed[0], test or guessed[1]
    jars = [p.relative_to(project_dir).as_posix()
            for folder in ("lib", "libs") for p in sorted((project_dir / folder).glob("*.jar"))]
    extra = [c for c in re.split(r"[:;,]", options.get("classpath", "")) if c]
    return JavaLayout(main=main, test=test, classpath=tuple([*extra, *jars]),
                      release=options.get("release") or None,
                      encoding=options.get("encoding") or source_encoding(project_dir))


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip().strip("/") or "." for v in (value or "").split(",") if v.strip())


def _guess(project_dir: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ant = ant_folders(project_dir)
    if ant is not None:
        return ant
    if (project_dir / "src/main/java").is_dir():
        return ("src/main/java",), ("src/test/java",)
    for tests in ("test", "tests"):
        if (project_dir / "src").is_dir() and (project_dir / tests).is_dir():
            return ("src",), (tests,)
    roots = {_test_root(f) for f in _java_files(project_dir, ["."])}
    return (".",), tuple(sorted(d for d in roots if d is not None))


def _test_root(file: str) -> str | None:
    """The outermost folder of ``file`` whose name contains ``test``, or None."""
    parts = PurePosixPath(file).parts[:-1]
    for index, part in enumerate(parts):
        if "test" in part.lower():
            return "/".join(parts[: index + 1])
    return None


def is_java_test_file(file: str) -> bool:
    """A Java test by its path alone: in a folder named like ``test`` or named like a test."""
    path = PurePosixPath(file)
    return (any("test" in part.lower() for part in path.parts[:-1])
            or bool(_TEST_NAME.match(path.name)))


def package_key(project_dir: Path, file: str) -> str:
    """``pkg/path/Name.java`` for a source file: how JaCoCo and stack traces name it (read
    again only when the file's stat changed)."""
    return _PACKAGE_KEYS.of(project_dir / file)


def _package_key(path: Path) -> str:
    match = _PACKAGE.search(path.read_bytes()[:20000])
    return f"{match.group(1).decode().replace('.', '/')}/{path.name}" if match else path.name


# --- building -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Build:
    """The outcome of compiling: class folders, and javac's errors (empty when it compiled)."""

    main: Path
    test: Path
    errors: tuple[str, ...]
    seconds: float


class IncrementalCompiler:
    """Compiles a layout into ``<project>/.apr-build``, only what changed since the last time.

    ``state.json`` there maps each source file to the hash of the content last compiled
    successfully; a file missing from it (new, changed or failed) is compiled on the next run.
    A removed file, a new class path or a failure to compile incrementally start from scratch.
    """

    def __init__(self, tools: JavaTools, layout: JavaLayout, build_dir: str = BUILD_DIR) -> None:
        self.tools = tools
        self.layout = layout
        self.build_dir = build_dir
        self._hashes = _StatMemo(_content_hash)

    def build(self, project_dir: Path, deadline: float | None = None) -> Build:
        started = time.monotonic()
        root = project_dir / self.build_dir
        main_dir, test_dir = root / "main", root / "test"
        files, hashes = self._sources(project_dir)
        built, fresh = self._built(project_dir, hashes)
        known: dict[str, str] = {} if fresh else built
        if fresh:
            _clear(root)
        errors: list[str] = []
        for group, out, extra in (("main", main_dir, []), ("test", test_dir, [main_dir])):
            todo = [f for f in files[group] if known.get(f) != hashes[f]]
            if not todo:
                continue
            out.mkdir(parents=True, exist_ok=True)
            text = self._javac(project_dir, todo, out, [out, *extra], deadline)
            if text is not None:
                errors.append(text)
                for f in todo:
                    known.pop(f, None)
                break
            known.update((f, hashes[f]) for f in todo)
        self._save(root, {"classpath": self._classpath_key(project_dir), "files": known})
        return Build(main_dir, test_dir, tuple(errors), time.monotonic() - started)

    def changes(self, project_dir: Path) -> Changes | None:
        """What differs from what the last build compiled, or None when there is no build or
        the next one would start from scratch (a removed file, another class path)."""
        if not (project_dir / self.build_dir / "state.json").is_file():
            return None
        files, hashes = self._sources(project_dir)
        built, fresh = self._built(project_dir, hashes)
        if fresh:
            return None
        changed = {g: tuple(f for f in files[g] if built.get(f) != hashes[f]) for g in files}
        same = sorted((f, h) for f, h in hashes.items() if built.get(f) == h)
        return Changes(changed["main"], changed["test"], _digest(same),
                       _digest(sorted(built.items())))

    def _sources(self, project_dir: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
        """The code and test files, by group, and the hash of each file's content."""
        files = {"main": self.layout.main_files(project_dir),
                 "test": self.layout.test_files(project_dir)}
        return files, {f: self._hashes.of(project_dir / f) for group in files.values()
                       for f in group}

    def _built(self, project_dir: Path, hashes: dict[str, str]) -> tuple[dict[str, str], bool]:
        """The hashes the last build compiled, and whether the next build starts afresh."""
        state = self._load(project_dir / self.build_dir)
        built = state.get("files")
        built = dict(built) if isinstance(built, dict) else {}
        fresh = state.get("classpath") != self._classpath_key(project_dir) or bool(
            set(built) - set(hashes))
        return built, fresh

    def options(self) -> list[str]:
        """javac's options for the project's sources (no class path, no output folder)."""
        release = ["--release", self.layout.release] if self.layout.release else []
        return ["-nowarn", "-g", "-encoding", self.layout.encoding, "-proc:none",
                "-implicit:none", *release]

    def classpath(self, project_dir: Path) -> list[str]:
        extra = [str(Path(c) if Path(c).is_absolute() else project_dir / c)
                 for c in self.layout.classpath]
        return [*extra, *map(str, self.tools.junit)]

    def _classpath_key(self, project_dir: Path) -> str:
        """What the build's classes depend on besides the sources. The project's own class
        path entries as the layout names them (relative to the project): a build copied into
        another workspace of the same project is still good there."""
        return json.dumps([self.layout.release, self.layout.encoding, list(self.layout.classpath),
                           [str(j) for j in self.tools.junit]])

    def _javac(self, project_dir: Path, files: list[str], out: Path, classpath: list[Path],
               deadline: float | None) -> str | None:
        """Compile ``files``; None on success, else javac's messages."""
        cp = os.pathsep.join([*map(str, classpath), *self.classpath(project_dir)])
        argv = [self.tools.javac, "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
                *self.options(), "-d", str(out), "-cp", cp]
        with tempfile.NamedTemporaryFile("w", suffix=".args", delete=False) as fh:
            fh.write("\n".join(_quote_arg(str(project_dir / f)) for f in files))
        cds, dumped = javac_archive(self.tools)
        try:
            res = proc.run([*argv, *cds, f"@{fh.name}"], cwd=project_dir,
                           timeout=proc.time_left(deadline))
        finally:
            os.unlink(fh.name)
            keep_archive(dumped)
        if res.ok:
            return None
        if res.timed_out:
            return "javac ran past the time limit"
        return javac_errors(res.output, project_dir) or f"javac exited with {res.returncode}"

    @staticmethod
    def _load(root: Path) -> dict[str, object]:
        try:
            data = json.loads((root / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _save(root: Path, state: dict[str, object]) -> None:
        root.mkdir(parents=True, exist_ok=True)
        (root / "state.json").write_text(json.dumps(state, sort_keys=True), encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Changes:
    """Source files that differ from what the last build compiled (relative to the project),
    a digest of those that do not, and one of all that the build compiled."""

    main: tuple[str, ...]
    test: tuple[str, ...]
    unchanged: str
    built: str  # a digest of what the build compiled: its class files change with it


def _digest(items: list[tuple[str, str]]) -> str:
    return hashlib.sha1(json.dumps(items).encode()).hexdigest()


def javac_errors(output: str, project_dir: Path) -> str:
    """javac's messages as a run reports them: paths relative to the project, the first error
    repeated last (see :func:`summarized`); empty when there are none."""
    text = output.strip().replace(f"{project_dir}{os.sep}", "")
    return summarized(text[-8000:], ": error:") if text else ""


def summarized(text: str, marker: str) -> str:
    """``text`` with its first line holding ``marker`` repeated as its last line, which is the
    line messages quote (``apr: error: the tests cannot be collected: <last line>``)."""
    first = next((line.strip() for line in text.splitlines() if marker in line), "")
    return f"{text}\n{first}" if first else text


def _quote_arg(path: str) -> str:
    """A path for a javac @argfile (quoted: paths may hold spaces)."""
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _StatMemo:
    """``read(path)`` of files, read again only for a file whose stat changed since (a warm
    run asks for every source's hash, to find the few a candidate changed). A file written
    less than two seconds before it was read is always read again: an edit of the same size
    within the file system's clock tick keeps its stat."""

    def __init__(self, read: Callable[[Path], str], settle_ns: int = _SETTLED_NS) -> None:
        self._read = read
        self._settle_ns = settle_ns
        self._known: dict[Path, tuple[tuple[int, ...], str]] = {}

    def of(self, path: Path) -> str:
        key = _stat_key(path)
        if not key:
            raise FileNotFoundError(path)
        known = self._known.get(path)
        if known is not None and known[0] == key:
            return known[1]
        value = self._read(path)
        if _settled(key, self._settle_ns):
            self._known[path] = (key, value)
        return value


def _content_hash(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


_PACKAGE_KEYS = _StatMemo(_package_key)


def _clear(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)



# --- running --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunnerResult:
    """What the runner wrote: per-test records, class errors, and per-test coverage."""

    outcomes: dict[str, TestStatus]
    durations: dict[str, float]
    traces: dict[str, str]
    errors: tuple[str, ...]
    coverage: dict[str, dict[str, tuple[int, ...]]]
    output: str
    timed_out: bool


def run_tests(tools: JavaTools, classpath: Sequence[str], entries: Sequence[str], cwd: Path,
              *, coverage_classes: Sequence[Path] = (), fail_fast: bool = False,
              deadline: float | None = None, test_timeout: float | None = None) -> RunnerResult:
    """Run test ``entries`` (ids or class names) with apr's runner on ``classpath``.

    With ``coverage_classes`` (and JaCoCo installed), coverage is measured per test for the
    classes in those folders; ``RunnerResult.coverage`` maps test id -> ``pkg/Source.java`` ->
    lines. A test that hangs beyond recovery ends its JVM; the rest run in a new one.
    """
    runner = compiled_runner(tools)
    measure = bool(coverage_classes) and runner.agent is not None and tools.coverage
    with tempfile.TemporaryDirectory(prefix="apr-junit-") as tmp:
        work = Path(tmp)
        results, listing = work / "results.jsonl", work / "tests.txt"
        listing.write_text("\n".join(entries) + "\n", encoding="utf-8")
        cov_dir = work / "coverage"
        cov_dir.mkdir()
        outputs: list[str] = []
        timed_out = False
        records: list[dict[str, object]] = []
        while True:
            argv = _runner_argv(tools, runner, classpath, results, listing,
                                cov_dir if measure else None, fail_fast, test_timeout)
            res = proc.run_tests(argv, cwd=cwd, timeout=proc.time_left(deadline))
            outputs.append(res.output)
            timed_out = res.timed_out
            seen = len(records)
            records = _records(results)
            aborted = len(records) > seen and records[-1].get("kind") == "abort"
            # 3 after a new abort record: a test could not be stopped (3 alone: a test called
            # System.exit(3), which would end every new JVM the same way); with fail_fast the
            # test failed anyway
            if res.returncode != 3 or not aborted or timed_out or fail_fast \
                    or not _more(records, listing):
                break
        result = runner_result(records, "".join(outputs)[-20000:], timed_out)
        if measure:
            lines = coverage_lines(tools, runner, cov_dir, coverage_classes, cwd, deadline)
            result = dataclasses.replace(result, coverage=lines)
    return result


def _runner_argv(tools: JavaTools, runner: Runner, classpath: Sequence[str], results: Path,
                 listing: Path, cov_dir: Path | None, fail_fast: bool,
                 test_timeout: float | None) -> list[str]:
    argv = [tools.java, *FAST_JVM]
    if cov_dir is not None and runner.agent is not None:
        argv.append(f"-javaagent:{runner.agent}=output=none,dumponexit=false,"
                    f"excludes={AGENT_EXCLUDES}")
    cp = os.pathsep.join([str(runner.classes), *classpath])
    return [*argv, "-cp", cp, RUNNER_MAIN, str(results), str(test_timeout or 0),
            str(cov_dir) if cov_dir is not None else "-", "1" if fail_fast else "0", str(listing)]


def _records(results: Path) -> list[dict[str, object]]:
    if not results.exists():
        return []
    out = []
    for line in results.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a killed JVM
    return out


def _more(records: list[dict[str, object]], listing: Path) -> bool:
    """After an abort: skip the tests already run (their ids) and say whether any are left."""
    done = {str(r["id"]) for r in records if r.get("kind") == "test"}
    lines = listing.read_text(encoding="utf-8").splitlines()
    left = [e for e in lines if e and e not in done]
    if not left:
        return False
    listing.write_text("\n".join(left + [f"!{d}" for d in sorted(done)]) + "\n", encoding="utf-8")
    return True


def runner_result(records: list[dict[str, object]], output: str, timed_out: bool,
                  ) -> RunnerResult:
    """The runner's records (JSON objects, one per line of its results) as a result."""
    outcomes: dict[str, TestStatus] = {}
    durations: dict[str, float] = {}
    traces: dict[str, str] = {}
    errors: list[str] = []
    for rec in records:
        test, trace = str(rec.get("id", "")), str(rec.get("trace", ""))
        if rec.get("kind") == "test":
            outcomes[test] = TestStatus(str(rec["outcome"]))
            durations[test] = round(float(str(rec.get("seconds", 0.0))), 4)
            if trace:
                traces[test] = trace
        elif rec.get("kind") == "error":
            errors.append(f"{test}: {trace}")
    return RunnerResult(outcomes, durations, traces, tuple(errors), {}, output, timed_out)


#: The id under which the runner lists what ran between tests (static initializers), and
#: :func:`coverage_lines` every line that ran in the run, in a test or not (a class is
#: initialized once per JVM: in the first of two passes over the tests, in none of the last).
OUTSIDE = ""


def coverage_lines(tools: JavaTools, runner: Runner, cov_dir: Path, classes: Sequence[Path],
                   cwd: Path, deadline: float | None) -> dict[str, dict[str, tuple[int, ...]]]:
    """Per-test covered lines from the execution data in ``cov_dir`` (``index.tsv`` and
    ``N.exec``), for the classes in the ``classes`` folders: test -> ``pkg/Source.java`` ->
    lines."""
    if not (cov_dir / "index.tsv").exists():
        return {}
    out = cov_dir / "lines.jsonl"
    cp = os.pathsep.join([str(runner.classes), *map(str, tools.jacoco_core)])
    argv = [tools.java, *FAST_JVM, "-cp", cp, COVERAGE_MAIN, str(cov_dir), str(out),
            *map(str, classes)]
    proc.run(argv, cwd=cwd, timeout=proc.time_left(deadline))
    per_test: dict[str, dict[str, tuple[int, ...]]] = {}
    ran: dict[str, set[int]] = {}
    for rec in _records(out):
        test, file = str(rec["test"]), str(rec["file"])
        lines = tuple(int(str(n)) for n in rec["lines"])  # type: ignore[attr-defined]
        ran.setdefault(file, set()).update(lines)
        if test != OUTSIDE:  # a test run twice (the baseline's second order): its last run
            per_test.setdefault(test, {})[file] = lines
    if ran:
        per_test[OUTSIDE] = {file: tuple(sorted(lines)) for file, lines in ran.items()}
    return per_test


# --- the driver -----------------------------------------------------------------------------


class JUnitDriver:
    """TestDriver for Java projects built with plain javac and tested with JUnit 4.

    Args:
        command: ``key=value`` layout options (see the module doc), or None to detect.
        warm: run candidates in a warm JVM per workspace (:mod:`apr.project.java_warm`);
            coverage runs, and whatever the warm path cannot do, stay cold.
    """

    name = "junit"

    def __init__(self, command: str | None = None, warm: bool = False) -> None:
        self.options = parse_options(command)
        self.warm = warm
        self._warm: WarmJUnit | None = None
        self._tools: JavaTools | None = None
        self._test_dirs: set[str] = set()
        self._layout: JavaLayout | None = None
        self._incremental: IncrementalCompiler | None = None
        #: where builds go, relative to the project (``--engine check`` moves the cold one)
        self.build_dir = BUILD_DIR
        #: The longest time a run spent outside the tests (javac, JVM start-up): a time limit
        #: is extended by twice that, since callers size limits by test durations.
        self._overhead = 0.0

    def close(self) -> None:
        if self._warm is not None:
            self._warm.close()

    def layout(self, project_dir: Path) -> JavaLayout:
        """The project's layout, detected once (every workspace holds the same project)."""
        if self._layout is None:
            self._layout = detect_layout(project_dir, self.options)
        return self._layout

    def argv(self, project_dir: Path) -> list[str]:
        layout = self.layout(project_dir)
        return ["javac", *layout.main, *layout.test, "&&", "java", RUNNER_MAIN]

    def is_test_file(self, file: str) -> bool:
        if any(file == d or file.startswith(d.rstrip("/") + "/") for d in self._test_dirs):
            return True
        return is_java_test_file(file)

    @property
    def tools(self) -> JavaTools:
        if self._tools is None:
            self._tools = JavaTools.find()
        return self._tools

    def run(
        self,
        project_dir: Path,
        repo_root: Path,
        tests: Sequence[str] | None = None,
        *,
        coverage: bool = False,
        fail_fast: bool = False,
        timeout: float | None = None,
        test_timeout: float | None = None,
    ) -> TestRun:
        started = time.monotonic()
        deadline = None if timeout is None else started + timeout + 2 * self._overhead
        layout = self.layout(project_dir)
        self._remember_tests(project_dir, repo_root, layout)
        compiler = self._compiler(layout)
        entries = list(tests) if tests is not None else list_test_classes(project_dir, layout)
        # coverage's keys to the repository's paths (no coverage: nothing to key)
        files = (source_index(project_dir, repo_root, layout.main_files(project_dir))
                 if coverage else {})
        warm = None if coverage else self._run_warm(project_dir, compiler, entries, fail_fast,
                                                     deadline, test_timeout)
        if warm is not None and warm.errors:
            return _compile_failed(warm.errors, started)
        if warm is not None and warm.result is not None:
            return to_test_run(warm.result, files, time.monotonic() - started)
        build = compiler.build(project_dir, deadline)
        if build.errors:
            return _compile_failed(build.errors, started)
        if self.warm:
            self._warm_runs().keep_build(project_dir)
        result = run_tests(self.tools, self._classpath(project_dir, compiler), entries,
                           project_dir, coverage_classes=[build.main] if coverage else (),
                           fail_fast=fail_fast, deadline=deadline, test_timeout=test_timeout)
        seconds = time.monotonic() - started
        if result.outcomes and not result.timed_out and not coverage:
            self._overhead = max(self._overhead, seconds - sum(result.durations.values()))
        return to_test_run(result, files, seconds, repo_root)

    def _compiler(self, layout: JavaLayout) -> IncrementalCompiler:
        """One compiler for every run: the hashes of sources whose stat did not change since
        are not read again (a warm run looks at every source to find the candidate's)."""
        if self._incremental is None or self._incremental.layout is not layout:
            self._incremental = IncrementalCompiler(self.tools, layout, self.build_dir)
        return self._incremental

    def prepare(self, project_dir: Path, repo_root: Path) -> None:
        """Start the warm JVM of a workspace that will run candidates, ahead of its first run
        (the pipeline does it while the baseline runs), javac loaded in it; nothing when
        tests run cold."""
        if self.warm:
            self._warm_runs().prepare(project_dir)

    def foresee(self, project_dir: Path, repo_root: Path,
                coming: Sequence[Mapping[str, bytes]]) -> None:
        """What the next candidates will write in this workspace (repository paths): the warm
        JVM compiles the versions of one code file each in one javac task with the next
        version it must compile (see :mod:`apr.project.java_warm`); nothing when cold."""
        if not self.warm:
            return
        versions = []
        for files in coming:
            if len(files) != 1:  # one javac task holds one version of a file
                continue
            ((file, data),) = files.items()
            if file.endswith(".java") and not self.is_test_file(file):
                versions.append((str(repo_root / file), data))
        self._warm_runs().foresee(project_dir, versions)

    def _classpath(self, project_dir: Path, compiler: IncrementalCompiler) -> list[str]:
        """The tests' class path: the built classes, resources, the project's and JUnit's jars."""
        resources = [str(project_dir / r) for r in RESOURCES if (project_dir / r).is_dir()]
        return [str(project_dir / self.build_dir / "test"),
                str(project_dir / self.build_dir / "main"),
                *resources, *compiler.classpath(project_dir)]

    def _warm_runs(self) -> WarmJUnit:
        if self._warm is None:
            from apr.project.java_warm import WarmJUnit

            self._warm = WarmJUnit(self.tools)
        return self._warm

    def _run_warm(self, project_dir: Path, compiler: IncrementalCompiler, entries: list[str],
                  fail_fast: bool, deadline: float | None,
                  test_timeout: float | None) -> WarmAnswer | None:
        """The run in the workspace's warm JVM, or None: it goes cold (see java_warm)."""
        if not self.warm:
            return None
        junit = {str(j) for j in self.tools.junit}
        classpath = [c for c in self._classpath(project_dir, compiler) if c not in junit]
        return self._warm_runs().run(project_dir, compiler, entries, classpath, fail_fast=fail_fast,
                              deadline=deadline, test_timeout=test_timeout)

    def _remember_tests(self, project_dir: Path, repo_root: Path, layout: JavaLayout) -> None:
        prefix = project_dir.resolve().relative_to(repo_root.resolve()).as_posix()
        for folder in layout.test:
            path = PurePosixPath(prefix, folder) if prefix != "." else PurePosixPath(folder)
            self._test_dirs.add(path.as_posix())


def _compile_failed(errors: tuple[str, ...], started: float) -> TestRun:
    return TestRun(outcomes={}, seconds=time.monotonic() - started, returncode=1,
                   output=errors[0], errors=errors)


def list_test_classes(project_dir: Path, layout: JavaLayout) -> list[str]:
    """Class names of the top-level classes of the test files (the runner skips non-tests),
    but the suites that only gather listed classes (:func:`gathered`)."""
    files = {package_key(project_dir, f).removesuffix(".java").replace("/", "."): f
             for f in layout.test_files(project_dir)}
    simple = {name.rsplit(".", 1)[-1] for name in files}
    return [name for name, file in files.items()
            if not gathered(project_dir / file, name.rsplit(".", 1)[-1], simple)]


#: A JUnit 3 ``suite()`` method or a JUnit 4 ``@RunWith(Suite.class)``.
_SUITE = re.compile(r"static\s+(?:junit\.framework\.)?Test\s+suite\s*\("
                    r"|@RunWith\s*\(\s*Suite\.class")
#: A test method of the class itself.
_OWN_TEST = re.compile(r"@Test\b|public\s+void\s+test\w*\s*\(")
#: A class a suite names: ``addTest(Name.suite())``, ``addTestSuite(Name.class)``, ``{Name.class}``.
_NAMED = re.compile(r"\b([A-Z]\w*)\s*\.\s*(?:suite\s*\(|class\b)")


def gathered(path: Path, name: str, listed: set[str]) -> bool:
    """Whether the test class ``name`` (in ``path``) is a suite of other listed test classes
    and has no test of its own: old projects' ``TestAll``/``AllTests`` (Joda-Time, JxPath) run
    the classes they name once more, so every test ran twice, the second run's outcome and
    lines winning. A suite naming a class that is not listed (its tests are reachable only
    through it) is kept."""
    try:
        stat = path.stat()
    except OSError:
        return False
    named = _suite_of(str(path), stat.st_size, stat.st_mtime_ns, name)
    return bool(named) and named <= listed


@functools.lru_cache(maxsize=8192)
def _suite_of(path: str, size: int, mtime: int, name: str) -> frozenset[str]:
    """The classes a suite without tests of its own names (none for any other class), read
    again only when the file's size or time changed: every full run lists the test classes."""
    try:
        source = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    if not _SUITE.search(source) or _OWN_TEST.search(source):
        return frozenset()
    return frozenset(n for n in _NAMED.findall(source) if n not in (name, "Suite", "TestSuite"))


def source_index(project_dir: Path, repo_root: Path, files: Iterable[str]) -> dict[str, str]:
    """``pkg/path/Name.java`` -> the file's path relative to ``repo_root``."""
    base = project_dir.resolve().relative_to(repo_root.resolve())
    return {package_key(project_dir, f): (base / f).as_posix() for f in files}


def to_test_run(result: RunnerResult, files: dict[str, str], seconds: float,
                root: Path | None = None) -> TestRun:
    """A :class:`TestRun` from the runner's result, coverage keyed by repo-relative files;
    with the repository's ``root``, each test also covers the static initialization of the
    classes it ran (:mod:`apr.project.java_init`)."""
    coverage = {test: {files[key]: lines for key, lines in per_file.items() if key in files}
                for test, per_file in result.coverage.items()}
    ran = coverage.pop(OUTSIDE, None)
    if root is not None and coverage:
        coverage = with_class_init(coverage, root, ran)
    bad = any(s in (TestStatus.FAILED, TestStatus.TIMEOUT) for s in result.outcomes.values())
    return TestRun(outcomes=result.outcomes, seconds=seconds,
                   returncode=None if result.timed_out else int(bad or bool(result.errors)),
                   timed_out=result.timed_out, output=result.output, coverage=coverage,
                   traces=result.traces, errors=result.errors, durations=result.durations)
