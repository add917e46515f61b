# ruff: noqa: F811 - the fixtures imported from emergency_fixtures are parameters here
"""The emergency API as ``50-api.md`` says: POST/GET /api/v1/emergencies, the actions, and
POST /api/v1/funds/{id}/commitments — shapes, error codes, and the typed OpenAPI."""

from __future__ import annotations

from datetime import datetime

import pytest

from jiuzhu.emergency.models import EmergencyCase
from jiuzhu.funds.models import LedgerEntry
from jiuzhu.testing import ApiClient

from .emergency_fixtures import household, media, money, other_household, people  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, people, superuser):
    return ApiClient(client, {**people, "root": superuser},
                     "/api/v1/emergencies/{id}/actions/{action}")


def body(household, **extra):
    return {"household_id": household.household_id, "cause": "illness",
            "occurred_on": "2026-03-01", "narrative": "突发重病住院",
            "checklist": ["E04", "E05"], "sudden_expense": "0.00", **extra}


def test_open_a_case(api, household):
    response = api.post("window", "/api/v1/emergencies", body(household))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert {"id", "level", "score", "critical", "respond_by", "explanation"} <= set(data)
    assert (data["level"], data["score"], data["critical"]) == ("yellow", 55, [])
    assert data["explanation"].endswith("= 55 分，40–59 分为黄色")
    assert data["state"] == "open" and data["alert"] == "none"
    case = EmergencyCase.objects.get(pk=data["id"])
    assert case.source == "window"
    assert datetime.fromisoformat(data["respond_by"]) == case.respond_by
    assert data["respond_by"].endswith("+08:00")
    red = api.post("grid", "/api/v1/emergencies", body(household, checklist=["E03"],
                                                         household_id=household.pk))
    assert red.status_code == 201 and red.json()["critical"] == ["E03"]
    assert EmergencyCase.objects.get(pk=red.json()["id"]).source == "grid_worker"


@pytest.mark.parametrize("code", ["E07", "E09"])
def test_computed_items_sent_are_422_naming_checklist(api, household, code):
    response = api.post("window", "/api/v1/emergencies",
                        body(household, checklist=["E04", code]))
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "validation_error"
    assert [e["path"] for e in data["errors"]] == ["checklist"]
    assert not EmergencyCase.objects.exists()


def test_open_refusals(api, household, other_household):
    assert api.post("window", "/api/v1/emergencies",
                    body(other_household)).status_code == 404
    assert api.post("investigator", "/api/v1/emergencies", body(household)).status_code == 403
    bad = api.post("window", "/api/v1/emergencies",
                   body(household, sudden_expense="abc", cause="flood"))
    assert bad.status_code == 422
    assert [e["path"] for e in bad.json()["errors"]] == ["sudden_expense"]
    missing = api.post("window", "/api/v1/emergencies", {"household_id": household.pk})
    assert missing.status_code == 422
    assert {"cause", "occurred_on", "narrative"} <= {e["path"] for e in missing.json()["errors"]}
    assert not EmergencyCase.objects.exists()


def test_list_newest_first_with_level_filter(api, household):
    first = api.post("window", "/api/v1/emergencies", body(household)).json()
    second = api.post("window", "/api/v1/emergencies",
                      body(household, checklist=["E01"])).json()
    listed = api.get("reviewer", "/api/v1/emergencies")
    assert listed.status_code == 200
    data = listed.json()
    assert data["count"] == 2 and [c["id"] for c in data["items"]] == [second["id"], first["id"]]
    assert {"state", "alert", "level", "respond_by"} <= set(data["items"][0])
    reds = api.get("reviewer", "/api/v1/emergencies?level=red").json()
    assert [c["id"] for c in reds["items"]] == [second["id"]]
    assert api.get("other_reviewer", "/api/v1/emergencies").json()["count"] == 0
    assert api.get("reviewer", "/api/v1/emergencies?level=pink").status_code == 422


def test_actions_and_their_errors(api, household, money):
    case = api.post("window", "/api/v1/emergencies", body(household, checklist=["E01"])).json()
    pk = case["id"]
    assert api.act("window", pk, "approve_help",
                   {"amount": "100", "method": "cash", "payee": "张三"}).status_code == 403
    assert api.act("other_reviewer", pk, "approve_help", {}).status_code == 404
    assert api.act("reviewer", pk, "fly", {}).status_code == 404
    assert api.act("reviewer", pk + 100, "monitor", {"reason": "x"}).status_code == 404
    bad = api.act("reviewer", pk, "approve_help", {"amount": "-1", "method": "cheque"})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"method", "payee"}
    approved = api.act("reviewer", pk, "approve_help",
                       {"amount": "2000.00", "method": "bank", "payee": "张三"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    again = api.act("reviewer", pk, "approve_help",
                    {"amount": "2000.00", "method": "bank", "payee": "张三"})
    assert again.status_code == 409 and again.json()["code"] == "step_not_allowed"
    paid = api.act("window", pk, "pay", {"voucher": "YH-1"})
    assert paid.status_code == 200
    data = paid.json()
    assert data["state"] == "helped" and data["response"] == "paid"
    assert data["papers_due"] and data["application_number"].startswith("MZ05")


def test_insufficient_funds_is_409_with_available(api, household, other_household, money, tree):
    from jiuzhu.core.access import SYSTEM
    from jiuzhu.funds import services as funds
    from jiuzhu.funds.choices import FundKind

    town2 = funds.fund_create(actor=SYSTEM, name="第2镇备用金", region=tree["town2"],
                              kind=FundKind.RESERVE, parent=money["county"])
    case = api.post("window", "/api/v1/emergencies", body(household, checklist=["E01"])).json()
    entries = LedgerEntry.objects.count()
    refused = api.post("approver", f"/api/v1/funds/{money['town1'].pk}/commitments",
                       {"emergency_id": case["id"], "amount": "25000.00"})
    assert refused.status_code == 422  # above the event cap (¥8,640) first
    assert refused.json()["errors"][0]["path"] == "amount"
    elsewhere = api.post("approver", f"/api/v1/funds/{town2.pk}/commitments",
                         {"emergency_id": case["id"], "amount": "100.00"})
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"][0]["path"] == "emergency_id"
    in_town2 = api.post("root", "/api/v1/emergencies", body(other_household)).json()
    empty = api.post("approver", f"/api/v1/funds/{town2.pk}/commitments",
                     {"emergency_id": in_town2["id"], "amount": "100.00"})
    assert empty.status_code == 409
    assert empty.json()["code"] == "insufficient_funds" and empty.json()["available"] == "0.00"
    assert LedgerEntry.objects.count() == entries
    made = api.post("approver", f"/api/v1/funds/{money['town1'].pk}/commitments",
                    {"emergency_id": case["id"], "amount": "300.50"})
    assert made.status_code == 201, made.json()
    entry = made.json()
    assert (entry["kind"], entry["amount"], entry["case_id"]) == ("commitment", "300.50", case["id"])
    assert api.post("window", f"/api/v1/funds/{money['town1'].pk}/commitments",
                    {"emergency_id": case["id"], "amount": "1"}).status_code == 403
    assert api.post("other_reviewer", f"/api/v1/funds/{money['town1'].pk}/commitments",
                    {"emergency_id": case["id"], "amount": "1"}).status_code == 404


def test_the_openapi_documents_the_schemas(api):
    schema = api.get("root", "/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/emergencies" in paths and "/api/v1/funds/{fund_id}/commitments" in paths
    create = paths["/api/v1/emergencies"]["post"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "CaseOut")
    act = paths["/api/v1/emergencies/{case_id}/actions/{action}"]["post"]
    titles = [v["title"] for v in
              act["requestBody"]["content"]["application/json"]["schema"]["oneOf"]]
    assert titles[0].startswith("reassess") and not any("papers_done" in t for t in titles)
    assert "CaseListOut" in schema["components"]["schemas"]
