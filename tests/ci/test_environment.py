from __future__ import annotations

from pathlib import Path

from apr.ci.environment import CIEnvironment, CIProvider

GITHUB = {"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_WORKSPACE": "/w",
          "GITHUB_STEP_SUMMARY": "/s.md", "GITHUB_OUTPUT": "/o", "GITHUB_SHA": "abc123",
          "GITHUB_REF_NAME": "42/merge", "GITHUB_BASE_REF": "main",
          "GITHUB_SERVER_URL": "https://github.com/", "GITHUB_REPOSITORY": "octo/stats",
          "GITHUB_RUN_ID": "9"}


def test_github() -> None:
    env = CIEnvironment.detect(GITHUB)
    assert env.provider is CIProvider.GITHUB and env.is_ci and env.is_github
    assert env.workspace == Path("/w") and env.step_summary == Path("/s.md")
    assert env.output_file == Path("/o")
    assert (env.sha, env.ref_name, env.base_ref) == ("abc123", "42/merge", "main")
    assert env.project_url == "https://github.com/octo/stats"
    assert env.run_url == "https://github.com/octo/stats/actions/runs/9"
    assert env.source_url() == "https://github.com/octo/stats/blob/abc123/"
    assert env.source_url("def") == "https://github.com/octo/stats/blob/def/"


def test_gitlab() -> None:
    env = CIEnvironment.detect({
        "GITLAB_CI": "true", "CI": "true", "CI_PROJECT_DIR": "/builds/g/p",
        "CI_COMMIT_SHA": "f00", "CI_COMMIT_REF_NAME": "feature",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_PROJECT_URL": "https://gitlab.com/g/p",
        "CI_PIPELINE_URL": "https://gitlab.com/g/p/-/pipelines/5"})
    assert env.provider is CIProvider.GITLAB and not env.is_github
    assert env.workspace == Path("/builds/g/p") and env.step_summary is None
    assert (env.sha, env.ref_name, env.base_ref) == ("f00", "feature", "main")
    assert env.source_url() == "https://gitlab.com/g/p/-/blob/f00/"
    assert env.run_url == "https://gitlab.com/g/p/-/pipelines/5"


def test_generic_and_none() -> None:
    assert CIEnvironment.detect({"CI": "1"}).provider is CIProvider.GENERIC
    local = CIEnvironment.detect({"HOME": "/root", "CI": "false", "GITHUB_ACTIONS": ""})
    assert local == CIEnvironment() and not local.is_ci
    assert local.source_url("abc") is None


def test_missing_values_stay_none() -> None:
    env = CIEnvironment.detect({"GITHUB_ACTIONS": "true"})
    assert env.is_github
    assert env.project_url is None and env.run_url is None and env.step_summary is None
