"""The human summary printed at the end of `apr repair`."""

from __future__ import annotations

from apr.model import RepairResult, RepairStatus

_HEADLINE = {
    RepairStatus.PLAUSIBLE: "found {n} plausible patch(es)",
    RepairStatus.NONE: "no plausible patch found",
    RepairStatus.NOTHING_TO_FIX: "nothing to fix",
    RepairStatus.CANNOT_REPRODUCE: "cannot reproduce",
}


def summary(result: RepairResult, max_locations: int = 5, max_tests: int = 10) -> str:
    """A few lines: the verdict, the failing tests, the top suspicious lines, the best diff."""
    out = [f"apr: {_HEADLINE[result.status].format(n=len(result.patches))}"
           + (f" ({result.message})" if result.message else "")]
    if result.failing_tests:
        out.append(f"failing tests ({len(result.failing_tests)}):")
        out += [f"  {t}" for t in result.failing_tests[:max_tests]]
    if result.localization:
        out.append("most suspicious lines:")
        out += [f"  {loc.file}:{loc.line}  {loc.score:.3f}"
                for loc in result.localization[:max_locations]]
    for rank, patch in enumerate(result.patches, 1):
        c = patch.candidate
        out.append(f"patch {rank} ({c.generator}/{c.template}: {c.description}), "
                   f"validated in {patch.seconds:.1f} s:")
        out.append(patch.diff.rstrip("\n"))
    stats = (f"{result.candidates_validated} of {result.candidates_generated} candidates "
             f"validated in {result.seconds:.1f} s")
    out.append(stats + "".join(f", {k}: {v:.1f} s" for k, v in result.stages.items()))
    return "\n".join(out)
