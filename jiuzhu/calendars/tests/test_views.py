from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.calendars.models import CalendarDay
from jiuzhu.testing import UserFactory

pytestmark = pytest.mark.django_db


def _set(client, **data):
    return client.post(reverse("calendars:days"), {
        "date": "2026-03-16", "kind": "holiday", "name": "台风停工", "reason": "县政府通知",
        **data})


def test_pages_need_a_login(client):
    for url in (reverse("calendars:month"), reverse("calendars:days")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_month_grid_shows_holidays_and_adjusted_days(client, window_worker):
    client.force_login(window_worker)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("calendars:month", args=(2026, 2)))
    assert len([q for q in queries if "calendars_calendarday" in q["sql"]]) == 1
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026年2月" in body and "春节" in body
    assert 'data-date="2026-02-14" data-workday="1"' in body  # Saturday, worked
    assert 'data-date="2026-02-16" data-workday="0"' in body  # Monday, Spring Festival
    assert 'class="day-adjusted_workday' in body and 'class="day-holiday' in body
    assert 'data-testid="provisional"' not in body
    assert "?date=2026-02-16" not in body  # no edit links


def test_month_grid_of_an_unknown_year_is_provisional(client, window_worker):
    client.force_login(window_worker)
    body = client.get(reverse("calendars:month"), {"year": 2027, "month": 1}).content.decode()
    assert 'data-testid="provisional"' in body and "暂定" in body
    assert 'data-date="2027-01-01" data-workday="1"' in body
    assert client.get("/calendar/2026/13/").status_code == 404


def test_everyone_logged_in_sees_the_days_but_only_administrators_change_them(
        client, window_worker):
    client.force_login(window_worker)
    page = client.get(reverse("calendars:days"), {"year": 2025})
    body = page.content.decode()
    assert page.status_code == 200
    assert "2025-10-06" in body and "中秋节" in body and "2025-09-28" in body
    assert 'id="edit"' not in body
    assert _set(client).status_code == 403
    assert client.post(reverse("calendars:day_reset"),
                       {"date": "2026-03-16", "reason": "x"}).status_code == 403
    assert CalendarDay.objects.get(date=date(2026, 3, 16)).kind == "weekday"
    supervisor = UserFactory(role="supervisor", region=window_worker.region)
    client.force_login(supervisor)
    assert _set(client).status_code == 403


def test_an_administrator_changes_a_day_with_a_reason(client, administrator):
    client.force_login(administrator)
    month = client.get(reverse("calendars:month", args=(2026, 3))).content.decode()
    assert "?date=2026-03-16#edit" in month
    form = client.get(reverse("calendars:days"), {"date": "2026-03-16"}).content.decode()
    assert 'id="edit"' in form and 'value="2026-03-16"' in form
    response = _set(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("calendars:days") + "?year=2026"
    day = CalendarDay.objects.get(date=date(2026, 3, 16))
    assert (day.is_workday, day.kind, day.name, day.source, day.note, day.updated_by) == (
        False, "holiday", "台风停工", "manual", "县政府通知", administrator)
    event = AuditEvent.objects.get(object_type="calendars.calendarday")
    assert (event.action, event.actor, event.detail["reason"]) == ("update", administrator,
                                                                    "县政府通知")
    assert event.detail["before"]["kind"] == "weekday"
    body = client.get(response["Location"]).content.decode()
    assert "台风停工" in body and "caladmin" in body  # the list and the edit history

    response = client.post(reverse("calendars:day_reset"),
                           {"date": "2026-03-16", "reason": "通知撤回"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.kind, day.source, day.is_workday) == ("weekday", "chinese_calendar", True)
    assert AuditEvent.objects.filter(object_type="calendars.calendarday").count() == 2


def test_a_superuser_may_change_days(client, superuser):
    client.force_login(superuser)
    assert _set(client, date="2026-02-28", kind="weekend", name="", reason="试行").status_code == 302
    assert not CalendarDay.objects.get(date=date(2026, 2, 28)).is_workday


def test_errors_are_shown_next_to_the_field_and_keep_the_input(client, administrator):
    client.force_login(administrator)
    response = _set(client, date="2026-03-14", kind="weekday", reason="补班")  # a Saturday
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_kind_error"' in body and "调休上班日" in body
    assert "补班" in body and 'value="2026-03-14"' in body
    missing = _set(client, reason="", name="").content.decode()
    assert 'id="id_reason_error"' in missing and 'id="id_name_error"' in missing
    assert CalendarDay.objects.get(date=date(2026, 3, 14)).kind == "weekend"
    assert not AuditEvent.objects.filter(object_type="calendars.calendarday").exists()
