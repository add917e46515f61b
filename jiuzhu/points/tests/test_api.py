"""The points API: summary (issued − redeemed = balances_total), an account (staff, the
volunteer's own; another volunteer 404), transfers, redemptions (409 naming what is short,
nothing changed), the goods."""

import pytest

from jiuzhu.points import services
from jiuzhu.points.models import PointEntry
from jiuzhu.testing import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, reviewer, county_staff, volunteer, other_volunteer):
    return ApiClient(client, {"reviewer": reviewer, "county": county_staff,
                              "volunteer": volunteer, "other": other_volunteer}, "")


def test_summary_over_the_region(api, volunteer, household, issued, goods, reviewer):
    family = services.family_account(household)
    services.transfer(actor=volunteer, source=issued.credit, target=family, amount=60)
    services.redeem(actor=reviewer, account=family, lines=[(goods["rice"], 1)])
    for who in ("reviewer", "county"):
        body = api.get(who, "/api/v1/points/summary").json()
        assert body == {"issued": 120, "redeemed": 30, "balances_total": 90}
    assert api.get("volunteer", "/api/v1/points/summary").status_code == 403


def test_account_own_and_others(api, issued):
    account_id = issued.credit_id
    body = api.get("volunteer", f"/api/v1/points/accounts/{account_id}").json()
    assert body["balance"] == 120 and body["entries"][0]["change"] == 120
    assert body["entries"][0]["order_id"] == 1
    assert api.get("other", f"/api/v1/points/accounts/{account_id}").status_code == 404
    # the volunteer's account is the county's (volunteer1 is registered at the county)
    assert api.get("county", f"/api/v1/points/accounts/{account_id}").status_code == 200
    assert api.get("reviewer", f"/api/v1/points/accounts/{account_id}").status_code == 404


def test_transfer_by_the_volunteer_and_short(api, household, issued):
    family = services.family_account(household)
    body = {"source_account_id": issued.credit_id, "target_account_id": family.pk, "amount": 20}
    response = api.post("volunteer", "/api/v1/points/transfers", body)
    assert response.status_code == 201 and response.json()["source_balance"] == 100
    count = PointEntry.objects.count()
    response = api.post("volunteer", "/api/v1/points/transfers", {**body, "amount": 101})
    assert response.status_code == 409 and "余额 100" in response.json()["message"]
    response = api.post("other", "/api/v1/points/transfers", body)
    assert response.status_code == 404
    assert PointEntry.objects.count() == count


def test_transfer_by_staff_to_a_household(api, household, issued):
    response = api.post("county", "/api/v1/points/transfers",
                        {"source_account_id": issued.credit_id,
                         "target_household_id": household.pk, "amount": 5})
    assert response.status_code == 201


def test_redemption_and_refusals(api, household, issued, goods):
    url = "/api/v1/points/redemptions"
    response = api.post("reviewer", url, {"account_id": issued.credit_id,
                                          "lines": [{"good_id": goods["oil"].pk, "quantity": 3}]})
    assert response.status_code == 409
    assert response.json()["errors"][0]["path"] == "lines[0].quantity"
    response = api.post("reviewer", url, {"household_id": household.pk,
                                          "lines": [{"good_id": goods["rice"].pk, "quantity": 1}]})
    assert response.status_code == 409 and "积分余额 0" in response.json()["message"]
    response = api.post("reviewer", url, {"account_id": issued.credit_id,
                                          "lines": [{"good_id": goods["rice"].pk, "quantity": 2}]})
    assert response.status_code == 201
    assert response.json()["total"] == 60 and response.json()["balance"] == 60
    assert api.post("volunteer", url, {"account_id": issued.credit_id, "lines": [
        {"good_id": goods["rice"].pk, "quantity": 1}]}).status_code == 403


def test_goods(api, goods):
    body = api.get("reviewer", "/api/v1/supermarket/goods").json()
    assert {g["name"]: g["stock"] for g in body} == {"大米": 5, "食用油": 2}
    assert api.get("volunteer", "/api/v1/supermarket/goods").status_code == 403
