from datetime import date

import pytest

from jiuzhu.audit.models import AuditEvent
from jiuzhu.calendars.models import CalendarDay
from jiuzhu.calendars.services import calendar_day_reset, calendar_day_set
from jiuzhu.core.errors import ErrorCode, ServiceError

pytestmark = pytest.mark.django_db


def test_a_refused_edit_says_every_problem_and_changes_nothing(administrator):
    with pytest.raises(ServiceError) as error:
        calendar_day_set(actor=administrator, day=date(2026, 3, 14), kind="weekday",
                         name="", reason=" ")
    assert error.value.code == ErrorCode.VALIDATION
    assert {p["path"] for p in error.value.errors} == {"kind", "reason"}
    with pytest.raises(ServiceError) as error:
        calendar_day_set(actor=administrator, day=date(2026, 3, 16), kind="holiday",
                         name="", reason="通知")
    assert [p["path"] for p in error.value.errors] == ["name"]
    assert not CalendarDay.objects.filter(source="manual").exists()
    assert not AuditEvent.objects.exists()


def test_an_adjusted_workday_is_named_and_counted_as_work(administrator):
    day = calendar_day_set(actor=administrator, day=date(2026, 3, 14), kind="adjusted_workday",
                           reason="县里集中办理月")
    assert (day.is_workday, day.name, day.source) == (True, "调休上班", "manual")


def test_reset_needs_a_manual_edit(administrator):
    with pytest.raises(ServiceError, match="没有人工调整"):
        calendar_day_reset(actor=administrator, day=date(2026, 2, 17), reason="x")
    calendar_day_set(actor=administrator, day=date(2026, 2, 17), kind="weekday",
                     reason="窗口照常上班")
    day = calendar_day_reset(actor=administrator, day=date(2026, 2, 17), reason="撤回")
    assert (day.is_workday, day.kind, day.name, day.source) == (
        False, "holiday", "春节", "chinese_calendar")


def test_reset_in_a_year_chinese_calendar_does_not_know_goes_back_to_the_weekend_rule(
        administrator):
    calendar_day_set(actor=administrator, day=date(2027, 1, 1), kind="holiday", name="元旦",
                     reason="通知")
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    assert set(CalendarDay.objects.filter(date__year=2027).exclude(date=date(2027, 1, 1))
               .values_list("source", flat=True)) == {"rule"}
    day = calendar_day_reset(actor=administrator, day=date(2027, 1, 1), reason="录错")
    assert (day.is_workday, day.kind, day.source) == (True, "weekday", "rule")
