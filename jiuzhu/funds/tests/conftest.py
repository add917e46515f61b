from datetime import date

import pytest

from jiuzhu.core.access import SYSTEM
from jiuzhu.funds import services
from jiuzhu.funds.choices import FundKind
from jiuzhu.testing import UserFactory

DAY = date(2026, 3, 2)


@pytest.fixture
def approver(tree):
    return UserFactory(username="approver1", role="county_approver", region=tree["county"],
                       full_name="冯军")


@pytest.fixture
def reviewer(tree):
    return UserFactory(username="reviewer1", role="township_reviewer", region=tree["town1"],
                       full_name="郑伟")


@pytest.fixture
def other_reviewer(tree):
    return UserFactory(username="reviewer2", role="township_reviewer", region=tree["town2"])


@pytest.fixture
def supervisor(tree):
    return UserFactory(username="supervisor1", role="supervisor", region=tree["county"])


@pytest.fixture
def sysadmin(tree):
    return UserFactory(username="sysadmin1", role="administrator", region=tree["county"])


@pytest.fixture
def grid_worker(tree):
    return UserFactory(username="grid1", role="grid_worker", region=tree["grid1"])


@pytest.fixture
def funds(tree):
    """示范市 and 示范县 funds, the county fund with ¥100,000 of fiscal income, and the two
    townships' reserves, the first with ¥50,000."""
    city = services.fund_create(actor=SYSTEM, name="示范市救急难基金", region=tree["city"])
    county = services.fund_create(actor=SYSTEM, name="示范县救急难基金", region=tree["county"],
                                  parent=city)
    town1 = services.fund_create(actor=SYSTEM, name="第1镇备用金", region=tree["town1"],
                                 kind=FundKind.RESERVE, parent=county)
    town2 = services.fund_create(actor=SYSTEM, name="第2镇备用金", region=tree["town2"],
                                 kind=FundKind.RESERVE, parent=county)
    services.record_income(actor=SYSTEM, fund=county, amount_fen=10_000_000, source="fiscal",
                           on=DAY, voucher="CZ-1")
    services.allocate(actor=SYSTEM, fund=county, reserve=town1, amount_fen=5_000_000, on=DAY,
                      voucher="HB-1")
    return {"city": city, "county": county, "town1": town1, "town2": town2}
