"""The human summary printed at the end of `apr repair`."""

from __future__ import annotations

from apr.model import RepairResult, RepairStatus

_HEADLINE = {
    RepairStatus.PLAUSIBLE: "found {n} plausible patch(es)",
    RepairStatus.NONE: "no plausible patch found",
    RepairStatus.PARTIAL: "no plausible patch; {n} partial patch(es) fix some of the failing tests",
    RepairStatus.NOTHING_TO_FIX: "nothing to fix",
    RepairStatus.CANNOT_REPRODUCE: "cannot reproduce",
}


def summary(result: RepairResult, max_locations: int = 5, max_tests: int = 10) -> str:
    """A few lines: the verdict, the failing tests, the top suspicious lines, the best diff."""
    out = [f"apr: {_HEADLINE[result.status].format(n=len(result.patches))}"
           + (f" ({result.message})" if result.message else "")]
    if result.failing_tests:
        out.append(f"failing tests to fix ({len(result.failing_tests)}):")
        out += [f"  {t}" for t in result.failing_tests[:max_tests]]
    if result.preexisting_failures:
        out.append(f"pre-existing failures, allowed to go on failing "
                   f"({len(result.preexisting_failures)}):")
        out += [f"  {t}" for t in result.preexisting_failures[:max_tests]]
    if result.flaky_tests:
        out.append(f"flaky (failed, then passed when run again), ignored: "
                   f"{', '.join(result.flaky_tests[:max_tests])}")
    if result.localization:
        out.append("most suspicious lines:")
        out += [f"  {loc.file}:{loc.line}  {loc.score:.3f}"
                for loc in result.localization[:max_locations]]
    for rank, patch in enumerate(result.patches, 1):
        c = patch.candidate
        kind = "partial patch" if result.status is RepairStatus.PARTIAL else "patch"
        out.append(f"{kind} {rank} ({c.generator}/{c.template}: {c.description}), "
                   f"validated in {patch.seconds:.1f} s:")
        if patch.estimate:
            out.append(f"  {estimate_line(patch.estimate)}")
        if result.status is RepairStatus.PARTIAL:
            out.append(f"  fixes: {', '.join(patch.fixed_tests)}")
            out.append(f"  still failing: {', '.join(patch.failing_tests)}")
        out.append(patch.diff.rstrip("\n"))
    stats = (f"{result.candidates_validated} of {result.candidates_generated} candidates "
             f"validated in {result.seconds:.1f} s")
    out.append(stats + "".join(f", {k}: {v:.1f} s" for k, v in result.stages.items()))
    if result.test_stages:
        out.append(tests_line(result.test_stages))
    return "\n".join(out)


def tests_line(stages: dict[str, float]) -> str:
    """How many tests each validation stage ran, and what selection left out."""
    parts = [f"{stage} {int(stages[f'{stage}_tests'])}" for stage in ("targets", "selected",
                                                                     "full")
             if stages.get(f"{stage}_tests")]
    line = "tests run: " + (", ".join(parts) or "none")
    if stages.get("skipped_tests"):
        line += (f"; selection skipped {int(stages['skipped_tests'])} test runs "
                 f"({stages.get('skipped_seconds', 0):.1f} s at the baseline's speed)")
    return line


def estimate_line(estimate: dict[str, float]) -> str:
    """The correctness estimate of a patch and each feature's contribution to it."""
    parts = ", ".join(f"{k} {v:+.2f}" for k, v in estimate.items() if k != "total")
    return f"correctness estimate {estimate.get('total', 0.0):+.2f} ({parts})"
