"""The funds API through the real /api/v1 (tokens, error handlers): shapes, money as
strings, 404 outside the region, 403 for a role that does not see funds."""

import pytest

from jiuzhu.core.access import SYSTEM
from jiuzhu.funds import services
from jiuzhu.testing import ApiClient

from .conftest import DAY


@pytest.fixture
def api(client, approver, reviewer, other_reviewer, grid_worker, supervisor):
    return ApiClient(client, {"approver": approver, "reviewer": reviewer,
                              "other": other_reviewer, "grid": grid_worker,
                              "supervisor": supervisor}, "")


def test_the_funds_a_user_sees(api, funds):
    county = api.get("approver", "/api/v1/funds")
    assert county.status_code == 200, county.content
    names = {row["name"]: row for row in county.json()}
    assert set(names) == {"示范县救急难基金", "第1镇备用金", "第2镇备用金"}  # not the city's
    assert names["第1镇备用金"] == {"id": funds["town1"].pk, "name": "第1镇备用金",
                                  "region_code": "990102001", "balance": "50000.00",
                                  "available": "50000.00"}
    town = api.get("reviewer", "/api/v1/funds").json()
    assert [row["name"] for row in town] == ["第1镇备用金"]
    assert api.get("supervisor", "/api/v1/funds").status_code == 200
    refused = api.get("grid", "/api/v1/funds")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_a_ledger(api, funds, reviewer, tree):
    town1 = funds["town1"]
    commitment = services.commit(actor=reviewer, fund=town1, amount_fen=12_345, case_id=42,
                                 township=tree["town1"], level="red")
    services.pay(actor=reviewer, commitment=commitment, payee="陈老汉", method="cash",
                 voucher="ZF-1")
    services.recover(actor=SYSTEM, fund=town1, amount_fen=5, on=DAY, voucher="ZH-1")
    answer = api.get("reviewer", f"/api/v1/funds/{town1.pk}/ledger")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["balance"] == "49876.60" and body["available"] == "49876.60"
    kinds = [(e["kind"], e["amount"]) for e in body["entries"]]
    assert sorted(kinds) == sorted([("income", "50000.00"), ("commitment", "123.45"),
                                    ("payment", "123.45"), ("recovery", "0.05")])
    payment = next(e for e in body["entries"] if e["kind"] == "payment")
    assert payment["case_id"] == 42 and payment["voucher"] == "ZF-1"
    assert set(payment) == {"id", "kind", "amount", "on", "voucher", "case_id"}
    # another township's reserve, the county fund for a township reviewer: not found
    for who, fund in (("other", town1), ("reviewer", funds["county"]),
                      ("approver", funds["city"])):
        missing = api.get(who, f"/api/v1/funds/{fund.pk}/ledger")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api.get("grid", f"/api/v1/funds/{town1.pk}/ledger").status_code == 403


def test_the_openapi_documents_the_shapes(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/funds" in schema["paths"]
    assert "/api/v1/funds/{fund_id}/ledger" in schema["paths"]
    components = schema["components"]["schemas"]
    assert {"balance", "available", "entries"} <= set(components["LedgerOut"]["properties"])
    assert set(components["FundOut"]["properties"]) == {"id", "name", "region_code", "balance",
                                                       "available"}
