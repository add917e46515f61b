from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from jiuzhu.calendars import services
from jiuzhu.calendars.services import daily_functions, register_daily, unregister_daily
from jiuzhu.calendars.tasks import daily_schedule, next_daily_run, recompute_alerts_daily

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def calls(monkeypatch):
    # Only this test's functions (other apps register theirs in AppConfig.ready()).
    monkeypatch.setattr(services, "_daily", [])
    made: list[str] = []

    def recompute_applications():
        made.append("applications")

    def broken():
        raise RuntimeError("boom")

    def recompute_reviews():
        made.append("reviews")

    functions = (recompute_applications, broken, recompute_reviews)
    for fn in functions:
        register_daily(fn)
    register_daily(recompute_applications)  # twice: still once
    yield made
    unregister_daily(broken)
    assert broken not in daily_functions()


def test_the_daily_task_runs_every_registered_function(calls):
    assert len([fn for fn in daily_functions() if fn.__name__ == "recompute_applications"]) == 1
    result = recompute_alerts_daily.enqueue()  # the tests' backend runs it at once
    assert calls == ["applications", "reviews"]
    outcome = result.return_value
    assert [status for name, status in outcome.items() if name.endswith("broken")] == [
        "failed: RuntimeError: boom"]
    assert sum(status == "ok" for status in outcome.values()) == 2


def test_recompute_alerts_command_runs_them_now(calls, capsys):
    with pytest.raises(CommandError, match="1 个"):
        call_command("recompute_alerts")
    assert calls == ["applications", "reviews"]
    assert "recompute_reviews: ok" in capsys.readouterr().out


def test_next_run_is_the_next_one_oclock_local_time():
    def at(*args):
        return datetime(*args, tzinfo=SHANGHAI)

    assert next_daily_run(at(2026, 3, 1, 0, 30)) == at(2026, 3, 1, 1, 0)
    assert next_daily_run(at(2026, 3, 1, 1, 0)) == at(2026, 3, 2, 1, 0)
    assert next_daily_run(at(2026, 12, 31, 15, 0)) == at(2027, 1, 1, 1, 0)


def test_an_immediate_backend_schedules_nothing():
    assert daily_schedule() is None
    assert not DBTaskResult.objects.exists()


@override_settings(TASKS=DATABASE_TASKS)
def test_schedule_daily_enqueues_once(capsys):
    call_command("schedule_daily")
    assert "首次运行时间" in capsys.readouterr().out
    call_command("schedule_daily")
    assert "未重复加入" in capsys.readouterr().out
    pending = DBTaskResult.objects.get()
    assert pending.task_path == "jiuzhu.calendars.tasks.recompute_alerts_daily"
    assert pending.status == "READY"
    assert pending.run_after.astimezone(SHANGHAI).time().isoformat() == "01:00:00"


@override_settings(TASKS=DATABASE_TASKS)
def test_each_run_enqueues_the_next(calls):
    first = daily_schedule(now=datetime(2026, 3, 1, 15, 0, tzinfo=SHANGHAI))
    DBTaskResult.objects.filter(id=first.id).update(status="SUCCESSFUL")  # the worker ran it
    recompute_alerts_daily.call()
    assert calls == ["applications", "reviews"]
    pending = DBTaskResult.objects.get(status="READY")
    assert pending.id != first.id
    recompute_alerts_daily.call()  # a second run the same day adds no second pending one
    assert DBTaskResult.objects.filter(status="READY").count() == 1
