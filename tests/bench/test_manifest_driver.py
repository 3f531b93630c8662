"""bug.toml's ``driver`` key: read by the manifest suite and handed to the repair by the runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apr.bench.manifest import ManifestBug, ManifestSuite
from apr.bench.runner import BenchSettings, run_bug
from apr.errors import UsageError
from apr.model import RepairResult, RepairStatus
from tests.conftest import write_files

TOML = """id = "calc-1"
language = "java"
failing_tests = ["org.fake.CalcTest#testAdd"]
patch = "fix.patch"
test_command = "main=src/main/java test=src/test/java release=8"
"""


def make_bug(root: Path, extra: str = "") -> Path:
    bug = root / "calc-1"
    write_files(bug, {"bug.toml": TOML + extra, "fix.patch": "",
                      # a build file that would otherwise pick the Maven driver
                      "buggy/pom.xml": "<project/>\n",
                      "buggy/src/main/java/org/fake/Calc.java": "package org.fake;\n"})
    return bug


def test_driver_key_is_read(tmp_path: Path) -> None:
    bug = ManifestBug.load(make_bug(tmp_path, 'driver = "junit"\n')).bug
    assert bug.driver == "junit"
    assert bug.test_command == "main=src/main/java test=src/test/java release=8"


@pytest.mark.parametrize("extra", ["", 'driver = ""\n'])
def test_no_driver_key_means_detected(tmp_path: Path, extra: str) -> None:
    assert ManifestBug.load(make_bug(tmp_path, extra)).bug.driver is None


def test_unknown_driver_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown driver 'ant'"):
        ManifestBug.load(make_bug(tmp_path, 'driver = "ant"\n'))


def test_runner_repairs_with_the_bugs_driver(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    suite = ManifestSuite(make_bug(tmp_path / "suite", 'driver = "junit"\n'))
    seen: dict[str, Any] = {}

    def fake_repair(task: Any, progress: Any = None) -> RepairResult:
        seen["driver"], seen["command"] = task.config.driver, task.config.test_command
        return RepairResult(status=RepairStatus.NONE, patches=(), localization=(),
                            failing_tests=(), candidates_generated=0, candidates_validated=0,
                            seconds=0.0, stages={})

    monkeypatch.setattr("apr.pipeline.repair", fake_repair)
    record = run_bug(suite, suite.bugs()[0], BenchSettings(budget=5, time_limit=10))
    assert record["status"] == "none", record
    assert seen == {"driver": "junit",
                    "command": "main=src/main/java test=src/test/java release=8"}
