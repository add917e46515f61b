"""The colour of today from dates (alerts.py): the same rules as ``alert_for``, by first
yellow days and by windows, in Python and in SQL, with the calendar table's holidays."""

from datetime import date, timedelta

import pytest
from django.db.models import Q

from jiuzhu.calendars.alerts import (
    Due,
    alert_expression,
    alert_level,
    alert_rank,
    matches,
    row_alert,
    worst,
    yellow_from,
    yellow_thresholds,
    yellow_window,
)
from jiuzhu.calendars.models import CalendarDay
from jiuzhu.calendars.selectors import add_working_days, alert_for, calendar_window
from jiuzhu.calendars.services import calendar_day_set

pytestmark = pytest.mark.django_db

# Starts across the 2026 Spring Festival (adjusted working Sundays), the 2025 National Day
# break, an ordinary March and the turn into 2027, which the calendar does not know.
STARTS = [date(2026, 2, 10), date(2025, 9, 26), date(2026, 3, 2), date(2026, 12, 24)]
RULES = [(1, None), (3, None), (5, None), (7, None), (8, None), (20, None), (30, 24), (45, 39)]


@pytest.mark.parametrize("started", STARTS)
def test_first_yellow_day_and_window_give_the_colour_of_alert_for(started):
    window = calendar_window(started, started + timedelta(days=200))
    for limit, yellow_after in RULES:
        due = add_working_days(started, limit, calendar=window).due
        first = yellow_from(started, limit, yellow_after=yellow_after, calendar=window)
        days = yellow_window(limit, yellow_after=yellow_after)
        for offset in range(0, (due - started).days + 4):
            today = started + timedelta(days=offset)
            expected = alert_for(started=started, limit=limit, today=today,
                                 yellow_after=yellow_after, calendar=window).level
            assert alert_level(today, (due, first)) == expected, (limit, today)
            assert alert_level(today, (due, days), calendar=window) == expected, (limit, today)


def test_the_first_yellow_day_counts_working_days_of_the_calendar_table():
    # Accepted Tuesday 10 Feb 2026, limit 8: 11, 12, 13, (14 Sat adjusted working day),
    # 24, 25, 26, 27 — the Spring Festival break 15–23 does not count.
    assert add_working_days(date(2026, 2, 10), 8).due == date(2026, 2, 27)
    assert yellow_from(date(2026, 2, 10), 8) == date(2026, 2, 25)  # the 6th working day
    assert alert_level(date(2026, 2, 24), (date(2026, 2, 27), date(2026, 2, 25))) == "none"


def test_a_holiday_entered_by_hand_moves_the_threshold(tree):
    from jiuzhu.testing import UserFactory

    admin = UserFactory(username="caladmin2", role="administrator", region=tree["county"])
    today = date(2026, 3, 9)  # Monday; due Thursday 12th is 3 working days away
    assert yellow_thresholds(today, [2]) == {2: date(2026, 3, 12)}
    assert alert_level(today, (date(2026, 3, 11), 2)) == "yellow"
    assert alert_level(today, (date(2026, 3, 12), 2)) == "none"
    calendar_day_set(actor=admin, day=date(2026, 3, 10), kind="holiday", name="测试假日",
                     reason="测试")
    assert yellow_thresholds(today, [2]) == {2: date(2026, 3, 13)}
    assert alert_level(today, (date(2026, 3, 12), 2)) == "yellow"


def test_red_is_the_day_after_the_due_date_and_wins():
    due = date(2026, 3, 5)
    assert alert_level(due, (due, due)) == "yellow"
    assert alert_level(due + timedelta(days=1), (due, due)) == "red"
    assert alert_level(due + timedelta(days=1), (None, None), (due, None)) == "red"
    assert alert_level(due, (None, date(2026, 3, 1))) == "none"  # no due date: nothing runs
    assert alert_level(due) == "none"
    assert worst(["none", "yellow", "red", "none"]) == "red" and worst([]) == "none"


def test_sql_colour_equals_python_colour_for_windows(django_assert_num_queries):
    days = CalendarDay.objects.filter(date__range=(date(2026, 2, 1), date(2026, 3, 31)))
    for today in (date(2026, 2, 13), date(2026, 2, 20), date(2026, 3, 2)):
        for window in (0, 2, 5):
            with django_assert_num_queries(1):  # the calendar, once
                expression = alert_expression([Due("date", yellow=window)], today=today)
            rows = days.annotate(alert=expression, rank=alert_rank()).values_list(
                "date", "alert", "rank")
            for day, level, rank in rows:
                assert level == alert_level(today, (day, window)), (today, window, day)
                assert rank == {"red": 0, "yellow": 1, "none": 2}[level]


def test_sql_rules_apply_only_where_they_hold(django_assert_num_queries):
    today = date(2026, 3, 10)
    dues = [Due("date", when=Q(is_workday=True))]
    with django_assert_num_queries(0):  # no window: no calendar read
        expression = alert_expression(dues, today=today)
    rows = dict(CalendarDay.objects.filter(date__range=(date(2026, 3, 6), date(2026, 3, 10)))
                .annotate(alert=expression).values_list("date", "alert"))
    assert rows == {date(2026, 3, 6): "red", date(2026, 3, 7): "none", date(2026, 3, 8): "none",
                    date(2026, 3, 9): "red", date(2026, 3, 10): "none"}
    saturday = CalendarDay.objects.get(date=date(2026, 3, 7))
    friday = CalendarDay.objects.get(date=date(2026, 3, 6))
    assert row_alert(saturday, dues, today=today) == "none"
    assert row_alert(friday, dues, today=today) == "red"


def test_rules_through_a_relation_and_python_lookups():
    rule = Due("due_date", "yellow_on", when=Q(step__in=["a", "b"]))
    via = rule.via("application", when=Q(state="internal"))
    assert (via.due, via.yellow) == ("application__due_date", "application__yellow_on")

    class Obj:
        def __init__(self, **kw):
            self.__dict__.update(kw)

    row = Obj(state="internal", application=Obj(step="a", due_date=None, yellow_on=None))
    assert matches(row, via.when)
    row.application.step = "none"
    assert not matches(row, via.when)
    assert matches(row, ~Q(state="transferred")) and not matches(row, Q(state__in=[]))
    assert matches(Obj(x=None), Q(x__isnull=True)) and not matches(Obj(x=None), Q(x__lt=3))
    assert matches(Obj(x=2), Q(x__lt=3) | Q(x=9)) and not matches(Obj(x=4), Q(x__lt=3) | Q(x=9))
    assert not matches(Obj(application=None), Q(application__step="a"))
