"""The leads API, on a fresh router behind the platform's error handlers."""

import itertools

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from jiuzhu.core.errors import ServiceError
from jiuzhu.leads.api import build_router
from jiuzhu.leads.models import Lead, VisitTask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
_names = itertools.count()


@pytest.fixture
def api():
    test_api = NinjaAPI(urls_namespace=f"leads_test_{next(_names)}",
                        auth=lambda request: request.user)

    @test_api.exception_handler(ServiceError)
    def on_service_error(request, exc):
        return test_api.create_response(request, exc.as_dict(), status=exc.status)

    test_api.add_router("/", build_router())
    return TestClient(test_api)


def test_record_convert_and_close_through_the_api(api, window_worker, grid_worker, lead_data):
    created = api.post("/leads", json=lead_data, user=window_worker)
    assert created.status_code == 201
    lead_id = created.json()["id"]
    assert created.json()["status"] == "new" and created.json()["source"] == "hotline"
    converted = api.post(f"/leads/{lead_id}/convert",
                         json={"health": "healthy", "occupation": "none"}, user=window_worker)
    assert converted.status_code == 200
    body = converted.json()
    assert body["status"] == "visiting" and body["tasks"][0]["assignee"] == grid_worker.username
    assert (body["tasks"][0]["due_on"], body["tasks"][0]["limit_days"]) == ("2026-03-05", 3)
    task_id = body["tasks"][0]["id"]
    refused = api.post(f"/visits/{task_id}/outcome",
                       json={"visited_on": "2026-03-02", "findings": "老人独居"}, user=grid_worker)
    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["outcome"]
    assert VisitTask.objects.get().status == "open"
    done = api.post(f"/visits/{task_id}/outcome", json={
        "visited_on": "2026-03-02", "findings": "老人独居", "outcome": "not_eligible",
        "latitude": 30.5, "longitude": 104.25}, user=grid_worker)
    assert done.status_code == 200
    assert done.json()["status"] == "closed" and done.json()["outcome"] == "not_eligible"
    assert done.json()["tasks"][0]["longitude"] == "104.250000"
    again = api.post(f"/visits/{task_id}/outcome", json={
        "visited_on": "2026-03-02", "findings": "x", "outcome": "applied"}, user=grid_worker)
    assert again.status_code == 409


def test_api_errors(api, window_worker, other_window_worker, lead_data):
    bad = api.post("/leads", json={**lead_data, "person_name": "", "phone": 5}, user=window_worker)
    assert bad.status_code == 422
    created = api.post("/leads", json=lead_data, user=window_worker).json()
    assert api.get(f"/leads/{created['id']}", user=other_window_worker).status_code == 404
    assert api.post(f"/leads/{created['id']}/convert", json={},
                    user=other_window_worker).status_code == 404
    missing = api.post(f"/leads/{created['id']}/convert", json={"assignee": "nobody"},
                       user=window_worker)
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "assignee"
    assert Lead.objects.get().status == "new"
