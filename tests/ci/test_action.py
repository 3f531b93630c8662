"""The composite GitHub Action (action.yml): its inputs, its steps, and the flags it passes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from apr.cli import build_parser

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def _ci_options() -> set[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    ci = sub.choices["ci"]  # type: ignore[index]
    return {opt for a in ci._actions for opt in a.option_strings}


def test_inputs_and_steps(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    assert {"path", "test-command", "budget", "time-limit", "sarif", "branch", "exit-zero",
            "upload-sarif", "cache"} <= set(action["inputs"])
    uses = [s["uses"].split("@")[0] for s in action["runs"]["steps"] if "uses" in s]
    assert {"actions/setup-python", "actions/upload-artifact", "actions/cache/restore",
            "actions/cache/save", "github/codeql-action/upload-sarif"} <= set(uses)
    text = ACTION.read_text(encoding="utf-8")
    referenced = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert referenced <= set(action["inputs"]), referenced - set(action["inputs"])
    assert "${{ inputs." not in "".join(s.get("run", "") for s in action["runs"]["steps"]), \
        "inputs must reach scripts through env, never spliced into the script"


def test_the_script_passes_only_real_flags(action: dict[str, Any]) -> None:
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "apr"]
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", step["run"]))
    assert {"--summary", "--sarif", "--report", "--patches-dir", "--exit-zero"} <= flags
    assert flags <= _ci_options(), flags - _ci_options()
