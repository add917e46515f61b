from datetime import date

import pytest

from jiuzhu.households.idnumber import id_number_make
from jiuzhu.leads.models import GridAssignment
from jiuzhu.testing import UserFactory


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def grid_worker(tree):
    worker = UserFactory(username="grid1", role="grid_worker", region=tree["grid1"],
                         full_name="孙强")
    GridAssignment.objects.create(grid=tree["grid1"], worker=worker, region_path=tree["grid1"].path)
    return worker


@pytest.fixture
def other_grid_worker(tree):
    worker = UserFactory(username="grid2", role="grid_worker", region=tree["grid2"])
    GridAssignment.objects.create(grid=tree["grid2"], worker=worker, region_path=tree["grid2"].path)
    return worker


@pytest.fixture
def person_id():
    return id_number_make(area="990102", birth=date(1958, 4, 12), sequence=77)


@pytest.fixture
def lead_data(tree, person_id):
    return {"source": "hotline", "reporter_name": "邻居李女士", "reporter_phone": "13800000001",
            "person_name": "陈老汉", "id_number": person_id, "phone": "13900000002",
            "address": "第1村3组12号", "region_code": tree["grid1"].code,
            "description": "独居老人，腿脚不便，冬季取暖困难", "urgency": "normal"}
