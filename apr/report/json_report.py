"""The JSON report (`apr repair --report FILE.json`): a stable, documented shape.

``{"status", "message", "patches": [{"rank", "diff", "files", "generator", "template",
"description", "tests_run", "seconds", "fixes", "still_failing", "estimate"}], "localization":
[{"file", "line", "score"}], "failing_tests": [...], "preexisting_failures": [...],
"flaky_tests": [...], "stats": {"candidates_generated", "candidates_validated", "seconds",
"stages": {stage: seconds}, "outcomes": {outcome: count}, "tests": {"<stage>_tests"|
"<stage>_seconds"|"skipped_tests"|"skipped_seconds": number}}, "settings": {...}}``

``status`` is ``plausible``, ``partial`` (no plausible patch; ``patches`` then hold partial
ones, each with the failing tests it ``fixes`` and those ``still_failing``), ``none``,
``nothing_to_fix`` or ``cannot_reproduce``. ``estimate`` is a plausible patch's correctness
estimate, feature by feature, and its ``total`` (:mod:`apr.rank.estimate`; the patches are
ordered by it), ``{}`` when none was made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apr.model import RepairResult

#: Locations listed in the report (the full ranking is in the run folder).
MAX_LOCATIONS = 50


def report_dict(result: RepairResult, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "status": result.status.value,
        "message": result.message,
        "patches": [
            {"rank": i + 1, "diff": p.diff, "files": list(p.candidate.files),
             "generator": p.candidate.generator, "template": p.candidate.template,
             "description": p.candidate.description, "tests_run": p.tests_run,
             "seconds": round(p.seconds, 3), "fixes": list(p.fixed_tests),
             "still_failing": list(p.failing_tests), "estimate": dict(p.estimate)}
            for i, p in enumerate(result.patches)
        ],
        "localization": [{"file": loc.file, "line": loc.line, "score": loc.score}
                         for loc in result.localization[:MAX_LOCATIONS]],
        "failing_tests": list(result.failing_tests),
        "preexisting_failures": list(result.preexisting_failures),
        "flaky_tests": list(result.flaky_tests),
        "stats": {
            "candidates_generated": result.candidates_generated,
            "candidates_validated": result.candidates_validated,
            "seconds": result.seconds,
            "stages": dict(result.stages),
            "outcomes": dict(result.outcomes),
            "tests": dict(result.test_stages),
        },
        "settings": settings or {},
    }


def write_json(path: str | Path, result: RepairResult, settings: dict[str, Any] | None = None,
               ) -> None:
    text = json.dumps(report_dict(result, settings), indent=2, sort_keys=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
