"""apr: automated program repair.

The public API: resolve a config, describe a task, run a repair, read the result::

    from apr import RepairTask, repair, resolve_config
    config = resolve_config(Path("myproject"), {"budget": 200})
    result = repair(RepairTask(Path("myproject"), config))

Importing apr is cheap: nothing heavy (tree-sitter grammars, coverage, models) loads until used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apr.config import RepairConfig
from apr.errors import AprError, CannotReproduce, ExitCode, UsageError
from apr.model import (
    Candidate,
    Edit,
    Hunk,
    Location,
    Outcome,
    RepairResult,
    RepairStatus,
    TestRun,
    TestStatus,
    ValidationResult,
    from_json,
    to_json,
)

if TYPE_CHECKING:
    from apr.pipeline import RepairTask, repair, resolve_config

__all__ = [
    "AprError", "Candidate", "CannotReproduce", "Edit", "ExitCode", "Hunk", "Location", "Outcome",
    "RepairConfig", "RepairResult", "RepairStatus", "RepairTask", "TestRun", "TestStatus",
    "UsageError", "ValidationResult", "from_json", "repair", "resolve_config", "to_json",
]

_LAZY = {"RepairTask", "repair", "resolve_config"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from apr import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'apr' has no attribute {name!r}")
