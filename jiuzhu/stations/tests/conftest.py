from datetime import date

import pytest

from jiuzhu.accounts.models import Organisation
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.stations import services
from jiuzhu.testing import UserFactory


@pytest.fixture
def host(tree):
    return Organisation.objects.create(name="第1村爱心驿站", kind="love_station",
                                       region=tree["village1"], contact="龙梅", phone="0999-1")


@pytest.fixture
def other_host(tree):
    return Organisation.objects.create(name="示范县邻里助餐服务有限公司", kind="company",
                                       region=tree["county"])


def station_data(host, region, **extra):
    return {"name": f"{region.name}爱心驿站", "host_id": host.pk, "region_code": region.code,
            "address": "人民路 2 号", "hours": "周一至周六 8:30–17:30",
            "offerings": ["report", "goods"], "contact": "龙梅", "phone": "0999-6004001",
            "latitude": "27.994210", "longitude": "120.699350", **extra}


@pytest.fixture
def station(tree, host):
    return services.station_register(actor=SYSTEM, data=station_data(host, tree["village1"]))


@pytest.fixture
def other_station(tree, other_host):
    """A station of another organisation in the same village."""
    return services.station_register(actor=SYSTEM, data=station_data(
        other_host, tree["village1"], name="第1村助餐驿站", offerings=["meals"]))


@pytest.fixture
def far_station(tree, other_host):
    """A station of another township."""
    return services.station_register(actor=SYSTEM, data=station_data(other_host, tree["village2"]))


@pytest.fixture
def keeper(tree, host):
    return UserFactory(username="station1", role="station_keeper", region=tree["village1"],
                       organisation=host, full_name="龙梅")


@pytest.fixture
def other_keeper(tree, other_host):
    return UserFactory(username="station2", role="station_keeper", region=tree["village1"],
                       organisation=other_host, full_name="贺春")


@pytest.fixture
def reviewer(tree):
    return UserFactory(username="reviewer1", role="township_reviewer", region=tree["town1"])


@pytest.fixture
def person_id():
    return id_number_make(area="990102", birth=date(1958, 4, 12), sequence=77)


@pytest.fixture
def lead_data(tree, person_id):
    return {"person_name": "陈老汉", "id_number": person_id, "phone": "13900000002",
            "address": "第1村3组12号", "region_code": tree["grid1"].code,
            "description": "独居老人，腿脚不便，冬季取暖困难", "urgency": "normal"}
