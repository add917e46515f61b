import json
from decimal import Decimal

from jiuzhu.accounts.services import token_create
from jiuzhu.audit.models import AuditEvent
from jiuzhu.households.models import Household, Member
from jiuzhu.testing import household_dict, member_dict


def test_register_and_read_back(api):
    body = household_dict(household_id="H1")
    body["members"][0]["income"] = {"wages": Decimal("12345.67")}
    body["supporters"] = [{"name": "张大", "relation": "child", "annual_income": 36000,
                           "supports": ["M1"], "exempt": None, "large_assets": False}]
    body["assets"]["vehicles"] = [{"kind": "motorcycle", "value": 3000}]
    response = api.post("/api/v1/households", body)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    got = api.get(f"/api/v1/households/{pk}").json()
    assert got["household_id"] == "H1"
    assert got["region_code"] == "990102001001"
    assert [m["id_number"] for m in got["members"]] == [m["id_number"] for m in body["members"]]
    assert json.loads(json.dumps(got["members"][0]["income"]["wages"])) == 12345.67
    assert got["supporters"][0]["supports"] == ["M1"]
    assert got["assets"]["vehicles"] == [{"kind": "motorcycle", "value": 3000}]
    assert AuditEvent.objects.filter(action="view", object_id=str(pk)).exists()


def test_invalid_household_names_the_fields_and_writes_nothing(api):
    body = household_dict()
    body["members"][1]["id_number"] = body["members"][1]["id_number"][:17] + (
        "0" if body["members"][1]["id_number"][17] != "0" else "1")
    body["expenditures"]["medical"] = -5
    body["area_type"] = "suburban"
    response = api.post("/api/v1/households", body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "validation_error"
    paths = {e["path"] for e in payload["errors"]}
    assert {"members[1].id_number", "expenditures.medical", "area_type"} <= paths
    assert Household.objects.count() == 0


def test_money_with_three_decimals_is_an_error(client, window_worker):
    body = household_dict()
    raw = json.dumps(body).replace('"medical": 1200', '"medical": 1200.123')
    token = token_create(user=window_worker)
    response = client.post("/api/v1/households", data=raw, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert "expenditures.medical" in {e["path"] for e in response.json()["errors"]}


def test_duplicate_member_in_another_active_household_is_409(api):
    first = household_dict(household_id="H1")
    assert api.post("/api/v1/households", first).status_code == 201
    second = household_dict(household_id="H2", members=[
        member_dict(), dict(first["members"][1], member_id="M2")])
    response = api.post("/api/v1/households", second)
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_member"
    assert response.json()["errors"][0]["path"] == "members[1].id_number"
    assert not Household.objects.filter(household_id="H2").exists()
    assert Member.objects.count() == 2


def test_another_township_is_not_found(api, other_window_worker, client):
    pk = api.post("/api/v1/households", household_dict()).json()["id"]
    other = token_create(user=other_window_worker)
    response = client.get(f"/api/v1/households/{pk}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_registering_outside_ones_region_is_forbidden(api):
    response = api.post("/api/v1/households", household_dict(region_code="990102002001"))
    assert response.status_code == 403
    assert Household.objects.count() == 0


def test_unknown_region_is_a_field_error(api):
    response = api.post("/api/v1/households", household_dict(region_code="990102009001"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "region_code"


def test_not_json_is_a_clear_error(api, client, window_worker):
    token = token_create(user=window_worker)
    response = client.post("/api/v1/households", data="{oops", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert "JSON" in response.json()["message"]


def test_no_token_is_401(client, tree):
    assert client.post("/api/v1/households", data="{}", content_type="application/json").status_code == 401


def test_openapi_and_docs_are_local(client, window_worker):
    client.force_login(window_worker)
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/households" in spec.json()["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    # Nothing loaded from another host (a random CSRF token may spell "cdn": look at URLs).
    import re

    assert not re.search(r"""(src|href)=["']?(https?:)?//""", docs)
    assert "cdn.jsdelivr" not in docs and "unpkg.com" not in docs
    assert "/static/ninja/swagger-ui-bundle.js" in docs
