"""The candidates' time limits come from the tests' own times, slow tests included."""

from __future__ import annotations

from apr.config import RepairConfig
from apr.model import TestRun, TestStatus
from apr.pipeline import finished_seconds, validation_timeouts

P, F, T = TestStatus.PASSED, TestStatus.FAILED, TestStatus.TIMEOUT


def run(**tests: tuple[TestStatus, float]) -> TestRun:
    return TestRun(outcomes={t: s for t, (s, _) in tests.items()}, seconds=1.0, returncode=1,
                   durations={t: d for t, (_, d) in tests.items()})


def test_a_test_that_timed_out_under_coverage_is_timed_by_the_rerun() -> None:
    # levenshtein: its slow case ran past 10 s with coverage, 2.3 s without; the candidates'
    # limit must not come from the fast cases alone (2 s), or the fix times out on it
    baseline = run(fast=(F, 0.03), slow=(T, 10.0), ok=(P, 0.01))
    rerun = run(fast=(F, 0.01), slow=(F, 2.3))
    seconds = finished_seconds(baseline, rerun)
    assert seconds == {"fast": 0.03, "ok": 0.01, "slow": 2.3}
    config = RepairConfig(test_timeout=10.0)
    assert validation_timeouts(seconds, config)["test_timeout"] == 10.0
    assert validation_timeouts(finished_seconds(baseline, None), config)["test_timeout"] == 2.0


def test_a_test_that_hangs_in_the_rerun_too_has_no_time() -> None:
    baseline = run(fast=(F, 0.5), loops=(T, 10.0))
    seconds = finished_seconds(baseline, run(fast=(F, 0.4), loops=(T, 10.0)))
    assert seconds == {"fast": 0.5}  # the baseline's time, not the rerun's, where both finished
    limits = validation_timeouts(seconds, RepairConfig(test_timeout=10.0))
    assert limits == {"test_timeout": 5.0, "run_timeout": 31.5}
