import pytest

from taskq.scheduler import Scheduler


def make():
    s = Scheduler()
    s.schedule("backup", run_at=30)
    s.schedule("email", run_at=10)
    s.schedule("report", run_at=10, priority=5)
    s.schedule("cleanup", run_at=60)
    return s


def test_pop_due_orders_by_time_then_priority():
    s = make()
    assert s.pop_due(30) == ["report", "email", "backup"]
    assert len(s) == 1


def test_nothing_due_yet():
    assert make().pop_due(5) == []


def test_next_run_time_skips_cancelled():
    s = make()
    s.cancel("email")
    s.cancel("report")
    assert s.next_run_time() == 30


def test_cancel_reports_whether_task_existed():
    s = make()
    assert s.cancel("email") is True
    assert s.cancel("email") is False
    assert "email" not in s


def test_reschedule_replaces_entry():
    s = make()
    s.schedule("email", run_at=100)
    assert s.pop_due(50) == ["report", "backup"]
    assert s.next_run_time() == 60


def test_run_pending_calls_handler_in_order():
    s = make()
    ran = []
    s.run_pending(10, ran.append)
    assert ran == ["report", "email"]


def test_run_pending_returns_number_run():
    s = make()
    assert s.run_pending(30, lambda task: None) == 3
    assert s.run_pending(30, lambda task: None) == 0


def test_postpone():
    s = make()
    assert s.postpone("email", 45) == 55
    assert s.pop_due(50) == ["report", "backup"]


def test_postpone_unknown_task():
    with pytest.raises(KeyError):
        make().postpone("missing", 5)
