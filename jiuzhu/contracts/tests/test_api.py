"""The contracts API: list, create (422 naming the field, 409 a number taken, 403 a role),
read, settle a period (409 twice), read a settlement; outside users get 404."""

from datetime import date

import pytest
from django.utils import timezone

from jiuzhu.contracts import services
from jiuzhu.testing import ApiClient

from .conftest import accepted_case, entrust, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, people):
    users = {k: v for k, v in people.items() if hasattr(v, "username")}
    return ApiClient(client, users, "")


def test_contracts_and_settlements_over_the_api(api, people, tree, contract):
    listed = api.get("approver", "/api/v1/contracts")
    assert listed.status_code == 200 and listed.json()[0]["number"] == contract.number
    assert listed.json()[0]["advance_left_fen"] == 10000000
    assert api.get("reviewer", "/api/v1/contracts").status_code == 200
    assert api.get("window", "/api/v1/contracts").status_code == 403
    for who in ("coordinator", "surveyor", "other_coordinator"):
        assert api.get(who, f"/api/v1/contracts/{contract.pk}").status_code == 404

    bad = api.post("approver", "/api/v1/contracts", {"number": "X2", "organisation_id": people["rujia"].pk,
                                                     "starts_on": "2026-01-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "ends_on"
    taken = api.post("approver", "/api/v1/contracts", {
        "number": contract.number, "organisation_id": people["rujia"].pk,
        "starts_on": "2026-01-01", "ends_on": "2026-12-31", "price_fen": 20000})
    assert taken.status_code == 409
    assert api.post("reviewer", "/api/v1/contracts", {}).status_code == 403
    made = api.post("approver", "/api/v1/contracts", {
        "number": "XH-2026-002", "organisation_id": people["other"].pk,
        "starts_on": "2026-01-01", "ends_on": "2026-12-31", "price_fen": 15000,
        "advance_fen": 0, "cap": 10})
    assert made.status_code == 201 and made.json()["cap"] == 10
    assert api.get("approver", f"/api/v1/contracts/{made.json()['id']}").json()["price_fen"] == 15000

    case = accepted_case(people, tree)
    inv = entrust(people, case)
    services.assign_surveyor(actor=people["coordinator"], investigation_id=inv.pk,
                             surveyor_id=people["surveyor"].pk)
    record(people["surveyor"], case)
    services.accept(actor=people["reviewer"], investigation_id=inv.pk)
    today = timezone.localdate()
    url = f"/api/v1/contracts/{contract.pk}/settlements"
    period = {"period_start": date(today.year, 1, 1).isoformat(), "period_end": today.isoformat()}
    assert api.post("reviewer", url, period).status_code == 404  # a county contract
    assert api.post("window", url, period).status_code == 404
    assert api.post("approver", url, {"period_start": "x"}).status_code == 422
    settled = api.post("approver", url, period)
    assert settled.status_code == 201, settled.content
    body = settled.json()
    assert body["accepted_count"] == 1 and body["amount_fen"] == 20000 and body["locked"]
    assert [h["head_name"] for h in body["households"]] == [case.household.head_name]
    assert "id_number" not in str(body)
    assert api.post("approver", url, period).status_code == 409
    got = api.get("approver", f"/api/v1/settlements/{body['id']}")
    assert got.status_code == 200 and got.json()["due_fen"] == 0
    assert api.get("coordinator", f"/api/v1/settlements/{body['id']}").status_code == 404
    assert api.get("approver", "/api/v1/settlements/999999").status_code == 404


def test_the_applications_api_is_closed_to_a_contracted_surveyor(api, people, tree, contract):
    case = accepted_case(people, tree)
    inv = entrust(people, case)
    services.assign_surveyor(actor=people["coordinator"], investigation_id=inv.pk,
                             surveyor_id=people["surveyor"].pk)
    assert api.get("surveyor", f"/api/v1/applications/{case.pk}").status_code == 404
    assert api.get("reviewer", f"/api/v1/applications/{case.pk}").status_code == 200
