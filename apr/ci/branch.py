"""The fix branch (`apr ci --branch NAME` / `--commit`): the best patch committed, never pushed.

The branch is made with :func:`apr.project.apply.commit_to_branch`, which leaves the user's
current branch, HEAD, index and working tree as they were. Pushing it and opening a pull or
merge request is left to the job (and its token): apr prints the commands.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from apr.ci.environment import CIEnvironment, CIProvider
from apr.errors import UsageError
from apr.model import RepairResult


@dataclass(frozen=True, slots=True)
class FixBranch:
    """A branch apr created: its name, its commit, and the commands that publish it."""

    name: str
    sha: str
    hints: tuple[str, ...]


def head_sha(root: Path) -> str | None:
    """The sha of HEAD in the repository at ``root``; ``None`` before the first commit."""
    import git

    try:
        return str(git.Repo(root).head.commit.hexsha)
    except ValueError:
        return None


def default_branch_name(root: Path) -> str:
    """``apr/fix-<short sha of HEAD>``.

    Raises:
        UsageError: the repository has no commit yet.
    """
    sha = head_sha(root)
    if sha is None:
        raise UsageError("--commit needs a repository with at least one commit")
    return f"apr/fix-{sha[:8]}"


def check_branch_name(root: Path, name: str) -> None:
    """Fail early, before a long repair, on a name git refuses or a branch that exists.

    Raises:
        UsageError: the name is not a valid branch name, or the branch exists.
    """
    import git

    repo = git.Repo(root)
    try:
        repo.git.check_ref_format("--branch", name)
    except git.GitCommandError:
        raise UsageError(f"{name!r} is not a valid git branch name") from None
    if name in [h.name for h in repo.heads]:
        raise UsageError(f"branch {name!r} already exists; choose another --branch name")


def create_fix_branch(root: Path, result: RepairResult, name: str, env: CIEnvironment,
                      body_file: Path | None = None) -> FixBranch:
    """Commit ``result``'s best patch on a new branch ``name``; return it with push hints.

    Raises:
        UsageError: the branch exists or the patch does not apply to HEAD (see
            :func:`~apr.project.apply.commit_to_branch`).
        ValueError: ``result`` has no patch.
    """
    from apr.project.apply import commit_to_branch

    if not result.patches:
        raise ValueError("no patch to commit")
    sha = commit_to_branch(root, result.patches[0].diff, name, commit_message(result))
    return FixBranch(name, sha, tuple(push_hints(name, env, body_file)))


def commit_message(result: RepairResult) -> str:
    best = result.patches[0].candidate
    tests = "".join(f"\n- {t}" for t in result.failing_tests[:20])
    return (f"Fix failing tests: {best.description or best.template}\n\n"
            f"Patch found by apr ({best.generator}/{best.template}) and validated against the "
            f"test suite. Tests that failed before it:{tests}\n")


def push_hints(name: str, env: CIEnvironment, body_file: Path | None = None) -> list[str]:
    """Shell commands that push the branch and open a pull/merge request for it."""
    base = env.base_ref or env.ref_name
    if env.provider is CIProvider.GITLAB:  # GitLab opens the merge request on push options
        argv = ["git", "push", "-o", "merge_request.create"]
        argv += ["-o", f"merge_request.target={base}"] if base else []
        return [shlex.join([*argv, "origin", name])]
    hints = [shlex.join(["git", "push", "origin", name])]
    if env.is_github:
        pr = ["gh", "pr", "create", "--head", name, "--title", "Fix failing tests (apr)"]
        pr += ["--base", base] if base else []
        pr += ["--body-file", str(body_file)] if body_file else ["--body", "Patch found by apr."]
        hints.append(shlex.join(pr))
    return hints
