"""Who receives what (applications/receiving.py) on small hand-built data: each programme,
a stopped case, a suspended one, a phase-out, a one-off temporary payment, a low-income
recognition valid and expired."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone

from jiuzhu.applications.choices import State
from jiuzhu.applications.models import Application, ApplicationStep
from jiuzhu.applications.receiving import (
    paid_in,
    programme_of,
    receiving_household_ids,
    receiving_now,
    recipients_in,
)
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.payments.models import Payment, Payroll
from jiuzhu.supervision.models import PhaseOut
from jiuzhu.testing import UserFactory, household_dict

TODAY = date(2026, 11, 20)
NOVEMBER, OCTOBER = date(2026, 11, 1), date(2026, 10, 1)
_numbers = itertools.count(1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def _case(household, item, state, *, start_month=None, valid_until=None, decided=OCTOBER,
          amount="500.00"):
    n = next(_numbers)
    return Application.objects.create(
        number=f"R{n:06d}", query_code=f"Q{n:06d}", household=household, item_code=item,
        channel="window", state=state, region=household.region.parent,
        region_path=household.region.parent.path, step="none", step_started_on=decided,
        start_month=start_month, valid_until=valid_until, decided_at=_aware(decided),
        approved_amount=Decimal(amount) if amount else None)


def _pay(application, payroll, month, amount="500.00"):
    return Payment.objects.create(application=application, payroll=payroll, month=month,
                                  amount=Decimal(amount), township=payroll.township,
                                  region_path=application.region_path)


@pytest.fixture
def cases(tree):
    def home(area="rural", region=tree["village1"]):
        return household_register(actor=SYSTEM, data=household_dict(
            region_code=region.code, area_type=area))

    c = {
        "urban": _case(home("urban"), "MZ01", State.IN_PAYMENT, start_month=OCTOBER),
        "rural": _case(home(), "MZ01", State.IN_PAYMENT, start_month=OCTOBER),
        "approved_next": _case(home(), "MZ01", State.APPROVED, start_month=date(2026, 12, 1)),
        "tekun": _case(home(), "MZ03", State.IN_PAYMENT, start_month=OCTOBER),
        "suspended": _case(home(), "MZ01", State.SUSPENDED, start_month=OCTOBER),
        "stopped": _case(home(), "MZ01", State.STOPPED, start_month=OCTOBER),
        "phasing": _case(home(), "MZ01", State.IN_PAYMENT, start_month=OCTOBER),
        "phase_over": _case(home(), "MZ01", State.IN_PAYMENT, start_month=OCTOBER),
        "temp_now": _case(home(), "MZ04", State.IN_PAYMENT, start_month=NOVEMBER),
        "temp_past": _case(home(), "MZ05", State.IN_PAYMENT, start_month=OCTOBER),
        "low_valid": _case(home(), "MZ02", State.APPROVED, amount=""),
        "low_expired": _case(home(), "MZ02", State.APPROVED, valid_until=date(2026, 10, 15),
                             amount=""),
        "low_stopped": _case(home(), "MZ02", State.STOPPED, amount=""),
        "rigid": _case(home(), "MZ06", State.APPROVED, amount=""),
        "other_town": _case(home(region=tree["village2"]), "MZ01", State.IN_PAYMENT,
                            start_month=OCTOBER),
        "refused": _case(home(), "MZ01", State.REFUSED),
    }
    PhaseOut.objects.create(application=c["phasing"], started_on=date(2026, 11, 1),
                            until=date(2026, 12, 1), amount=Decimal("200.00"))
    PhaseOut.objects.create(application=c["phase_over"], started_on=date(2026, 8, 1),
                            until=date(2026, 10, 1), amount=Decimal("200.00"))
    ApplicationStep.objects.filter(pk=ApplicationStep.objects.create(
        application=c["low_stopped"], action="review", from_state="approved",
        to_state="stopped").pk).update(at=_aware(date(2026, 11, 5)))
    # October: a confirmed payroll in township 1 and in township 2; November: a draft
    town1, town2 = tree["town1"], tree["town2"]
    now = timezone.now()
    october = Payroll.objects.create(township=town1, region_path=town1.path, month=OCTOBER,
                                     status="confirmed", generated_at=now)
    october2 = Payroll.objects.create(township=town2, region_path=town2.path, month=OCTOBER,
                                      status="confirmed", generated_at=now)
    november = Payroll.objects.create(township=town1, region_path=town1.path, month=NOVEMBER,
                                      generated_at=now)
    for key in ("urban", "rural", "tekun", "suspended", "stopped", "phasing", "phase_over"):
        _pay(c[key], october, OCTOBER)
    _pay(c["temp_past"], october, OCTOBER, "1500.00")
    _pay(c["other_town"], october2, OCTOBER)
    _pay(c["rural"], november, NOVEMBER)
    _pay(c["temp_now"], november, NOVEMBER, "800.00")
    return c


def _keys(cases, qs):
    pks = {row.pk for row in qs}
    return {key for key, case in cases.items() if case.pk in pks}


def test_programme_of_each_item(cases):
    assert {key: programme_of(cases[key]) for key in
            ("urban", "rural", "tekun", "temp_now", "temp_past", "low_valid", "rigid")} == {
        "urban": "urban_dibao", "rural": "rural_dibao", "tekun": "tekun",
        "temp_now": "temporary", "temp_past": "temporary", "low_valid": "low_income",
        "rigid": ""}
    annotated = {row.pk: row.programme for row in receiving_now(today=TODAY)}
    assert all(annotated[case.pk] == programme_of(case) for case in cases.values()
               if case.pk in annotated)


def test_receiving_now(cases):
    now = receiving_now(today=TODAY)
    assert _keys(cases, now) == {"urban", "rural", "approved_next", "tekun", "phasing",
                                 "temp_now", "low_valid", "other_town"}
    assert [row.phasing_out for row in now if row.pk == cases["phasing"].pk] == [True]
    assert [row.phasing_out for row in now if row.pk == cases["urban"].pk] == [False]
    # a region chosen on a page; what a township user sees
    assert _keys(cases, receiving_now(today=TODAY, region=cases["other_town"].region)) == {
        "other_town"}
    town2_worker = UserFactory(role="window_worker", region=cases["other_town"].region)
    assert _keys(cases, receiving_now(today=TODAY, user=town2_worker)) == {"other_town"}
    # the programmes' counts are one query
    counts = {row["programme"]: row["n"] for row in receiving_now(today=TODAY)
              .values("programme").annotate(n=Count("pk"))}
    assert counts == {"urban_dibao": 1, "rural_dibao": 4, "tekun": 1, "temporary": 1,
                      "low_income": 1}


def test_receiving_household_ids(cases):
    ids = set(receiving_household_ids(["urban_dibao", "rural_dibao", "tekun"], today=TODAY))
    assert ids == {cases[k].household_id for k in
                   ("urban", "rural", "approved_next", "tekun", "phasing", "other_town")}
    assert set(receiving_household_ids(["low_income"], today=TODAY)) == {
        cases["low_valid"].household_id}


def test_paid_in_counts_confirmed_payrolls(cases):
    october = paid_in(OCTOBER)
    assert sorted((row.programme, row.amount) for row in october) == sorted(
        [("urban_dibao", Decimal("500.00"))] + [("rural_dibao", Decimal("500.00"))] * 6
        + [("tekun", Decimal("500.00")), ("temporary", Decimal("1500.00"))])
    row = october.get(application=cases["urban"])
    assert row.household_id == cases["urban"].household_id and row.item_code == "MZ01"
    assert paid_in(OCTOBER, region=cases["urban"].region).count() == 8
    # November's list is still a draft: not money paid, unless asked for
    assert paid_in(NOVEMBER).count() == 0
    assert {row.programme for row in paid_in(NOVEMBER, confirmed_only=False)} == {
        "rural_dibao", "temporary"}


def test_recipients_in_a_month(cases):
    october = recipients_in(OCTOBER)
    assert _keys(cases, october) == {"urban", "rural", "tekun", "suspended", "stopped",
                                     "phasing", "phase_over", "temp_past", "other_town",
                                     "low_valid", "low_expired", "low_stopped"}
    amounts = {row.pk: row.amount for row in october}
    assert amounts[cases["temp_past"].pk] == Decimal("1500.00")
    assert amounts[cases["low_valid"].pk] is None
    # November: the draft list counts only when asked; the expired and the stopped
    # recognitions are gone (stopped on 5 November: still valid that month)
    november = recipients_in(NOVEMBER, confirmed_only=False)
    assert _keys(cases, november) == {"rural", "temp_now", "low_valid", "low_stopped"}
    assert _keys(cases, recipients_in(date(2026, 12, 1))) == {"low_valid"}
    assert _keys(cases, recipients_in(OCTOBER, region=cases["other_town"].region)) == {
        "other_town"}
