from datetime import date, datetime

import pytest
from django.utils import timezone

from jiuzhu.accounts.models import Organisation
from jiuzhu.assessments.models import Standing
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.socialwork.models import SocialWorkAssignment
from jiuzhu.testing import UserFactory, household_dict

DAY = date(2026, 3, 2)  # a Monday


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def clock(monkeypatch):
    state = {"today": DAY}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: state["today"])
    return state


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def org(tree):
    org = Organisation.objects.create(name="示范县社会工作服务中心", kind="social_org",
                                      region=tree["county"], contact="黄晓燕")
    SocialWorkAssignment.objects.create(county=tree["county"], region_path=tree["county"].path,
                                        organisation=org)
    return org


@pytest.fixture
def other_org(tree):
    return Organisation.objects.create(name="示范县如家社会工作服务中心", kind="social_org",
                                       region=tree["county"])


@pytest.fixture
def worker(tree, org):
    return UserFactory(username="socialworker1", role="social_worker", region=tree["county"],
                       organisation=org, full_name="黄晓燕")


@pytest.fixture
def colleague(tree, org):
    return UserFactory(username="socialworker2", role="social_worker", region=tree["county"],
                       organisation=org, full_name="周敏")


@pytest.fixture
def stranger(tree, other_org):
    return UserFactory(username="socialworker9", role="social_worker", region=tree["county"],
                       organisation=other_org, full_name="江海")


@pytest.fixture
def staff(tree):
    return {
        "window": UserFactory(username="window1", role="window_worker", region=tree["town1"]),
        "reviewer": UserFactory(username="reviewer1", role="township_reviewer",
                                region=tree["town1"]),
        "supervisor": UserFactory(username="supervisor1", role="supervisor",
                                  region=tree["county"]),
        "other_window": UserFactory(username="window2", role="window_worker",
                                    region=tree["town2"]),
        "grid": UserFactory(username="grid1", role="grid_worker", region=tree["grid1"]),
    }


def make_household(village: str = "990102001001", **extra):
    return household_register(actor=SYSTEM, data=household_dict(region_code=village, phone="13900001111",
                                                                 **extra))


def standing(household, *, circle: int, index: int, per_capita: int = 30000) -> Standing:
    return Standing.objects.create(
        household=household, region_path=household.region_path, assessment_date=DAY,
        parameters_effective=DAY, rules_version="test", eligible=circle == 1,
        benefit_fen=0, per_capita_fen=per_capita, circle=circle, index_hundredths=index,
        assessed_at=at(DAY))


@pytest.fixture
def household(tree):
    return make_household()
