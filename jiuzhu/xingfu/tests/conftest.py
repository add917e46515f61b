from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from jiuzhu.accounts.models import Organisation
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.leads.models import GridAssignment
from jiuzhu.testing import UserFactory, household_dict
from jiuzhu.xingfu import services

ALL_WEEK = {str(d): [["06:00", "22:00"]] for d in range(7)}


def window(days: int = 2, hour: int = 9, length: int = 2) -> tuple[datetime, datetime]:
    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))
    return start, start + timedelta(hours=length)


@pytest.fixture
def household(tree):
    return household_register(actor=SYSTEM, data=household_dict(
        household_id="H-XF-1", region_code=tree["village1"].code, phone="13900001111",
        address="第1村3组12号"), grid_code=tree["grid1"].code)


@pytest.fixture
def other_household(tree):
    return household_register(actor=SYSTEM, data=household_dict(
        household_id="H-XF-2", region_code=tree["village2"].code))


@pytest.fixture
def volunteers_org(tree):
    return Organisation.objects.create(name="青年志愿者协会", kind="volunteer_team",
                                       region=tree["county"], region_path=tree["county"].path)


@pytest.fixture
def other_org(tree):
    return Organisation.objects.create(name="另一家服务公司", kind="company",
                                       region=tree["county"], region_path=tree["county"].path)


def provider_user(username, tree, org, name="志愿者"):
    return UserFactory(username=username, role="provider", region=tree["county"],
                       organisation=org, full_name=name)


def make_provider(tree, *, name, user=None, skills=("cleaning",), region="village1",
                  served=("county",), lat=None, lon=None, availability=None, kind="volunteer"):
    return services.provider_register(actor=SYSTEM, data={
        "name": name, "kind": kind, "region_code": tree[region].code,
        "regions_served": [tree[s].code for s in served], "skills": list(skills),
        "username": user.username if user else "", "latitude": lat, "longitude": lon,
        "availability": ALL_WEEK if availability is None else availability})


@pytest.fixture
def volunteer(tree, volunteers_org):
    user = provider_user("vol1", tree, volunteers_org, "魏佳")
    make_provider(tree, name="魏佳", user=user)
    return user


@pytest.fixture
def grid_worker(tree):
    worker = UserFactory(username="grid1", role="grid_worker", region=tree["grid1"],
                         full_name="孙强")
    GridAssignment.objects.create(grid=tree["grid1"], worker=worker,
                                  region_path=tree["grid1"].path)
    return worker


@pytest.fixture
def window_worker(tree):
    return UserFactory(username="window1", role="window_worker", region=tree["town1"],
                       full_name="窗口王")


def need_data(household, **extra):
    start, end = window()
    return {"household_id": household.household_id, "skill": "cleaning",
            "description": "打扫卫生，老人行动不便", "starts_at": start.isoformat(),
            "ends_at": end.isoformat(), **extra}
