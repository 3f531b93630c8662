#!/usr/bin/env python3
"""Reproduce real Java bugs from Defects4J's metadata and the projects' public git histories.

The ``defects4j`` command downloads its repositories from a site these machines cannot reach, so
this recipe rebuilds its bugs from local clones of the projects' public GitHub repositories,
the way ``defects4j checkout`` does: the buggy version is the FIXED revision
(``active-bugs.csv``, ``revision.id.fixed``) with Defects4J's reverse source patch
(``patches/N.src.patch``, fixed -> buggy) applied, so its tests are the fixed revision's tests
and include the trigger tests. Each bug becomes a bug directory of apr's ``manifest`` suite::

    OUT/<Project>-<N>/bug.toml   id, language, driver = "junit", failing_tests, test_command...
    OUT/<Project>-<N>/fix.patch  buggy -> fixed, made by ``git diff``
    OUT/<Project>-<N>/buggy/     the buggy tree (+ lib/ holding the test dependencies' jars)

Nothing here is downloaded: the Defects4J checkout, the clones and the jars are local paths.
The bugs and what each needs are data: ``java-bugs.txt`` (see its header). ``--check`` runs
apr's junit driver on the buggy and the fixed tree of every bug and says whether exactly the
trigger tests fail on the buggy tree and nothing fails on the fixed one.

Usage (documented in benchmarks/README.md)::

    python benchmarks/realbugs/java.py --defects4j D4J --clones CLONES --out SUITE [--check]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_BUGS = HERE / "java-bugs.txt"
#: keys a line of the bug list may set (a project line gives defaults for its bugs)
KEYS = ("repo", "main", "test", "tests", "keep", "jars", "classpath", "drop", "broken",
        "release", "encoding", "prepare")


@dataclass
class Spec:
    """One bug of the list, with its project's defaults under its own keys."""

    project: str
    number: int
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.project}-{self.number}"

    def get(self, key: str, default: str = "") -> str:
        return self.keys.get(key, default)

    def items(self, key: str) -> list[str]:
        return [v for v in self.get(key).split(",") if v]


def read_bugs(path: Path) -> list[Spec]:
    """The bug list: ``Project key=value ...`` lines set a project's defaults, ``Project-N
    key=value ...`` lines name a bug (its keys win); ``#`` after a blank starts a comment."""
    defaults: dict[str, dict[str, str]] = {}
    specs: list[Spec] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        words = shlex.split(re.sub(r"(^|\s)#.*", "", raw))  # `#` in a test id is no comment
        if not words:
            continue
        name, keys = words[0], {}
        for word in words[1:]:
            key, sep, value = word.partition("=")
            if not sep or key not in KEYS:
                sys.exit(f"{path}:{number}: bad word {word!r} (keys: {', '.join(KEYS)})")
            keys[key] = value
        project, dash, bug = name.rpartition("-")
        if dash and bug.isdigit():
            specs.append(Spec(project, int(bug), {**defaults.get(project, {}), **keys}))
        else:
            defaults.setdefault(name, {}).update(keys)
    return specs


# --- Defects4J's metadata -------------------------------------------------------------------


def project_dir(d4j: Path, project: str) -> Path:
    return d4j / "framework" / "projects" / project


def revisions(d4j: Path, spec: Spec) -> tuple[str, str, str]:
    """(buggy revision, fixed revision, report url) from ``active-bugs.csv``."""
    lines = (project_dir(d4j, spec.project) / "active-bugs.csv").read_text().splitlines()
    for line in lines[1:]:
        cols = line.split(",")
        if cols[0] == str(spec.number):
            return cols[1], cols[2], cols[4] if len(cols) > 4 else ""
    raise SystemExit(f"{spec.id}: not in active-bugs.csv")


def trigger_tests(d4j: Path, spec: Spec) -> list[str]:
    """The trigger tests as the junit driver names them (``pkg.Class#method``)."""
    text = (project_dir(d4j, spec.project) / "trigger_tests" / str(spec.number)).read_text(
        encoding="utf-8", errors="replace")
    tests = [line[4:].strip().replace("::", "#") for line in text.splitlines()
             if line.startswith("--- ")]
    return sorted(dict.fromkeys(tests))


def layout(d4j: Path, spec: Spec, fixed: str) -> tuple[str, str]:
    """(source dir, test dir) of the fixed revision from ``dir-layout.csv``."""
    text = (project_dir(d4j, spec.project) / "dir-layout.csv").read_text()
    for line in text.splitlines():
        cols = line.strip().split(",")
        if cols[0] == fixed:
            return cols[1], cols[2]
    raise SystemExit(f"{spec.id}: revision {fixed} not in dir-layout.csv")


# --- trees ----------------------------------------------------------------------------------


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    res = subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True)
    if res.returncode:
        raise SystemExit(f"git {' '.join(args)} in {repo}: {res.stderr.decode(errors='replace')}")
    return res.stdout


def export(clone: Path, revision: str, dest: Path) -> list[str]:
    """The tree of ``revision`` (no history) into ``dest``; returns the files left out because
    the clone lacks their blobs (a partial mirror may omit large test resources)."""
    dest.mkdir(parents=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(git(clone, "archive", revision))) as tar:
            tar.extractall(dest, filter="data")
        return []
    except SystemExit:
        pass  # a blob is missing: file by file
    entries = git(clone, "ls-tree", "-r", "-z", revision).split(b"\0")
    missing = []
    for entry in filter(None, entries):
        meta, _, name = entry.partition(b"\t")
        mode, kind, sha = meta.split()
        path = dest / os.fsdecode(name)
        if kind != b"blob":
            continue  # submodules
        res = subprocess.run(["git", "-C", str(clone), "cat-file", "blob", sha.decode()],
                             capture_output=True)
        if res.returncode:
            missing.append(os.fsdecode(name))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            path.symlink_to(os.fsdecode(res.stdout))
        else:
            path.write_bytes(res.stdout)
            if mode == b"100755":
                path.chmod(0o755)
    return missing


def apply_patch(tree: Path, patch: Path) -> None:
    res = subprocess.run(["git", "apply", "--whitespace=nowarn", str(patch)], cwd=tree,
                         capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"{patch} does not apply to {tree}: {res.stderr}")


def find_jar(d4j: Path, spec: Spec, name: str) -> Path:
    """A jar: absolute (e.g. Debian's /usr/share/java/...), else under the project's lib/."""
    path = Path(name) if Path(name).is_absolute() else project_dir(d4j, spec.project) / "lib" / name
    if not path.is_file():
        raise SystemExit(f"{spec.id}: jar {path} not found")
    return path


def prepare(tree: Path, spec: Spec, d4j: Path, src: str, test: str) -> None:
    """What both versions get alike: tests kept or dropped, the jars in lib/, named steps."""
    keep = spec.items("keep")
    if keep:
        for path in sorted((tree / test).rglob("*.java")):
            if not any(path.match(pattern) for pattern in keep):
                path.unlink()
    for pattern in spec.items("drop"):
        for path in sorted(tree.glob(pattern)):
            path.unlink() if path.is_file() else shutil.rmtree(path)
    for test_id in spec.items("broken"):
        remove_test(tree / test, test_id, spec.get("encoding", "utf-8"))
    if spec.items("jars"):
        (tree / "lib").mkdir(exist_ok=True)
        for name in spec.items("jars"):
            shutil.copy2(find_jar(d4j, spec, name), tree / "lib" / Path(name).name)
    for step in spec.items("prepare"):
        STEPS[step](tree, spec, src)


def remove_test(test_dir: Path, test_id: str, encoding: str) -> None:
    """Delete test method ``pkg.Class#method`` from its source (with the annotations above
    it), as Defects4J's rm_broken_tests.pl does for tests broken on the fixed version."""
    cls, _, method = test_id.partition("#")
    path = test_dir / (cls.replace(".", "/") + ".java")
    text = path.read_text(encoding=encoding)
    match = re.search(rf"^[ \t]*public[ \t]+void[ \t]+{re.escape(method)}[ \t]*\(", text, re.M)
    if match is None:
        raise SystemExit(f"broken test {test_id}: no method {method} in {path}")
    start = match.start()
    while True:  # annotations on the lines above
        above = text.rfind("\n", 0, max(start - 1, 0)) + 1
        if start == 0 or not text[above:start - 1].strip().startswith("@"):
            break
        start = above
    depth, i = 0, text.index("{", match.end())
    while True:
        char = text[i]
        if char in "\"'":  # a string or char literal
            i += 1
            while text[i] != char:
                i += 2 if text[i] == "\\" else 1
        elif text.startswith("//", i):
            i = text.index("\n", i)
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                break
        i += 1
    end = text.find("\n", i) + 1 or len(text)
    path.write_text(text[:start] + text[end:], encoding=encoding)


def joda_tz(tree: Path, spec: Spec, src: str) -> None:
    """Joda-Time's build compiles the tz database (``org/joda/time/tz/src``) with the project's
    own ZoneInfoCompiler; put the result where the junit driver finds resources."""
    out = tree / "src/main/resources/org/joda/time/tz/data"
    tz = tree / src / "org/joda/time/tz/src"
    zones = ["africa", "antarctica", "asia", "australasia", "europe", "northamerica",
             "southamerica", "pacificnew", "etcetera", "backward", "systemv"]
    with tempfile.TemporaryDirectory(prefix="joda-tz-") as tmp:
        files = [str(p) for p in (tree / src).rglob("*.java")]
        listing = Path(tmp) / "files.txt"
        listing.write_text("\n".join(files))
        encoding = spec.get("encoding", "UTF-8")
        run(["javac", "-nowarn", "-encoding", encoding, "--release", spec.get("release", "8"),
             "-cp", os.pathsep.join(map(str, (tree / "lib").glob("*.jar"))),
             "-d", tmp, f"@{listing}"])
        out.mkdir(parents=True, exist_ok=True)
        run(["java", "-Dorg.joda.time.DateTimeZone.Provider=org.joda.time.tz.UTCProvider",
             "-cp", tmp, "org.joda.time.tz.ZoneInfoCompiler", "-src", str(tz),
             "-dst", str(out), *[z for z in zones if (tz / z).exists()]])


STEPS = {"joda-tz": joda_tz}


def run(argv: list[str]) -> None:
    res = subprocess.run(argv, capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"{argv[0]} failed: {res.stdout[-3000:]}{res.stderr[-3000:]}")


def developer_patch(buggy: Path, fixed: Path, files: list[str]) -> bytes:
    """``git diff`` buggy -> fixed over ``files``, in a scratch repository."""
    with tempfile.TemporaryDirectory(prefix="d4j-diff-") as tmp:
        repo = Path(tmp)
        for name in files:
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(buggy / name, repo / name)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=recipe", "-c", "user.email=recipe@localhost", "commit",
            "-q", "-m", "buggy")
        for name in files:
            shutil.copy2(fixed / name, repo / name)
        return git(repo, "diff", "--no-color", "--no-ext-diff")


def patched_files(patch: Path) -> list[str]:
    names = []
    for line in patch.read_bytes().decode("latin-1").splitlines():
        if line.startswith("+++ b/"):
            names.append(line[6:].strip())
    return names


def count_hunks(patch: bytes) -> int:
    return sum(1 for line in patch.splitlines() if line.startswith(b"@@ "))


def test_command(spec: Spec, src: str, test: str) -> str:
    words = [f"main={spec.get('main', src)}", f"test={spec.get('tests') or test}",
             f"release={spec.get('release', '8')}"]
    if spec.get("classpath"):
        words.append(f"classpath={spec.get('classpath')}")
    if spec.get("encoding") and driver_takes_encoding():
        words.append(f"encoding={spec.get('encoding')}")
    return " ".join(words)


def driver_takes_encoding() -> bool:
    """Whether the installed junit driver knows the ``encoding=`` spec key."""
    try:
        from apr.errors import UsageError
        from apr.project.junit import parse_options
    except ImportError:
        return False
    try:
        parse_options("encoding=UTF-8")
    except UsageError:
        return False
    return True


def toml_string(text: str) -> str:
    return json.dumps(text)


def build(spec: Spec, d4j: Path, clones: Path, out: Path, work: Path) -> dict[str, object]:
    """Write ``out/<id>``; return what the check needs."""
    clone = clones / spec.get("repo", spec.project)
    _, fixed_rev, url = revisions(d4j, spec)
    src, test = layout(d4j, spec, fixed_rev)
    patch = project_dir(d4j, spec.project) / "patches" / f"{spec.number}.src.patch"
    fixed, buggy = work / "fixed", work / "buggy"
    missing = export(clone, fixed_rev, fixed)
    if missing:
        print(f"{spec.id}: the clone lacks {len(missing)} file(s): {', '.join(missing)}",
              file=sys.stderr)
    prepare(fixed, spec, d4j, src, test)
    shutil.copytree(fixed, buggy, symlinks=True)
    apply_patch(buggy, patch)
    files = patched_files(patch)
    diff = developer_patch(buggy, fixed, files)
    failing = trigger_tests(d4j, spec)
    command = test_command(spec, src, test)
    dest = out / spec.id
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(buggy, dest / "buggy", symlinks=True)
    (dest / "fix.patch").write_bytes(diff)
    lines = [f"id = {toml_string(spec.id)}", 'language = "java"', 'driver = "junit"',
             f"description = {toml_string(f'Defects4J {spec.id} ({url}), fixed in {fixed_rev}')}",
             'kind = ""',
             "failing_tests = [" + ", ".join(map(toml_string, failing)) + "]",
             'patch = "fix.patch"', f"hunks = {count_hunks(diff)}",
             f"test_command = {toml_string(command)}"]
    if spec.get("encoding"):
        lines.append(f"# sources are {spec.get('encoding')}")
    (dest / "bug.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"fixed": fixed, "buggy": buggy, "failing": failing, "command": command,
            "missing": missing}


# --- the check ------------------------------------------------------------------------------


def check(spec: Spec, built: dict[str, object], timeout: float) -> dict[str, object]:
    """Run apr's junit driver on both trees with the bug's test command, as a repair would.

    While the installed driver has no ``encoding=`` key, the check runs on a copy of each tree
    whose sources are transcoded to UTF-8, so that it says whether the bug reproduces at all
    (the suite keeps the original bytes)."""
    from apr.project.junit import JUnitDriver

    command = str(built["command"])
    report: dict[str, object] = {"bug": spec.id}
    for version in ("buggy", "fixed"):
        tree = Path(str(built[version]))
        encoding = spec.get("encoding")
        if encoding and not driver_takes_encoding():
            for path in tree.rglob("*.java"):
                path.write_text(path.read_text(encoding=encoding), encoding="utf-8")
        started = time.monotonic()
        run = JUnitDriver(command).run(tree, tree, timeout=timeout, test_timeout=60)
        report[version] = {"tests": len(run.outcomes), "failing": sorted(run.failing),
                           "errors": [e[-600:] for e in run.errors],
                           "seconds": round(time.monotonic() - started, 1)}
    trig = {str(t) for t in built["failing"]}  # type: ignore[attr-defined]
    buggy, fixed = report["buggy"], report["fixed"]
    report["ok"] = (set(buggy["failing"]) == trig and not fixed["failing"]  # type: ignore[index]
                    and not buggy["errors"] and not fixed["errors"])  # type: ignore[index]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--defects4j", type=Path, required=True,
                        help="a clone of github.com/rjust/defects4j")
    parser.add_argument("--clones", type=Path, required=True,
                        help="folder of the projects' clones (names: the `repo` key)")
    parser.add_argument("--out", type=Path, required=True, help="the suite folder to write")
    parser.add_argument("--bugs-file", type=Path, default=DEFAULT_BUGS)
    parser.add_argument("--only", default="", help="comma-separated bug ids of the list")
    parser.add_argument("--check", action="store_true",
                        help="run the tests of both versions with apr's junit driver")
    parser.add_argument("--timeout", type=float, default=600.0, help="per test run, seconds")
    args = parser.parse_args(argv)
    specs = read_bugs(args.bugs_file)
    if args.only:
        wanted = set(args.only.split(","))
        specs = [s for s in specs if s.id in wanted]
    args.out.mkdir(parents=True, exist_ok=True)
    bad = 0
    for spec in specs:
        with tempfile.TemporaryDirectory(prefix=f"{spec.id}-") as tmp:
            try:
                built = build(spec, args.defects4j, args.clones, args.out, Path(tmp))
            except SystemExit as exc:  # this bug cannot be built; the others may
                print(f"{spec.id}: FAILED: {exc}", flush=True)
                bad += 1
                continue
            print(f"{spec.id}: wrote {args.out / spec.id}", flush=True)
            if args.check:
                report = check(spec, built, args.timeout)
                report["missing"] = built["missing"]
                bad += not report["ok"]
                print(json.dumps(report), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
