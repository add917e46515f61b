from datetime import date

import pytest

from jiuzhu.policy import overlays
from jiuzhu.rules import parameters
from jiuzhu.testing import UserFactory

NEW_YEAR = date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _no_overlay_left(settings):
    """As in production, every request asks for the approved sets (here every time: a set
    approved through a rolled-back transaction counts too); a test calling services forces
    a refresh where a request would come. Whatever a test approved is forgotten with its
    database."""
    overlays.forget()
    settings.JIUZHU_PARAMETERS_CHECK_SECONDS = 0
    yield
    overlays.forget()
    parameters.clear_caches()


@pytest.fixture
def admin(tree):
    return UserFactory(username="sysadmin1", role="administrator", region=tree["county"],
                       full_name="系统管理员")


@pytest.fixture
def approver(tree):
    return UserFactory(username="approver1", role="county_approver", region=tree["county"],
                       full_name="县审批人")


@pytest.fixture
def admin_approver(tree):
    """An administrator who is also... a second administrator, to show that entering is not
    approving."""
    return UserFactory(username="sysadmin2", role="administrator", region=tree["county"])


def standards(urban: str = "950", rural: str = "760") -> dict:
    return {"dibao_standard_urban": urban, "dibao_standard_rural": rural}
