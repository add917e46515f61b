"""A paid dibao case (approved 9 March 2026, start month April, paid from April) of a
family in grid 1 with its grid worker, and 示范县's 资格认证 setting."""

from datetime import date

import pytest

from jiuzhu.applications.models import Application
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_set_grid
from jiuzhu.leads.services import grid_assign
from jiuzhu.payments.services import payroll_generate
from jiuzhu.payments.tests.conftest import (  # noqa: F401
    approved,
    media,
    people,
    poor_household,
    staff,
)
from jiuzhu.recertify import services
from jiuzhu.testing import UserFactory


@pytest.fixture
def setting(tree):
    return services.setting_save(actor=SYSTEM, county=tree["county"],
                                 data={**services.DEFAULTS, "active": "1"})


@pytest.fixture
def grid_worker(tree):
    worker = UserFactory(username="g1", role="grid_worker", region=tree["grid1"],
                         full_name="网格员甲")
    grid_assign(actor=SYSTEM, grid=tree["grid1"], worker=worker)
    return worker


@pytest.fixture
def paid(approved, people, tree, grid_worker, clock):  # noqa: F811
    """The approved case in payment (April's payroll), its family in grid 1."""
    household = Household.objects.select_related("region").get(pk=approved.household_id)
    household_set_grid(actor=SYSTEM, household=household, grid_code=tree["grid1"].code)
    clock["today"] = date(2026, 3, 20)
    payroll_generate(actor=people["reviewer"], township=tree["town1"], month=date(2026, 4, 1))
    application = Application.objects.select_related("household").get(pk=approved.pk)
    assert application.state == "in_payment"
    return application


def head_last4(application) -> str:
    head = application.household.members.filter(relation="head").first()
    return head.id_number[-4:]
