"""The API: publication hides the address and phone until the provider holds the order;
scopes (a provider sees only what was offered to them; another organisation's provider 404);
typed errors 403/404/409/422."""

import pytest

from jiuzhu.testing import ApiClient
from jiuzhu.xingfu import services

from .conftest import make_provider, need_data, provider_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, window_worker, volunteer, grid_worker, tree, other_org):
    stranger = provider_user("stranger", tree, other_org)
    make_provider(tree, name="别家公司", user=stranger, skills=("meals",), kind="company")
    return ApiClient(client, {"window": window_worker, "vol": volunteer, "grid": grid_worker,
                              "stranger": stranger}, "")


def test_post_a_need_and_the_offers_with_reasons(api, household):
    r = api.post("window", "/api/v1/needs", need_data(household))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "offered" and body["village"] == "第1村"
    assert body["address"] == "第1村3组12号"
    assert body["offers"][0]["provider"] == "魏佳" and "时段空闲" in body["offers"][0]["reason"]
    bad = api.post("window", "/api/v1/needs", need_data(household, skill="x"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "skill"
    # an outside user posts only from a case or a station lead (test_outside_posters)
    assert api.post("vol", "/api/v1/needs", need_data(household)).status_code == 403


def test_publication_hides_the_address_until_accepted(api, household, window_worker):
    need = services.need_create(actor=window_worker, data=need_data(household))
    before = api.get("vol", f"/api/v1/needs/{need.pk}").json()
    assert before["village"] == "第1村"
    assert before["address"] is None and before["phone"] is None and before["household"] is None
    assert before["offers"] is None
    listing = api.get("vol", "/api/v1/needs").json()
    assert listing["count"] == 1 and listing["items"][0]["address"] is None
    text = api.get("vol", "/api/v1/needs").content.decode()
    assert "第1村3组12号" not in text and "13900001111" not in text
    accepted = api.post("vol", f"/api/v1/needs/{need.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["address"] == "第1村3组12号"
    after = api.get("vol", f"/api/v1/needs/{need.pk}").json()
    assert after["address"] == "第1村3组12号" and after["phone"] == "13900001111"
    assert api.post("vol", f"/api/v1/needs/{need.pk}/accept").status_code == 409


def test_another_organisations_provider_gets_404(api, household, window_worker):
    need = services.need_create(actor=window_worker, data=need_data(household))
    assert api.get("stranger", f"/api/v1/needs/{need.pk}").status_code == 404
    assert api.post("stranger", f"/api/v1/needs/{need.pk}/accept").status_code == 404
    assert api.get("stranger", "/api/v1/needs").json()["count"] == 0
    order = services.accept(actor=api_user(api, "vol"), need=need)
    assert api.post("stranger", f"/api/v1/orders/{order.pk}/check_in").status_code == 404
    # nor the family's household record, nor the registry
    assert api.get("stranger", f"/api/v1/households/{household.household_id}").status_code == 404
    assert api.get("vol", f"/api/v1/households/{household.household_id}").status_code in (403, 404)


def api_user(api, who):
    from jiuzhu.accounts.models import User

    return User.objects.get(username={"vol": "vol1"}[who])


def test_order_steps_through_the_api(api, household, window_worker):
    need = services.need_create(actor=window_worker, data=need_data(household))
    order_id = api.post("vol", f"/api/v1/needs/{need.pk}/accept").json()["id"]
    assert api.post("window", f"/api/v1/needs/{need.pk}/accept").status_code == 403
    assert api.post("vol", f"/api/v1/orders/{order_id}/check_out").status_code == 409
    r = api.post("vol", f"/api/v1/orders/{order_id}/check_in",
                 {"latitude": "40.000100", "longitude": "116.300200"})
    assert r.status_code == 200 and r.json()["state"] == "in_service"
    assert api.post("vol", f"/api/v1/orders/{order_id}/check_in",
                    {"latitude": "99"}).status_code in (409, 422)
    assert api.post("vol", f"/api/v1/orders/{order_id}/check_out").json()["state"] == "done"
    missing = api.post("grid", f"/api/v1/orders/{order_id}/confirm", {})
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "rating"
    assert api.post("vol", f"/api/v1/orders/{order_id}/confirm", {"rating": 5}).status_code == 403
    done = api.post("grid", f"/api/v1/orders/{order_id}/confirm", {"rating": 5})
    assert done.status_code == 200 and done.json()["state"] == "confirmed"
    assert done.json()["rating"] == 5
    assert api.post("grid", "/api/v1/orders/999999/confirm", {"rating": 5}).status_code == 404
