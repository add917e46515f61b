"""A small county for upward reporting: two recipients in township 1 (urban dibao with a
decision, a payroll and a payment; a low-income recognition), one in township 2, and one in
another county — built directly, as the procedure and the payroll leave them (those have
their own tests)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from itertools import count

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from jiuzhu.accounts.models import Organisation
from jiuzhu.applications.models import Application
from jiuzhu.core.access import SYSTEM
from jiuzhu.documents.models import Document
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.payments.models import Payment, Payroll
from jiuzhu.regions.services import region_get_or_create
from jiuzhu.testing import UserFactory, household_dict, member_dict

MONTH = date(2026, 11, 1)
_numbers = count(1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _payroll(township, month=MONTH):
    payroll, _ = Payroll.objects.get_or_create(
        township=township, month=month, defaults={
            "region_path": township.path, "status": "confirmed",
            "generated_at": timezone.now(), "confirmed_at": timezone.now()})
    return payroll


def decision(case, code):
    n = next(_numbers)
    return Document.objects.create(
        content_type=ContentType.objects.get_for_model(Application), object_id=str(case.pk),
        region_path=case.region_path, code=code, title="准予决定书", version=1,
        number=f"示民决〔2026〕{n}号", series=code, year=2026, serial=n, office=case.region,
        issued_at=timezone.make_aware(datetime(2026, 10, 20, 9)), template="x")


def recipient(household, township, *, item="MZ01", amount="520.00", paid=True, doc=True,
              month=MONTH):
    """A case as the procedure and the payroll leave it: approved, its decision document,
    a payment of ``month`` on a confirmed payroll (unless a recognition)."""
    n = next(_numbers)
    case = Application.objects.create(
        number=f"U{n:06d}", query_code=f"UQ{n:06d}", household=household, item_code=item,
        channel="window", state="in_payment", region=township, region_path=household.region_path,
        step_started_on=date(2026, 9, 1), approved_amount=Decimal(amount) if amount else None,
        start_month=date(2026, 10, 1), review_class="B",
        decided_at=timezone.make_aware(datetime(2026, 9, 20, 10)))
    if doc:
        decision(case, "D13" if item == "MZ01" else "D12")
    if paid:
        Payment.objects.create(application=case, payroll=_payroll(township, month), month=month,
                               amount=Decimal(amount), township=township,
                               region_path=case.region_path)
    return case


@pytest.fixture
def county(tree):
    """tree + a second county (990103) with one recipient of its own."""
    other = region_get_or_create(code="990103", name="邻县", level="county", parent=tree["city"])
    town = region_get_or_create(code="990103001", name="邻县第1镇", level="township", parent=other)
    village = region_get_or_create(code="990103001001", name="邻县第1村", level="village",
                                   parent=town, area_type="rural")
    window = UserFactory(username="uw1", role="window_worker", region=tree["town1"])
    urban = household_register(actor=window, data=household_dict(
        household_id="H-URBAN", area_type="urban", members=[
            member_dict(name="王大", birth=date(1960, 1, 5)),
            member_dict(member_id="M2", name="王二", relation="child", birth=date(2012, 3, 4),
                        occupation="student", in_school=True, school_level="junior")]))
    low = household_register(actor=window, data=household_dict(household_id="H-LOW"))
    rural = household_register(actor=SYSTEM, data=household_dict(
        household_id="H-T2", region_code="990102002001"))
    # the other county has no rules parameters to register with: moved there afterwards
    far = household_register(actor=SYSTEM, data=household_dict(household_id="H-FAR"))
    Household.objects.filter(pk=far.pk).update(region=village, region_path=village.path)
    far.refresh_from_db()
    cases = {
        "urban": recipient(urban, tree["town1"], amount="830.00"),
        "low": recipient(low, tree["town1"], item="MZ02", amount="", paid=False),
        "rural": recipient(rural, tree["town2"], amount="415.50"),
        "far": recipient(far, town, amount="300.00"),
    }
    return {**tree, "other_county": other, "other_village": village, "cases": cases,
            "households": {"urban": urban, "low": low, "rural": rural, "far": far}}


@pytest.fixture
def users(county):
    org = Organisation.objects.create(name="示范县社会工作服务中心", kind="social_org",
                                      region=county["county"])
    return {
        "supervisor": UserFactory(username="sup1", role="supervisor", region=county["county"],
                                  full_name="赵督办"),
        "approver": UserFactory(username="appr1", role="county_approver",
                                region=county["county"]),
        "verifier": UserFactory(username="ver1", role="verification_officer",
                                region=county["county"]),
        "reviewer": UserFactory(username="rev1", role="township_reviewer",
                                region=county["town1"]),
        "social": UserFactory(username="soc1", role="social_worker", region=county["county"],
                              organisation=org),
        "officer": UserFactory(username="off1", role="department_officer",
                               region=county["county"]),
    }
