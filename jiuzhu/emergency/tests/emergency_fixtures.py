"""Fixtures of the emergency backend tests (imported by test_services/test_workflow/test_api):
people of 第1镇 and the county, a registered household of 第1村 (rural, 2 people: standard
¥720 in 2026, so the township's limit is ¥4,320, the event cap ¥8,640 and E07 above
¥17,280), the county fund and the reserves."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from jiuzhu.core.access import SYSTEM
from jiuzhu.funds import services as funds
from jiuzhu.funds.choices import FundKind
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict

DAY = date(2026, 3, 2)  # a Monday


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(tree, media):
    return {
        "window": UserFactory(username="window1", role="window_worker", region=tree["town1"],
                              full_name="王建国"),
        "reviewer": UserFactory(username="reviewer1", role="township_reviewer",
                                region=tree["town1"], full_name="马红梅"),
        "approver": UserFactory(username="approver1", role="county_approver",
                                region=tree["county"], full_name="冯军"),
        "grid": UserFactory(username="grid1", role="grid_worker", region=tree["grid1"],
                            full_name="孙强"),
        "assistant": UserFactory(username="assistant1", role="village_assistant",
                                 region=tree["village1"], full_name="李村"),
        "other_reviewer": UserFactory(username="reviewer2", role="township_reviewer",
                                      region=tree["town2"]),
        "supervisor": UserFactory(username="supervisor1", role="supervisor",
                                  region=tree["county"]),
        "investigator": UserFactory(username="investigator1", role="investigator",
                                    region=tree["town1"]),
    }


@pytest.fixture
def household(tree):
    return household_register(actor=SYSTEM, data=household_dict(region_code="990102001001"),
                              grid_code="990102001001001")


@pytest.fixture
def other_household(tree):
    return household_register(actor=SYSTEM, data=household_dict(region_code="990102002001"))


@pytest.fixture
def money(tree):
    """The county fund (¥100,000) and 第1镇's reserve (¥20,000 of it)."""
    city = funds.fund_create(actor=SYSTEM, name="示范市救急难基金", region=tree["city"])
    county = funds.fund_create(actor=SYSTEM, name="示范县救急难基金", region=tree["county"],
                               parent=city)
    town1 = funds.fund_create(actor=SYSTEM, name="第1镇备用金", region=tree["town1"],
                              kind=FundKind.RESERVE, parent=county)
    funds.record_income(actor=SYSTEM, fund=county, amount_fen=10_000_000, source="fiscal",
                        on=DAY, voucher="CZ-1")
    funds.allocate(actor=SYSTEM, fund=county, reserve=town1, amount_fen=2_000_000, on=DAY,
                   voucher="HB-1")
    return {"county": county, "town1": town1}


PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
       "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
