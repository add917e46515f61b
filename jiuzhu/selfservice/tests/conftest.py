from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.households.idnumber import id_number_make

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def person():
    head = id_number_make(area="990102", birth=date(1975, 4, 12), sequence=301)
    spouse = id_number_make(area="990102", birth=date(1978, 9, 3), sequence=302, female=True)
    return {"name": "王秀英", "id_number": head, "phone": "13800138000", "spouse": spouse}


def wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def post_identity(client, person, **extra):
    data = {"name": person["name"], "id_number": person["id_number"], "phone": person["phone"],
            "consent": "on", **extra}
    return client.post("/self/", data)


def post_household(client, person, tree, **extra):
    data = {"village": tree["village1"].code, "address": "第1村3组18号", "member_count": "2",
            "m0-name": person["name"], "m0-id_number": person["id_number"], "m0-relation": "head",
            "m0-health": "chronic_illness", "m0-occupation": "farming",
            "m1-name": "刘大山", "m1-id_number": person["spouse"], "m1-relation": "spouse",
            "m1-health": "healthy", "m1-occupation": "casual_work",
            "m1-monthly_income": "800", "m1-income_source": "wages", "notes": "丈夫务工受伤", "action": "next", **extra}
    return client.post("/self/apply/household/", data)


def fill_until_review(client, person, tree, items=("MZ04", "JY02"), files=None):
    assert post_identity(client, person).status_code == 302
    assert post_household(client, person, tree).status_code == 302
    assert client.post("/self/apply/items/", {"items": list(items)}).status_code == 302
    response = client.post("/self/apply/uploads/", files or {})
    assert response.status_code == 302, response.content.decode()[:2000]
