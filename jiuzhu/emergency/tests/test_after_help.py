# ruff: noqa: F811 - the fixtures imported from emergency_fixtures are parameters here
"""What follows first help: the papers file runs on the papers limit (not MZ05's one working
day), the payroll never pays the first help twice, and a critical lead is held to the red
clock until it is assessed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from jiuzhu.applications.deadlines import compute_alert
from jiuzhu.calendars.selectors import add_working_days
from jiuzhu.emergency import services
from jiuzhu.emergency.models import EmergencyCase

from .emergency_fixtures import DAY, PNG, at, household, media, money, people  # noqa: F401

pytestmark = pytest.mark.django_db


def _paid_case(people, household, amount="2000.00"):
    case = services.open_case(actor=people["window"], household=household, source="window",
                              cause="fire", occurred_on=DAY, narrative="夜间住房起火",
                              checklist=["E01", "E06"], sudden_expense_fen=0, now=at(DAY))
    services.approve_help(actor=people["reviewer"], case=case.pk, amount=amount,
                          method="cash", payee="张三", now=at(DAY, 10))
    services.pay(actor=people["window"], case=case.pk, voucher="XJ-1", signature=PNG,
                 now=at(DAY, 10, 30))
    case.refresh_from_db()
    return case


def test_the_papers_file_runs_on_the_papers_limit(people, household, money):
    case = _paid_case(people, household)
    file = case.application
    assert file.item_code == "MZ05" and file.total_limit_days == 20
    # the acceptance step keeps the county's limit (capped by the total), not MZ05's one day
    assert file.due_date > add_working_days(DAY, 1).due
    assert compute_alert(file, add_working_days(DAY, 2).due) == "none"
    # the county's acceptance limit, while MZ05's own steps are one working day each
    from jiuzhu.calendars.limits import step_limits

    limits = step_limits(file.region.code)
    assert limits.for_item("MZ05").acceptance == 1
    assert file.due_date == add_working_days(DAY, min(limits.acceptance, 20)).due


def test_the_payroll_pays_the_approved_amount_less_the_first_help(people, household, money):
    case = _paid_case(people, household, amount="2000.00")
    file = case.application
    file.approved_amount = Decimal("3000.00")
    assert services.payroll_amount(file, DAY.replace(day=1)) == Decimal("1000.00")
    file.approved_amount = Decimal("1500.00")
    assert services.payroll_amount(file, DAY.replace(day=1)) == Decimal("0")
    from jiuzhu.payments.hooks import paid_amount

    assert paid_amount(file, DAY.replace(day=1)) == Decimal("0")


def test_a_critical_lead_is_held_red_until_assessed(people, household):
    from jiuzhu.leads.events import critical_lead
    from jiuzhu.leads.models import Lead

    lead = Lead.objects.create(source="hotline", person_name="张三", region=household.region,
                               region_path=household.region_path, description="断炊两天",
                               urgency="critical", household=household)
    critical_lead(lead, actor=people["window"])
    case = EmergencyCase.objects.get(lead=lead)
    assert case.level == "red"
    assert case.respond_by - case.level_at == timedelta(hours=24)
    assert case.explanation.startswith("紧急线索尚未入户评估：暂按红色，24 小时内响应")
    # assessed lower: the 24-hour clock stays
    before = case.respond_by
    services.reassess(actor=people["window"], case=case.pk, checklist=["E10"],
                      sudden_expense="0", reason="入户评估")
    case.refresh_from_db()
    assert case.level == "green" and case.respond_by == before
