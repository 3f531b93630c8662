"""A warm JVM per workspace for the junit driver: a candidate costs no JVM or javac start-up.

The JVM runs apr's ``WarmServer`` (``apr/project/java/WarmServer.java``; compiled and cached
with the runner by :mod:`apr.project.java_tools`). Per run it compiles the source files that
differ from what the workspace's cold build compiled (``.apr-build``, see
:class:`~apr.project.junit.IncrementalCompiler`) in memory with javax.tools, against the
classes already built, with the cold build's options; then it runs the tests as apr's runner
does, in a fresh class loader (the candidate's classes first, then ``.apr-build`` and the
project's jars; JUnit from the server's own loader), so static state never survives a run.
The cold incremental build compiles the same files against the same classes, so both paths
see the same classes (including its limitation: a changed ``static final`` constant is not
propagated into the classes that inlined it).

Never the same work twice: a run whose compiled classes (bytes), unchanged sources and tests
equal an earlier run's is answered from it; a candidate that does not compile is answered with
javac's messages and runs no test.

Compiled ahead, many in one javac task: most of a small file's compile is a javac task's fixed
cost (20-35 ms against 2-3 ms a file in a batch). The validator shows the driver the files the
next candidates write (:meth:`WarmJUnit.foresee`); when a one-file compile has no answer yet,
the JVM compiles it with the coming versions it was shown in one task, each version's
top-level types renamed apart (``Calc`` -> ``Calc__apr3x``) and its class files renamed back
(the suffix taken out of their constant pool), so every class file is byte for byte what the
version's own compile gives, and the next compiles are answered from memory. A version that
fails in the batch is compiled alone at its turn, so javac's messages are always a compile
alone's. To the classes already built a renamed copy is another type, so a version whose
class files use a built declaration that names one of its types (an overload for it, a
subtype of it, a super type with such members) is not kept from the batch but compiled
alone, and a type whose name a built class uses for a member of its own is never renamed.
See ``apr/project/java/Batch.java`` and docs/java-warm.md.

Falls back to the cold path, with one line saying why (once):

- for the run: no cold build yet (the first one is copied into every other workspace, so only
  the driver's first run builds cold), a build
  that would start afresh, a changed test file, a JVM that died during the run (a test calling
  ``System.exit``; after two deaths: for good);
- for good: a JVM that cannot start or answers nonsense (a JRE without javac, say).

The JVM is restarted after a run that timed out (it is killed), a test thread that could not
be stopped, or a heap still half full after a collection. It runs under the fence in force when
it starts (:func:`apr.proc.start_tests`), and exits when apr closes its stdin.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from apr import proc
from apr.errors import TestCommandNotFound
from apr.project.java_tools import FAST_JVM, WARM_MAIN, JavaTools, compiled_runner
from apr.project.junit import (
    BUILD_DIR,
    Changes,
    IncrementalCompiler,
    RunnerResult,
    javac_errors,
    runner_result,
)

#: The server's JVM flags: the cold runner's (stack depth decides some outcomes). Measured on
#: 2 busy cores, C1 alone also compiles a candidate 2-3x faster than C1+C2 do.
WARM_JVM = FAST_JVM
#: Deaths during a run after which the warm path is given up for good.
MAX_DEATHS = 2
#: A warm-up's limit: a JVM start and one small compile, on a busy machine.
WARM_UP_SECONDS = 60.0
#: What a JVM's warm-up compiles (``%d``: a number that tells its versions apart) and runs:
#: the usual shapes of Java code, and JUnit tests that pass, fail and throw.
WARM_UP_SOURCE = """import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.Assert;
import org.junit.Test;

public final class AprWarmUp {
    private static int calls;
    private final Map<String, List<Integer>> seen = new HashMap<>();

    int next(int x) {
        calls++;
        return x + %d;
    }

    String describe(List<Integer> xs) {
        StringBuilder b = new StringBuilder();
        for (int x : xs) {
            if (x %% 2 == 0 && x > 0) {
                b.append(x).append(',');
            } else {
                b.append("odd ").append(x);
            }
        }
        return b.toString() + seen.size();
    }

    List<Integer> keep(List<Integer> xs, int lo) {
        List<Integer> out = new ArrayList<>();
        xs.stream().filter(x -> x >= lo).forEach(out::add);
        seen.computeIfAbsent("k" + lo, k -> new ArrayList<>()).addAll(out);
        return out;
    }

    int pick(String s) {
        switch (s) {
            case "a":
                return 1;
            case "b":
                return 2;
            default:
                try {
                    return Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
        }
    }

    @Test
    public void passes() {
        Assert.assertEquals(Arrays.asList(2, 3), keep(Arrays.asList(1, 2, 3), 2));
    }

    @Test
    public void fails() {
        Assert.assertEquals("x", describe(Arrays.asList(1, next(1))));
    }

    @Test
    public void throwsError() {
        Assert.assertEquals(1, pick(null));
    }
%s}
"""
#: More tests for the warm-up to run (a suite's first run in a JVM is the slow one).
WARM_UP_TESTS = "".join(f"""
    @Test
    public void case{k}() {{
        Assert.assertEquals({-1 if k % 5 == 4 else 2},
                keep(Arrays.asList({k}, {k + 1}), {k}).size());
    }}
""" for k in range(40))
WARM_UP_OPTIONS = ("-nowarn", "-g", "-encoding", "UTF-8", "-proc:none", "-implicit:none")


class WarmJVMDied(Exception):
    """The warm JVM ended (or stopped answering sensibly) in the middle of a request."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """What compiling a candidate's files gave: a digest of the class files, javac's errors;
    ``trouble``: why compiling ahead failed (the files were then compiled alone)."""

    digest: str
    errors: str
    trouble: str = ""


@dataclass(frozen=True, slots=True)
class WarmRun:
    """The records of one run, what the tests printed, and whether to restart the JVM."""

    records: list[dict[str, object]]
    output: str
    restart: bool
    timed_out: bool


class WarmJVM:
    """One ``WarmServer`` process and its line protocol (see the Java class's doc)."""

    def __init__(self, tools: JavaTools, cwd: Path) -> None:
        runner = compiled_runner(tools)
        self.junit = tools.junit
        classpath = os.pathsep.join([str(runner.classes), *map(str, tools.junit)])
        self.child = proc.start_tests([tools.java, *WARM_JVM, "-cp", classpath, WARM_MAIN],
                                      cwd=cwd, stderr=subprocess.STDOUT)
        self.lock = threading.Lock()
        self._pending = b""
        self._noise: list[str] = []
        self._sent: set[tuple[str, int, int]] = set()  # versions this JVM was shown
        #: set when a candidate's run waits for this JVM: a warm-up under way stops early
        self.wanted = threading.Event()
        #: how many compiles this JVM made alone, and how many versions in batches
        self.compiles = (0, 0)

    def alive(self) -> bool:
        return self.child.poll() is None

    def close(self) -> None:
        proc.stop(self.child)

    def compile(self, files: Sequence[str], classpath: Sequence[str], options: Sequence[str],
                build: str, deadline: float | None,
                coming: Sequence[tuple[str, bytes]] = ()) -> Compiled:
        """Compile ``files`` in memory; ``build`` changes when the class path's classes do.
        ``coming``: (path, content) of versions of one file each that later compiles will
        ask for; the JVM compiles those it was not shown before in one task with the next
        compile it has no answer for."""
        ahead = []
        for path, data in coming:
            mark = (path, len(data), hash(data))
            if mark not in self._sent:
                self._sent.add(mark)
                ahead.append({"path": path, "data": base64.b64encode(data).decode("ascii")})
        self._send({"op": "compile", "files": list(files), "classpath": list(classpath),
                    "options": list(options), "build": build, "ahead": ahead})
        answer = self._next(deadline)
        if answer.get("kind") != "compiled":
            raise WarmJVMDied(str(answer.get("trace", answer))[:2000])
        self.compiles = (_int(answer.get("alone")), _int(answer.get("batched")))
        return Compiled(str(answer["digest"]), str(answer["errors"]),
                        str(answer.get("trouble", "")))

    def run(self, classpath: Sequence[str], memory: bool, tests: Sequence[str], fail_fast: bool,
            test_timeout: float | None, deadline: float | None) -> WarmRun:
        """Run ``tests``; on the deadline, the records so far with ``timed_out`` set (the JVM
        is then still busy: close it)."""
        self._send({"op": "run", "classpath": list(classpath), "memory": memory,
                    "tests": list(tests), "failFast": fail_fast, "timeout": test_timeout or 0})
        records: list[dict[str, object]] = []
        while True:
            try:
                answer = self._next(deadline)
            except TimeoutError:
                return WarmRun(records, self._take_noise(), restart=True, timed_out=True)
            kind = answer.get("kind")
            if kind == "done":
                output = self._take_noise() + str(answer.get("output", ""))
                return WarmRun(records, output, bool(answer.get("restart")), timed_out=False)
            if kind == "failed":
                raise WarmJVMDied(str(answer.get("trace", ""))[:2000])
            records.append(answer)

    def warm_up(self, deadline: float) -> None:
        """Have javac and the test runner loaded and their code compiled by the JIT (the
        first compiles and runs of a fresh JVM cost many times a later one): a class of no
        project compiled, then its tests run (some pass, some fail), unless a candidate's run
        is waiting by then (:attr:`wanted`). The current candidate is then that class, which
        no run uses: a candidate's run compiles its own first."""
        with tempfile.TemporaryDirectory(prefix="apr-warm-up-") as tmp:
            source = Path(tmp) / "src" / "AprWarmUp.java"
            source.parent.mkdir()
            (Path(tmp) / "classes").mkdir()
            source.write_text(WARM_UP_SOURCE % (1, WARM_UP_TESTS), encoding="utf-8")
            self.compile([str(source)], [str(Path(tmp) / "classes"), *map(str, self.junit)],
                         WARM_UP_OPTIONS, "warm-up", deadline)
            if not self.wanted.is_set():
                self.run([], True, ["AprWarmUp"], False, None, deadline)

    def _send(self, request: dict[str, object]) -> None:
        assert self.child.stdin is not None  # started with pipes
        try:
            self.child.stdin.write(json.dumps(request).encode() + b"\n")
            self.child.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise WarmJVMDied(f"the warm JVM is gone: {exc}") from None

    def _next(self, deadline: float | None) -> dict[str, object]:
        """The next answer line; other lines (the JVM's own messages) are kept as noise.

        Raises:
            TimeoutError: none came before ``deadline``.
            WarmJVMDied: the JVM closed its output.
        """
        while True:
            line, sep, rest = self._pending.partition(b"\n")
            if sep:
                self._pending = rest
                answer = _answer(line)
                if answer is not None:
                    return answer
                self._noise.append(line.decode("utf-8", "replace"))
                continue
            self._pending += self._read(deadline)

    def _read(self, deadline: float | None) -> bytes:
        assert self.child.stdout is not None  # started with pipes
        fd = self.child.stdout.fileno()
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            said = "\n".join(self._noise[-20:]).strip()
            raise WarmJVMDied(f"the warm JVM exited{': ' if said else ''}{said}")
        return chunk

    def _take_noise(self) -> str:
        text = "".join(f"{line}\n" for line in self._noise)
        self._noise.clear()
        return text


def _int(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) else 0


def _answer(line: bytes) -> dict[str, object] | None:
    if not line.startswith(b'{"kind":'):
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True, slots=True)
class WarmAnswer:
    """A warm run's answer: javac's errors (no test ran), or the runner's result."""

    errors: tuple[str, ...] = ()
    result: RunnerResult | None = None
    reused: bool = False  # answered from an earlier run with the same class bytes


@dataclass
class _Counts:
    runs: int = 0
    reused: int = 0
    compiled: int = 0  # compiles asked for (the candidates' changed files)
    alone: int = 0  # javac tasks of one candidate's files
    batched: int = 0  # versions compiled ahead, many in one javac task
    deaths: int = 0
    notes: set[str] = field(default_factory=set)


class WarmJUnit:
    """The warm JVMs of one junit driver (one per workspace project folder) and the answers
    it already knows. Thread-safe: each workspace is used by one validation worker at a time.
    """

    def __init__(self, tools: JavaTools) -> None:
        self.tools = tools
        self.disabled: str | None = None
        self.counts = _Counts()
        self._jvms: dict[Path, WarmJVM] = {}
        self._known: dict[str, RunnerResult] = {}
        self._coming: dict[Path, list[tuple[str, bytes]]] = {}
        self._seed: Path | None = None
        self._removal: weakref.finalize[..., object] | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Stop every JVM, remove the kept build; safe to call twice."""
        with self._lock:
            jvms, self._jvms = list(self._jvms.values()), {}
            removal, self._removal = self._removal, None
            self._seed = None
        for jvm in jvms:
            jvm.close()
        if removal is not None:
            removal()

    def keep_build(self, project_dir: Path) -> None:
        """Keep a copy of a workspace's complete cold build (the first one) to start the other
        workspaces' builds from: their first run then goes warm too. The copy is as good as
        any build: runs compare the sources with the hashes in its ``state.json``."""
        with self._lock:
            if self._seed is not None:
                return
            folder = Path(tempfile.mkdtemp(prefix="apr-java-build-"))
            # removed by close(), or at garbage collection or exit when nobody called it
            self._removal = weakref.finalize(self, shutil.rmtree, folder, True)
            self._seed = folder / BUILD_DIR
            shutil.copytree(project_dir / BUILD_DIR, self._seed)

    def _seeded(self, project_dir: Path) -> None:
        """Give a workspace without a build a copy of the kept one."""
        target = project_dir / BUILD_DIR
        with self._lock:
            if self._seed is None or target.exists():
                return
            shutil.copytree(self._seed, target)

    def pids(self) -> list[int]:
        """The process ids of the running JVMs (their fence wrappers, when fenced)."""
        with self._lock:
            return [jvm.child.pid for jvm in self._jvms.values() if jvm.alive()]

    def prepare(self, project_dir: Path) -> None:
        """Start the workspace's JVM now (apr's baseline runs meanwhile) and warm it up
        (:meth:`WarmJVM.warm_up`), so that the first candidate's run pays for neither; a run
        that comes meanwhile waits for it. A JVM that fails its warm-up is dropped (the next
        run starts another)."""
        if self.disabled is not None:
            return
        jvm = self._jvm(project_dir)
        if jvm is None:
            return
        with jvm.lock:
            try:
                jvm.warm_up(time.monotonic() + WARM_UP_SECONDS)
            except (WarmJVMDied, TimeoutError):
                self._drop(project_dir, jvm)

    def foresee(self, project_dir: Path, versions: list[tuple[str, bytes]]) -> None:
        """The (path, content) of code files the workspace's next candidates will compile,
        one file each: its JVM's next compile it has no answer for compiles them too."""
        with self._lock:
            self._coming[project_dir] = versions

    def run(self, project_dir: Path, compiler: IncrementalCompiler, tests: Sequence[str],
            classpath: Sequence[str], *, fail_fast: bool, deadline: float | None,
            test_timeout: float | None) -> WarmAnswer | None:
        """Run ``tests`` warm (``classpath``: the cold run's, JUnit's jars left out), or None
        when this run must go the cold way."""
        if self.disabled is not None:
            return None
        self._seeded(project_dir)
        changes = compiler.changes(project_dir)
        if changes is None:
            return None  # the cold build comes first
        if changes.test:
            self._note(f"a test file changed ({changes.test[0]}): such runs go cold")
            return None
        jvm = self._jvm(project_dir)
        if jvm is None:
            return None
        jvm.wanted.set()
        with jvm.lock:
            try:
                return self._run(jvm, project_dir, compiler, changes, tests, classpath,
                                 fail_fast, deadline, test_timeout)
            except WarmJVMDied as exc:
                self._died(project_dir, jvm, str(exc))
                return None

    def _run(self, jvm: WarmJVM, project_dir: Path, compiler: IncrementalCompiler,
             changes: Changes, tests: Sequence[str], classpath: Sequence[str], fail_fast: bool,
             deadline: float | None, test_timeout: float | None) -> WarmAnswer:
        digest = ""
        if changes.main:
            compiled = self._compile(jvm, project_dir, compiler, changes, deadline)
            if compiled.errors:
                return WarmAnswer(errors=(javac_errors(compiled.errors, project_dir),))
            digest = compiled.digest
        key = _key(tests, fail_fast, test_timeout, changes.unchanged, digest)
        with self._lock:
            self.counts.runs += 1
            known = self._known.get(key)
            if known is not None:
                self.counts.reused += 1
                return WarmAnswer(result=known, reused=True)
        done = jvm.run(classpath, bool(changes.main), tests, fail_fast, test_timeout, deadline)
        if done.restart:
            self._drop(project_dir, jvm)
        result = runner_result(done.records, done.output[-20000:], done.timed_out)
        if not done.timed_out:
            with self._lock:
                self._known[key] = result
        return WarmAnswer(result=result)

    def _compile(self, jvm: WarmJVM, project_dir: Path, compiler: IncrementalCompiler,
                 changes: Changes, deadline: float | None) -> Compiled:
        main = project_dir / BUILD_DIR / "main"
        classpath = [str(main), *compiler.classpath(project_dir)]
        files = [str(project_dir / f) for f in changes.main]
        with self._lock:
            coming = self._coming.pop(project_dir, [])
        before = jvm.compiles
        try:
            compiled = jvm.compile(files, classpath, compiler.options(), changes.built, deadline,
                                   coming)
        except TimeoutError:
            raise WarmJVMDied("javac ran past the time limit") from None
        with self._lock:
            self.counts.compiled += 1
            self.counts.alone += jvm.compiles[0] - before[0]
            self.counts.batched += jvm.compiles[1] - before[1]
        if compiled.trouble:
            first = compiled.trouble.strip().splitlines()[0]
            self._note(f"compiling ahead failed ({first}); such files compile alone")
        return compiled

    def _jvm(self, project_dir: Path) -> WarmJVM | None:
        """The workspace's JVM, started on first use (or after it ended)."""
        with self._lock:
            jvm = self._jvms.get(project_dir)
            if jvm is not None and jvm.alive():
                return jvm
        if jvm is not None:
            self._drop(project_dir, jvm)
        try:
            jvm = WarmJVM(self.tools, project_dir)
        except (OSError, TestCommandNotFound) as exc:
            self._give_up(f"the warm JVM does not start ({exc})")
            return None
        with self._lock:
            other = self._jvms.get(project_dir)
            if other is None or not other.alive():
                self._jvms[project_dir] = jvm
                return jvm
        jvm.close()  # another thread (prepare and a run) started one meanwhile: theirs
        return other

    def _drop(self, project_dir: Path, jvm: WarmJVM) -> None:
        with self._lock:
            if self._jvms.get(project_dir) is jvm:
                del self._jvms[project_dir]
        jvm.close()

    def _died(self, project_dir: Path, jvm: WarmJVM, why: str) -> None:
        self._drop(project_dir, jvm)
        with self._lock:
            self.counts.deaths += 1
            deaths = self.counts.deaths
        first = why.strip().splitlines()[0] if why.strip() else "no reason given"
        if deaths >= MAX_DEATHS:
            self._give_up(f"the warm JVM died in {deaths} runs (a test calling System.exit?); "
                          f"last: {first}")
        else:
            self._note(f"the warm JVM died during a run ({first}); that run goes cold")

    def _give_up(self, why: str) -> None:
        self.disabled = why
        self._note(f"{why}: the Java tests run cold from now on")

    def _note(self, text: str) -> None:
        with self._lock:
            if text in self.counts.notes:
                return
            self.counts.notes.add(text)
        print(f"apr: note: java warm: {text}", file=sys.stderr)


def _key(tests: Sequence[str], fail_fast: bool, test_timeout: float | None, unchanged: str,
         digest: str) -> str:
    data = json.dumps([list(tests), fail_fast, test_timeout, unchanged, digest])
    return hashlib.sha256(data.encode()).hexdigest()
