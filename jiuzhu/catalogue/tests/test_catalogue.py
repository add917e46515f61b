"""The catalogue is data: 39 items of 12 departments, dated versions, served by the API."""

from datetime import date

import pytest

from jiuzhu.catalogue.loader import read_catalogue
from jiuzhu.catalogue.models import Department, Item
from jiuzhu.catalogue.selectors import item_in_force, items_in_force
from jiuzhu.core.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_every_database_has_the_39_items_of_12_departments():
    items = items_in_force()
    assert len(items) == 39
    assert Department.objects.count() == 12
    assert len({i.department.code for i in items}) == 12
    assert [i.code for i in items] == [e["code"] for e in read_catalogue()["items"]]
    dibao = item_in_force("MZ01")
    assert (dibao.program, dibao.level, dibao.limit) == ("dibao", "county", 30)
    assert "家庭经济状况核对授权书" in dibao.materials


def test_a_new_version_takes_over_from_its_date_and_the_old_one_stays():
    first = item_in_force("MZ08")
    Item.objects.create(code="MZ08", valid_from=date(2026, 7, 1), name="高龄津贴（调整）",
                        department=first.department, level="township", limit=5,
                        materials=["身份证"], position=first.position)
    assert item_in_force("MZ08", date(2026, 6, 30)).limit == 10
    assert item_in_force("MZ08", date(2026, 7, 1)).limit == 5
    assert len(items_in_force(date(2026, 7, 1))) == 39


def test_a_retired_item_leaves_the_catalogue_from_its_date():
    first = item_in_force("MZ11")
    Item.objects.create(code="MZ11", valid_from=date(2026, 3, 1), name=first.name,
                        department=first.department, level=first.level, limit=first.limit,
                        retired=True, position=first.position)
    assert "MZ11" in [i.code for i in items_in_force(date(2026, 2, 28))]
    assert "MZ11" not in [i.code for i in items_in_force(date(2026, 3, 1))]
    with pytest.raises(ServiceError) as error:
        item_in_force("MZ11", date(2026, 3, 2))
    assert error.value.errors[0]["path"] == "item_code"


def test_the_api_serves_the_catalogue_in_force(client, window_worker):
    client.force_login(window_worker)
    response = client.get("/api/v1/catalogue/items")
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 39
    assert items[0] == {
        "code": "MZ01", "name": "城乡最低生活保障",
        "department": {"code": "MZ", "name": "民政局"}, "level": "county", "limit": 30,
        "program": "dibao", "valid_from": "2025-01-01",
        "materials": ["户口簿", "身份证", "家庭经济状况核对授权书", "收入证明", "财产申报表"],
        "condition": "dibao", "conditions": {"eligible": "dibao", "possible": None},
    }
    assert {i["program"] for i in items} == {
        "dibao", "low_income", "tekun", "temporary", "emergency", "rigid_expense", None}
    bad = client.get("/api/v1/catalogue/items?on=2026-13-01")
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "on"


def test_the_api_needs_a_login(client):
    assert client.get("/api/v1/catalogue/items").status_code == 401
