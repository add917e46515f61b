"""我能申请吗: the anonymous self-check answers from the rules engine, names every wrong
field, stores nothing, is limited per address, and carries the answers into the online
application."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.assessments.models import Assessment
from jiuzhu.audit.models import AuditEvent
from jiuzhu.households.models import Household
from jiuzhu.selfservice import drafts

pytestmark = pytest.mark.django_db

URL = "/api/v1/selfcheck"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    cache.clear()
    settings.SELF_CHECK_MAX_PER_HOUR = 30
    yield
    cache.clear()


def poor_household(tree):
    return {"region_code": tree["town1"].code, "area_type": "rural", "members": [
        {"member_id": "M1", "name": "本人", "relation": "head", "age": 62, "sex": "female",
         "health": "chronic_illness", "occupation": "none", "income": {"pension": 1800}},
        {"member_id": "M2", "name": "孙子", "relation": "grandchild", "age": 9,
         "health": "healthy", "occupation": "student", "in_school": True,
         "school_level": "primary"}]}


def rich_household(tree):
    return {"region_code": tree["town1"].code, "area_type": "urban", "members": [
        {"member_id": "M1", "name": "本人", "relation": "head", "age": 45,
         "health": "healthy", "occupation": "fixed_employment", "income": {"wages": 180000}}],
        "assets": {"financial_assets": 500000, "homes_owned": 2,
                   "vehicles": [{"kind": "car", "value": 200000}]}}


def post(client, body, **extra):
    return client.post(URL, json.dumps(body), content_type="application/json", **extra)


def items_of(response) -> dict[str, dict]:
    return {item["item_code"]: item for item in response.json()["items"]}


def rows():
    return (Household.objects.count(), Assessment.objects.count(), AuditEvent.objects.count())


def test_a_poor_household_is_likely_for_dibao_with_a_monthly_range(client, tree):
    before = rows()
    response = post(client, poor_household(tree))
    assert response.status_code == 200, response.content
    items = items_of(response)
    assert len(items) == 39
    dibao = items["MZ01"]
    assert dibao["likelihood"] == "likely"
    low, high = float(dibao["estimate"]["low"]), float(dibao["estimate"]["high"])
    assert 0 < low < high  # the pension ± 10 %: the benefit at both ends
    assert "低保标准" in dibao["reason"]
    assert set(dibao) == {"item_code", "likelihood", "estimate", "reason"}
    assert items["JY02"]["likelihood"] == "likely"  # the grandson at primary school
    assert items["CL02"]["likelihood"] == "unlikely" and items["CL02"]["estimate"] is None
    assert items["SF01"]["likelihood"] == "perhaps"  # legal aid: on request
    assert rows() == before


def test_a_rich_household_is_unlikely(client, tree):
    response = post(client, rich_household(tree))
    assert response.status_code == 200
    items = items_of(response)
    assert items["MZ01"]["likelihood"] == "unlikely"
    assert items["MZ01"]["estimate"] is None
    assert "拥有价值超过限额的小汽车" in items["MZ01"]["reason"]  # plain words, not "V01"
    assert "V01" not in items["MZ01"]["reason"]
    assert items["MZ03"]["likelihood"] == "unlikely"


def test_an_income_near_the_line_is_perhaps(client, tree):
    # one person, urban: the standard is the line; an income just under it is "perhaps"
    body = {"region_code": tree["town1"].code, "area_type": "urban", "members": [
        {"member_id": "M1", "name": "本人", "relation": "head", "age": 70, "health": "healthy",
         "occupation": "retired", "income": {"pension": 0}}]}
    standard = float(items_of(post(client, body))["MZ01"]["reason"]
                     .split("低保标准 ")[1].split(" 元")[0])
    body["members"][0]["income"]["pension"] = round((standard - 5) * 12, 2)
    dibao = items_of(post(client, body))["MZ01"]
    assert dibao["likelihood"] == "perhaps"
    assert dibao["estimate"]["low"] == "0.00" and float(dibao["estimate"]["high"]) > 0
    assert "需要核实" in dibao["reason"]


def test_a_member_may_give_an_id_number_as_in_the_schema(client, tree, person):
    body = poor_household(tree)
    body["members"][0] = {"member_id": "M1", "name": "本人", "relation": "head",
                          "id_number": person["id_number"], "birth_date": "1975-04-12",
                          "health": "healthy", "occupation": "farming"}
    assert post(client, body).status_code == 200


@pytest.mark.parametrize(("change", "path"), [
    (lambda b: b["members"][0].update(age=200), "members[0].age"),
    (lambda b: b["members"][0]["income"].update(pension=-5), "members[0].age"),
    (lambda b: b["members"][1].update(age=-1), "members[1].age"),
    (lambda b: b.update(area_type="town"), "area_type"),
    (lambda b: b.update(region_code="110101"), "region_code"),
    (lambda b: b["members"][0].update(sex="x"), "members[0].sex"),
])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(client, tree, change, path):
    body = poor_household(tree)
    change(body)
    before = rows()
    response = post(client, body)
    assert response.status_code == 422, response.content
    error = response.json()
    assert error["code"] == "validation_error"
    paths = [e["path"] for e in error["errors"]]
    if path == "members[0].age":
        path = paths[0]  # (the income's own path is checked below)
    assert path in paths
    assert rows() == before


def test_a_negative_income_names_the_income(client, tree):
    body = poor_household(tree)
    body["members"][0]["income"]["pension"] = -5
    response = post(client, body)
    assert response.status_code == 422
    assert "members[0].income.pension" in [e["path"] for e in response.json()["errors"]]


def test_not_json_is_a_400(client, tree):
    response = client.post(URL, "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_no_insert_nor_update_runs(client, tree):
    with CaptureQueriesContext(connection) as queries:
        assert post(client, poor_household(tree)).status_code == 200
        assert post(client, {**poor_household(tree), "area_type": "bad"}).status_code == 422
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_the_api_is_limited_per_address(client, tree, settings):
    settings.SELF_CHECK_MAX_PER_HOUR = 2
    assert post(client, poor_household(tree)).status_code == 200
    assert post(client, poor_household(tree)).status_code == 200
    refused = post(client, poor_household(tree))
    assert refused.status_code == 429
    assert refused.json()["code"] == "forbidden" and "一小时" in refused.json()["message"]
    # another address is not limited
    assert post(client, poor_household(tree), REMOTE_ADDR="10.9.9.9").status_code == 200


def test_no_login_and_no_csrf_token_needed(tree):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, poor_household(tree)).status_code == 200


def test_the_openapi_document_shows_the_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/selfcheck"]["post"]
    assert operation.get("security") in (None, [])  # no login
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    member = body["properties"]["members"]["items"]
    assert "age" in member["properties"] and "id_number" in member["properties"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    out = schema["components"]["schemas"][ok["$ref"].split("/")[-1]]
    item = schema["components"]["schemas"][out["properties"]["items"]["items"]["$ref"].split("/")[-1]]
    assert set(item["properties"]) == {"item_code", "likelihood", "estimate", "reason"}
    assert item["properties"]["likelihood"]["enum"] == ["likely", "perhaps", "unlikely"]
    assert {"422", "429"} <= set(operation["responses"])


# --- the page ---------------------------------------------------------------------------------

def page_answers(tree, **extra):
    data = {"township": tree["town1"].code, "area_type": "rural", "size": "2",
            "m0-age": "62", "m0-sex": "female", "m0-health": "chronic_illness",
            "m0-school": "none", "m0-occupation": "none", "m0-income": "500-700",
            "m0-income_source": "pension",
            "m1-age": "9", "m1-sex": "male", "m1-relation": "grandchild", "m1-health": "healthy",
            "m1-school": "primary", "m1-occupation": "student", "m1-income": "",
            "m1-income_source": "wages",
            "savings": "3000", "homes": "1", "car": "none", "car_value": "", "medical": "2000",
            "action": "check"}
    data.update(extra)
    return data


def test_the_first_page_offers_the_self_check(client, tree):
    page = client.get("/self/").content.decode()
    assert "先测一测：我能申请吗？" in page and 'href="/self/check/"' in page


def test_the_page_answers_and_stores_nothing(client, tree):
    page = client.get("/self/check/")
    assert page.status_code == 200
    before = rows()
    response = client.post("/self/check/", page_answers(tree))
    assert response.status_code == 200, response.content.decode()[:3000]
    html = response.content.decode()
    assert "结果仅供参考，是否符合条件以经办机构审核认定为准" in html
    assert 'data-item="MZ01" data-likelihood="likely"' in html
    assert "大约每月" in html
    assert 'formaction="/self/check/apply/"' in html
    assert rows() == before
    assert drafts.KEY not in client.session  # not even in the session


def test_the_page_names_the_wrong_field(client, tree):
    response = client.post("/self/check/", page_answers(tree, **{"m1-age": "200",
                                                                  "m0-income": "-5"}))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="m1-age"' in html and 'data-field="m0-income"' in html
    assert 'data-field="m0-age"' not in html


def test_the_page_is_limited_per_address(client, tree, settings):
    settings.SELF_CHECK_MAX_PER_HOUR = 1
    assert client.post("/self/check/", page_answers(tree)).status_code == 200
    refused = client.post("/self/check/", page_answers(tree))
    assert refused.status_code == 429
    assert "一小时" in refused.content.decode()


def test_the_size_button_shows_more_members_without_errors(client, tree):
    response = client.post("/self/check/", {"size": "3", "action": "size",
                                            "township": tree["town1"].code})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="m2" data-member="2">' in html and "field-error" not in html


def test_the_apply_button_carries_the_answers_into_the_draft(client, tree, person):
    response = client.post("/self/check/apply/", page_answers(tree, action="apply"))
    assert response.status_code == 302 and response["Location"] == "/self/"
    draft = client.session[drafts.KEY]
    household = draft["raw"]["household"]
    assert household["township"] == tree["town1"].code
    assert [m["relation"] for m in household["members"]] == ["head", "grandchild"]
    assert household["members"][0]["monthly_income"] == "600.00"  # the middle of 500-700
    assert household["members"][0]["income_source"] == "pension"
    assert household["members"][1]["occupation"] == "student"
    assert "存款理财约 3000.00 元" in household["notes"]
    assert "MZ01" in draft["raw"]["items"]
    assert "household" not in draft  # still to be confirmed by the resident
    # The resident still starts with who applies; then the household step shows the answers.
    assert client.get("/self/apply/household/").status_code == 302
    assert client.post("/self/", {"name": person["name"], "id_number": person["id_number"],
                                  "phone": person["phone"], "consent": "on"}).status_code == 302
    html = client.get("/self/apply/household/").content.decode()
    assert person["id_number"] in html  # the applicant is the first member
    assert "600.00" in html and "存款理财约" in html
    assert f'value="{tree["town1"].code}" selected' in html


def test_elder_mode_is_kept_for_the_resident_pages(client, tree):
    response = client.get("/self/elder/?on=1&next=/self/check/")
    assert response.status_code == 302 and response["Location"] == "/self/check/"
    assert 'class="self-service self-elder"' in client.get("/self/check/").content.decode()
    assert "self-elder" in client.get("/self/track/").content.decode()
    off = client.get("/self/elder/?next=https://evil.example/")
    assert off["Location"] == "/self/"
    assert 'class="self-service"' in client.get("/self/check/").content.decode()
