"""委托调查跟踪 counts working days (the official calendar): weekends and holidays are not
counted; an accepted (or settled) case shows the days it took, and they no longer grow."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.calendars.selectors import working_days_between
from jiuzhu.contracts.models import ContractedInvestigation
from jiuzhu.contracts.selectors import days_used, days_used_all

from .conftest import accepted_case, entrust

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


FRIDAY = date(2026, 11, 27)
WEDNESDAY = date(2026, 12, 2)


def test_open_case_counts_working_days_to_today():
    case = ContractedInvestigation(assigned_at=at(FRIDAY), state="reported")
    # Sat 28 and Sun 29 are not counted: Mon 30, Tue 1, Wed 2
    assert days_used(case, WEDNESDAY) == 3


def test_a_national_holiday_is_not_counted():
    # 2026-09-30 (Wed) to 2026-10-09 (Fri): the National Day week off, Sat 10-10 a make-up day
    case = ContractedInvestigation(assigned_at=at(date(2026, 9, 30)), state="assigned")
    assert days_used(case, date(2026, 10, 9)) == working_days_between(
        date(2026, 9, 30), date(2026, 10, 9))
    assert days_used(case, date(2026, 10, 9)) < 7


def test_an_accepted_or_settled_case_shows_the_days_it_took():
    accepted = ContractedInvestigation(assigned_at=at(FRIDAY), state="accepted",
                                       accepted_on=date(2026, 12, 1), accepted_at=at(date(2026, 12, 1)))
    assert days_used(accepted, WEDNESDAY) == 2
    assert days_used(accepted, WEDNESDAY + timedelta(days=30)) == 2  # it no longer grows
    settled = ContractedInvestigation(assigned_at=at(FRIDAY), state="settled",
                                      accepted_on=date(2026, 12, 1), accepted_at=at(date(2026, 12, 1)))
    assert days_used_all([settled, accepted], WEDNESDAY) == [2, 2]
    # an acceptance dated before the assignment (entered later): counted to the real day
    late = ContractedInvestigation(assigned_at=at(FRIDAY), state="accepted",
                                   accepted_on=date(2026, 11, 20), accepted_at=at(WEDNESDAY))
    assert days_used(late, WEDNESDAY) == 3


def test_the_follow_list_shows_working_days(client, people, tree, contract):
    inv = entrust(people, accepted_case(people, tree))
    assigned = timezone.localdate() - timedelta(days=10)
    ContractedInvestigation.objects.filter(pk=inv.pk).update(assigned_at=at(assigned))
    expected = working_days_between(assigned, timezone.localdate())
    client.force_login(people["reviewer"])
    page = client.get(reverse("contracts:follow")).content.decode()
    assert "已用工作日" in page
    row = page[page.index(f'data-number="{inv.application.number}"'):]
    row = row[:row.index("</tr>")]
    assert f"<td>{expected}</td>" in row
    assert expected < 10
