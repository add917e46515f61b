import pytest

from jiuzhu.accounts.models import Organisation
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.points import services
from jiuzhu.testing import UserFactory, household_dict


@pytest.fixture
def household(tree):
    return household_register(actor=SYSTEM, data=household_dict(
        household_id="H-PTS-1", region_code=tree["village1"].code))


@pytest.fixture
def other_household(tree):
    return household_register(actor=SYSTEM, data=household_dict(
        household_id="H-PTS-2", region_code=tree["village2"].code))


@pytest.fixture
def reviewer(tree):
    return UserFactory(username="reviewer1", role="township_reviewer", region=tree["town1"],
                       full_name="王审核")


@pytest.fixture
def county_staff(tree):
    return UserFactory(username="approver1", role="county_approver", region=tree["county"],
                       full_name="赵审批")


@pytest.fixture
def organisation(tree):
    return Organisation.objects.create(name="示范县青年志愿者协会", kind="volunteer_team",
                                       region=tree["county"], region_path=tree["county"].path)


@pytest.fixture
def volunteer(tree, organisation):
    return UserFactory(username="vol1", role="provider", region=tree["county"],
                       organisation=organisation, full_name="魏佳")


@pytest.fixture
def other_volunteer(tree, organisation):
    return UserFactory(username="vol2", role="provider", region=tree["county"],
                       organisation=organisation, full_name="钱多")


@pytest.fixture
def issued(tree, volunteer):
    """120 points of confirmed service to the volunteer (12 hours)."""
    return services.issue_for_service(actor=SYSTEM, order_id=1, provider_key="provider:1",
                                      volunteer_user=volunteer, region=tree["village1"],
                                      minutes=720)


@pytest.fixture
def goods(tree, reviewer):
    rice = services.add_good(actor=reviewer, region=tree["village1"], name="大米", price=30,
                             unit="袋")
    oil = services.add_good(actor=reviewer, region=tree["village1"], name="食用油", price=20,
                            unit="桶")
    services.donate_goods(actor=reviewer, good=rice, quantity=5, donor="示范县粮油公司")
    services.donate_goods(actor=reviewer, good=oil, quantity=2, donor="爱心人士张先生")
    rice.refresh_from_db()
    oil.refresh_from_db()
    return {"rice": rice, "oil": oil}


@pytest.fixture(autouse=True)
def everyone_served(monkeypatch):
    """转赠 goes only to a family the volunteer served (a confirmed 幸福云 order, told by
    xingfu's hook). Here every family counts as served, unless a test asks for ``served``."""
    from jiuzhu.households.models import Household

    monkeypatch.setattr(services, "_SERVED", [
        lambda account: set(Household.objects.values_list("pk", flat=True))])


@pytest.fixture
def served(everyone_served, monkeypatch):
    """The households counted as served: a set the test fills (none at first)."""
    households: set[int] = set()
    monkeypatch.setattr(services, "_SERVED", [lambda account: set(households)])
    return households
