"""Alerts that are never stale: the colour of a case is computed from its due dates and
today whenever it is read — no daily job runs in these tests."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from jiuzhu.applications import services
from jiuzhu.applications.deadlines import STEP_LIMIT_NAMES, total_rule
from jiuzhu.applications.models import Application
from jiuzhu.calendars.limits import step_limits
from jiuzhu.calendars.selectors import alert_for, worse
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict, member_dict

from .conftest import MATERIALS, PDF

pytestmark = pytest.mark.django_db


def submitted(staff, household) -> Application:
    return services.application_create(
        actor=staff["window"], household=household, item_code="MZ01", channel="window",
        files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])


def row_alert(content: str, number: str) -> str:
    """The data-alert of the list row of case ``number``."""
    row = re.search(rf"<tr>\s*<td[^>]*><a [^>]*>{number}</a>.*?</tr>", content, re.S)
    assert row, number
    return re.search(r'data-alert="(\w+)"', row.group(0)).group(1)


def test_a_case_past_its_due_date_is_red_everywhere_at_once(client, api, staff, poor_household,
                                                          clock):
    late = submitted(staff, poor_household)  # Monday 2 March: acceptance due Thursday 5th
    other = household_register(actor=staff["window"], data=household_dict(members=[
        member_dict(name="赵六")]))
    clock["today"] = date(2026, 3, 4)
    fresh = submitted(staff, other)  # due Monday 9th, yellow on it (the third working day)
    assert (late.due_date, fresh.due_date) == (date(2026, 3, 5), date(2026, 3, 9))

    clock["today"] = date(2026, 3, 6)  # the due date passed yesterday; no job has run
    client.force_login(staff["window"])
    page = client.get(reverse("applications:list")).content.decode()
    assert row_alert(page, late.number) == "red" and row_alert(page, fresh.number) == "none"
    red_only = client.get(reverse("applications:list"), {"alert": "red"}).content.decode()
    assert late.number in red_only and fresh.number not in red_only
    assert api.get("window", f"/api/v1/applications/{late.pk}").json()["alert"] == "red"
    detail = client.get(reverse("applications:detail", args=[late.pk])).content.decode()
    assert 'data-alert="red"' in detail

    client.force_login(staff["supervisor"])
    notice = client.get(reverse("applications:overdue")).content.decode()
    red = notice.split('data-testid="red"')[1].split("</table>")[0]
    assert late.number in red and fresh.number not in red

    clock["today"] = date(2026, 3, 9)  # the fresh case's due date: yellow, not yet red
    page = client.get(reverse("applications:list")).content.decode()
    assert row_alert(page, fresh.number) == "yellow"
    assert api.get("window", f"/api/v1/applications/{fresh.pk}").json()["alert"] == "yellow"
    notice = client.get(reverse("applications:overdue")).content.decode()
    yellow = notice.split('data-testid="yellow"')[1].split("</table>")[0]
    assert fresh.number in yellow and late.number not in yellow
    assert [a.number for a in Application.objects.with_alert().order_by("alert_rank", "pk")] \
        == [late.number, fresh.number]


def _alert_for_rule(application: Application, today: date) -> str:
    """The colour by the rules of 20-workflow.md, counted from the start days (alert_for)."""
    limits = step_limits(application.region.code)
    step = application.step
    level = alert_for(started=application.step_started_on,
                      limit=getattr(limits, STEP_LIMIT_NAMES[step]), today=today,
                      calendar_days=step == "notice", yellow=step != "notice").level
    if application.accepted_on is not None:
        limit, yellow_after = total_rule(application)
        level = worse(level, alert_for(started=application.accepted_on, limit=limit,
                                       today=today, yellow_after=yellow_after).level)
    return level


def test_the_colour_of_a_row_and_of_sql_follow_the_rules_day_by_day(staff, poor_household,
                                                                   clock):
    # Accepted on Tuesday 10 Feb 2026: the step and the total run across the Spring Festival.
    clock["today"] = date(2026, 2, 10)
    case = submitted(staff, poor_household)
    services.application_act(actor=staff["window"], application_id=case.pk, action="accept",
                             data={})
    case = Application.objects.select_related("region").get(pk=case.pk)
    assert case.step == "investigation" and case.yellow_on and case.final_yellow_on
    seen = set()
    for offset in range(0, 75):
        today = date(2026, 2, 10) + timedelta(days=offset)
        clock["today"] = today
        expected = _alert_for_rule(case, today)
        fresh = Application.objects.get(pk=case.pk)
        annotated = Application.objects.with_alert().get(pk=case.pk)
        assert (fresh.alert, annotated.alert) == (expected, expected), today
        seen.add(expected)
    assert seen == {"none", "yellow", "red"}


def test_a_closed_case_is_never_yellow_or_red(staff, poor_household, clock):
    case = submitted(staff, poor_household)
    services.application_act(actor=staff["window"], application_id=case.pk, action="reject",
                             data={"reason": "不符合条件"})
    clock["today"] = date(2026, 6, 1)
    assert Application.objects.get(pk=case.pk).alert == "none"
    assert Application.objects.with_alert().get(pk=case.pk).alert == "none"


def test_the_migration_fills_the_first_yellow_days_of_running_cases(staff, poor_household,
                                                                   clock):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("jiuzhu.applications.migrations.0005_alert_computed")
    case = submitted(staff, poor_household)
    services.application_act(actor=staff["window"], application_id=case.pk, action="accept",
                             data={})
    kept = Application.objects.values_list("yellow_on", "final_yellow_on").get(pk=case.pk)
    assert all(kept)
    Application.objects.filter(pk=case.pk).update(yellow_on=None, final_yellow_on=None)
    migration.fill_yellow_dates(apps, None)
    assert Application.objects.values_list("yellow_on", "final_yellow_on").get(pk=case.pk) == kept
