"""Which CI service runs us, read once from the environment into a frozen value.

GitHub Actions sets ``GITHUB_ACTIONS=true`` and ``GITHUB_*`` variables; GitLab CI sets
``GITLAB_CI=true`` and ``CI_*``; most other services set ``CI=true``. Nothing here reads
``os.environ`` by itself: :meth:`CIEnvironment.detect` is given the mapping, so tests pass theirs.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class CIProvider(enum.StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"
    GENERIC = "generic"  # CI=true, nothing more known
    NONE = "none"  # a developer's machine


@dataclass(frozen=True, slots=True)
class CIEnvironment:
    """What apr uses from a CI service's environment; ``None`` where the service said nothing.

    Attributes:
        provider: the service.
        workspace: the checkout directory (``GITHUB_WORKSPACE``, ``CI_PROJECT_DIR``); annotation
            paths are relative to it.
        sha: the commit being built.
        ref_name: the branch or tag being built.
        base_ref: the target branch of a pull/merge request, when building one.
        step_summary: GitHub's job-summary file (``GITHUB_STEP_SUMMARY``), appended to.
        output_file: GitHub's step-outputs file (``GITHUB_OUTPUT``), appended to.
        project_url: the repository's web page (``https://github.com/OWNER/NAME``).
        run_url: this CI run's web page.
    """

    provider: CIProvider = CIProvider.NONE
    workspace: Path | None = None
    sha: str | None = None
    ref_name: str | None = None
    base_ref: str | None = None
    step_summary: Path | None = None
    output_file: Path | None = None
    project_url: str | None = None
    run_url: str | None = None

    @classmethod
    def detect(cls, environ: Mapping[str, str]) -> CIEnvironment:
        """Read ``environ`` (normally ``os.environ``); unknown or absent CI gives ``NONE``."""
        if _true(environ.get("GITHUB_ACTIONS")):
            return cls._github(environ)
        if _true(environ.get("GITLAB_CI")):
            return cls._gitlab(environ)
        if _true(environ.get("CI")):
            return cls(provider=CIProvider.GENERIC)
        return cls()

    @classmethod
    def _github(cls, env: Mapping[str, str]) -> CIEnvironment:
        server, repo, run = (env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY",
                                                   "GITHUB_RUN_ID"))
        project = f"{server.rstrip('/')}/{repo}" if server and repo else None
        return cls(
            provider=CIProvider.GITHUB, workspace=_path(env.get("GITHUB_WORKSPACE")),
            sha=env.get("GITHUB_SHA") or None, ref_name=env.get("GITHUB_REF_NAME") or None,
            base_ref=env.get("GITHUB_BASE_REF") or None,
            step_summary=_path(env.get("GITHUB_STEP_SUMMARY")),
            output_file=_path(env.get("GITHUB_OUTPUT")), project_url=project,
            run_url=f"{project}/actions/runs/{run}" if project and run else None)

    @classmethod
    def _gitlab(cls, env: Mapping[str, str]) -> CIEnvironment:
        return cls(
            provider=CIProvider.GITLAB, workspace=_path(env.get("CI_PROJECT_DIR")),
            sha=env.get("CI_COMMIT_SHA") or None, ref_name=env.get("CI_COMMIT_REF_NAME") or None,
            base_ref=env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or None,
            project_url=env.get("CI_PROJECT_URL") or None,
            run_url=env.get("CI_PIPELINE_URL") or None)

    @property
    def is_ci(self) -> bool:
        return self.provider is not CIProvider.NONE

    @property
    def is_github(self) -> bool:
        return self.provider is CIProvider.GITHUB

    def source_url(self, sha: str | None = None) -> str | None:
        """The web prefix to which ``FILE#L<line>`` is appended to show a line, if known.

        ``sha`` (default: the built commit) pins the link to the code that was repaired.
        """
        sha = sha or self.sha
        if self.project_url is None or sha is None:
            return None
        middle = "/-/blob/" if self.provider is CIProvider.GITLAB else "/blob/"
        return f"{self.project_url}{middle}{sha}/"


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None
