#!/usr/bin/env python3
"""Build one virtualenv per BugsInPy project for `apr bench run bugsinpy --python`, and check
that the bugs of python-bugs.txt reproduce with them.

    python.py BUGSINPY CLONES ENVS [--projects P,...] [--verify] [--bugs FILE]

BUGSINPY is a checkout of https://github.com/soarsmu/BugsInPy, CLONES a directory holding one git
clone per project (CLONES/<project>, the repository named by projects/<project>/project.info).
Nothing is downloaded but packages from PyPI (pip): the script never clones; a missing clone is
reported with the `git clone` command that makes it. ENVS/<project> is (re)made with the
interpreter of the version below ($PYENV_ROOT/versions/3.X.*, else `python3.X` on PATH).

The environments hold the project's test requirements (BugsInPy's bug requirements.txt pins
where old code needs them) and pytest, but NOT pytest-cov, as a project's own environment
usually does. pytest is 7.4.4 rather than BugsInPy's pins: apr's pytest plugin needs pytest >= 6.1.

--verify (run it with an interpreter where apr is installed) checks out every bug of the list
with apr's BugsInPy adapter and runs its trigger tests with ENVS/<project>/bin/python: they must
fail on the buggy version and pass once the developer's patch is applied.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# project -> (Python version, pip requirements, files written into site-packages)
PROJECTS: dict[str, tuple[str, list[str], dict[str, str]]] = {
    "PySnooper": ("3.8", ["pytest==7.4.4", "python-toolbox==1.3.2", "decorator==5.1.1",
                          "future==1.0.0", "six==1.17.0"], {}),
    "httpie": ("3.7", ["pytest==7.4.4", "requests==2.0.0", "Pygments==2.6.1",
                       "pytest-httpbin==1.0.0", "httpbin==0.7.0", "Flask==1.1.2",
                       "Werkzeug==1.0.1", "Jinja2==2.11.2", "MarkupSafe==1.1.1",
                       "itsdangerous==1.1.0", "mock==4.0.2"], {}),
    # BugsInPy says 3.6.9; apr's pytest plugin needs 3.7 (`from __future__ import annotations`).
    "cookiecutter": ("3.7", ["pytest==7.4.4", "pytest-mock==3.11.1", "freezegun==1.5.1",
                             "binaryornot==0.4.4", "Jinja2==2.11.2", "MarkupSafe==1.1.1",
                             "click==7.1.2", "poyo==0.5.0", "jinja2-time==0.2.0",
                             "python-slugify==4.0.0", "requests==2.23.0", "arrow==0.15.6"], {}),
    # black imports _black_version, which `pip install -e .` generates (setuptools-scm): the
    # checkouts are not installed, so the environment carries it.
    "black": ("3.8", ["pytest==7.4.4", "aiohttp==3.6.2", "aiohttp-cors==0.7.0", "appdirs==1.4.3",
                      "attrs==19.3.0", "click==7.1.1", "mypy-extensions==0.4.3",
                      "pathspec==0.7.0", "regex==2020.2.20", "toml==0.10.0", "typed-ast==1.4.1",
                      "typing-extensions==3.7.4.1", "multidict==4.7.5", "yarl==1.4.2",
                      "async-timeout==3.0.1", "chardet==3.0.4"],
              {"_black_version.py": 'version = "19.10b0"\n'}),
}


def find_python(version: str) -> str:
    """The newest $PYENV_ROOT/versions/X.Y.*, else a working python X.Y on PATH."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python"),
                        key=lambda p: [int(x) for x in Path(p).parts[-3].split(".")])
    if candidates:
        return candidates[-1]
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
        return found
    sys.exit(f"no Python {version}: put python{version} on PATH or install it with pyenv")


def check_clone(bugsinpy: Path, clones: Path, project: str) -> None:
    if (clones / project / ".git").exists() or (clones / project / "HEAD").exists():
        return
    info = (bugsinpy / "projects" / project / "project.info").read_text()
    url = info.split('github_url="', 1)[-1].split('"', 1)[0]
    sys.exit(f"no clone of {project} at {clones / project}: git clone {url} {clones / project}")


def build(envs: Path, project: str) -> None:
    version, requirements, files = PROJECTS[project]
    env = envs / project
    shutil.rmtree(env, ignore_errors=True)
    subprocess.run([find_python(version), "-m", "venv", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *requirements], check=True)
    site = subprocess.run([str(env / "bin" / "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    for name, text in files.items():
        (Path(site) / name).write_text(text)
    print(f"{project}: {env} (Python {version})", flush=True)


def read_bugs(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def verify(bugsinpy: Path, clones: Path, envs: Path, ids: list[str]) -> bool:
    from apr.bench.bugsinpy import BugsInPySuite

    suite = BugsInPySuite(bugsinpy, clones)
    bugs = {b.id: b for b in suite.bugs()}
    ok = True
    for bug_id in ids:
        bug = bugs[bug_id]
        python = envs / suite.entry(bug).project / "bin" / "python"
        argv = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *bug.failing_tests]
        with tempfile.TemporaryDirectory() as tmp:
            dest = suite.checkout(bug, Path(tmp) / bug_id)
            before = subprocess.run(argv, cwd=dest, capture_output=True, timeout=600).returncode
            subprocess.run(["git", "apply"], input=suite.developer_patch(bug).encode(), cwd=dest,
                           check=True, capture_output=True)
            after = subprocess.run(argv, cwd=dest, capture_output=True, timeout=600).returncode
        good = before == 1 and after == 0
        ok = ok and good
        print(f"{bug_id}: buggy exit {before}, fixed exit {after}: "
              f"{'reproduces' if good else 'DOES NOT REPRODUCE'}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bugsinpy", type=Path)
    parser.add_argument("clones", type=Path)
    parser.add_argument("envs", type=Path)
    parser.add_argument("--projects", help=f"only these (default: {','.join(PROJECTS)})")
    parser.add_argument("--bugs", type=Path, default=HERE / "python-bugs.txt")
    parser.add_argument("--verify", action="store_true", help="check the bugs reproduce")
    parser.add_argument("--no-build", action="store_true", help="keep existing environments")
    args = parser.parse_args()
    projects = args.projects.split(",") if args.projects else list(PROJECTS)
    unknown = [p for p in projects if p not in PROJECTS]
    if unknown:
        sys.exit(f"no environment recipe for {', '.join(unknown)}")
    args.envs.mkdir(parents=True, exist_ok=True)
    for project in projects:
        check_clone(args.bugsinpy, args.clones, project)
        if not args.no_build:
            build(args.envs.resolve(), project)
    if args.verify:
        ids = [b for b in read_bugs(args.bugs) if b.rsplit("-", 1)[0] in projects]
        return 0 if verify(args.bugsinpy, args.clones, args.envs.resolve(), ids) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
