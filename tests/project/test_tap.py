"""TAP parsing: statuses, directives, names, traces, plans, bail out."""

from __future__ import annotations

from apr.model import TestStatus
from apr.project.tap import parse_tap

TAP = """\
TAP version 13
1..7
ok 1 - push grows the stack
not ok 2 - pop returns the last item
# expected 3
#      got 2
ok 3 peek # SKIP not implemented
not ok 4 - resize # TODO known bug
ok 5 - resize # todo but it passes
ok 6
ok 7 - push grows the stack
    ok 1 - a subtest line
"""


def test_statuses_names_and_traces() -> None:
    stream = parse_tap(TAP)
    got = {t.name: t.status for t in stream.tests}
    assert got == {
        "push grows the stack": TestStatus.PASSED,
        "pop returns the last item": TestStatus.FAILED,
        "peek": TestStatus.SKIPPED,
        "resize": TestStatus.SKIPPED,  # an expected failure does not count
        "resize (2)": TestStatus.PASSED,
        "test 6": TestStatus.PASSED,
        "push grows the stack (2)": TestStatus.PASSED,
    }
    failed = stream.tests[1]
    assert failed.trace.splitlines() == ["not ok 2 - pop returns the last item",
                                         "# expected 3", "#      got 2"]
    assert stream.planned == 7 and stream.complete


def test_a_short_plan_or_a_bail_out_is_incomplete() -> None:
    assert not parse_tap("1..3\nok 1 - a\n").complete
    bailed = parse_tap("1..1\nBail out! no database\n")
    assert bailed.bailed == "no database" and not bailed.complete
    assert parse_tap("ok 1 - no plan\n").complete
    assert parse_tap("ok - escaped \\# hash\n").tests[0].name == "escaped \\# hash"
