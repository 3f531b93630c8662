"""GitHub Actions workflow commands: ``::warning file=F,line=L,title=T::message`` lines.

Printed on stdout, each becomes an annotation on that line of the commit or pull request; file
paths are relative to the repository's root, as GitHub expects. GitHub shows at most 10
warnings per step, so the caller caps how many are printed. Escaping follows the runner's
rules: in the message ``%``, CR and LF are percent-encoded; in property values ``:`` and ``,``
are too.
"""

from __future__ import annotations

from apr.model import Location, RepairResult
from apr.report.sarif import replacements, touched_lines


def workflow_annotations(result: RepairResult, limit: int = 10) -> list[str]:
    """Workflow commands for the top ``limit`` suspicious lines of ``result``, best first."""
    shown = result.localization[:limit]
    patched = _patched_lines(result)
    return [_command(loc, rank, len(shown), (loc.file, loc.line) in patched)
            for rank, loc in enumerate(shown, 1)]


def _patched_lines(result: RepairResult) -> set[tuple[str, int]]:
    if not result.patches:
        return set()
    return {(r.file, line) for r in replacements(result.patches[0].diff)
            for line in touched_lines(r)}


def _command(loc: Location, rank: int, count: int, patched: bool) -> str:
    title = f"apr: suspicious line {rank} of {count}"
    message = f"The failing tests execute this line (suspiciousness {loc.score:.3f})."
    message += (" apr's validated patch changes it: see the job summary." if patched
                else " See the job summary for the failing tests and any patch.")
    props = f"file={_prop(loc.file)},line={loc.line},title={_prop(title)}"
    return f"::warning {props}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
