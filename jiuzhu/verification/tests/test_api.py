"""/api/v1/verification: the pages' visibility and permissions over HTTP."""

from __future__ import annotations

import pytest

from jiuzhu.accounts.services import token_create
from jiuzhu.audit.models import AuditEvent
from jiuzhu.verification.models import Finding, VerificationRequest
from jiuzhu.verification.services import verification_request_create, verification_run

from .conftest import PDF, id_of, pdf_upload, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(officer, other_officer, window_worker):
    tokens = {user.username: token_create(user=user)
              for user in (officer, other_officer, window_worker)}
    return lambda user: {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.username]}"}


@pytest.fixture
def verified(officer, household, exports):
    """A request whose vehicles source found a hidden car; deposits are down."""
    write_csv(exports, "vehicles", [["身份证号", "号牌号码", "车辆类型", "评估价值"],
                                    [id_of(household, "M1"), "示A12345", "小型轿车", "85000"]])
    request = verification_request_create(actor=officer, household=household,
                                          authorisation=pdf_upload(),
                                          sources=["vehicles", "deposits"])
    return verification_run(request=request)


def test_anonymous_is_401(client, verified):
    assert client.get("/api/v1/verification/requests").status_code == 401
    assert client.get(f"/api/v1/verification/requests/{verified.pk}").status_code == 401
    assert client.post("/api/v1/verification/requests").status_code == 401


def test_an_officer_requests_a_verification(client, officer, household, bearer,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/verification/requests", {
            "household_id": household.household_id, "authorisation": pdf_upload(),
            "sources": ["hukou", "vehicles"]}, **bearer(officer))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["household"]["household_id"] == household.household_id
    assert body["sources"] == ["hukou", "vehicles"]
    assert [m["member_id"] for m in body["members"]] == ["M1", "M2"]
    assert body["report"]["request"]["id"] == body["id"]
    assert VerificationRequest.objects.get().status in ("complete", "partial", "failed")


def test_read_list_run_and_decide(client, officer, verified, bearer):
    listed = client.get("/api/v1/verification/requests", **bearer(officer)).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == verified.pk
    assert listed["items"][0]["differences"] == 1
    got = client.get(f"/api/v1/verification/requests/{verified.pk}", **bearer(officer))
    assert got.status_code == 200
    report = got.json()["report"]
    assert report["summary"]["differences"] == 1 and not report["complete"]
    assert AuditEvent.objects.filter(action="view", object_id=str(verified.pk)).exists()
    run = client.post(f"/api/v1/verification/requests/{verified.pk}/run", **bearer(officer))
    assert run.status_code == 200
    finding = Finding.objects.get()
    decided = client.post(f"/api/v1/verification/findings/{finding.pk}/decide",
                          {"decision": "dismiss", "reason": "车辆已于上月出售"},
                          content_type="application/json", **bearer(officer))
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "dismissed"
    again = client.post(f"/api/v1/verification/findings/{finding.pk}/decide",
                        {"decision": "accept", "reason": "x"}, content_type="application/json",
                        **bearer(officer))
    assert again.status_code == 409


def test_another_township_is_404(client, other_officer, verified, bearer):
    headers = bearer(other_officer)
    assert client.get(f"/api/v1/verification/requests/{verified.pk}", **headers).status_code == 404
    assert client.post(f"/api/v1/verification/requests/{verified.pk}/run",
                       **headers).status_code == 404
    finding = Finding.objects.get()
    refused = client.post(f"/api/v1/verification/findings/{finding.pk}/decide",
                          {"decision": "dismiss", "reason": "x"},
                          content_type="application/json", **headers)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert client.get("/api/v1/verification/requests", **headers).json()["count"] == 0
    response = client.post("/api/v1/verification/requests", {
        "household_id": verified.household.household_id, "authorisation": pdf_upload()},
        **headers)
    assert response.status_code == 404
    assert Finding.objects.get().status == "open"


def test_a_window_worker_may_read_but_not_act(client, window_worker, household, verified, bearer):
    headers = bearer(window_worker)
    assert client.get(f"/api/v1/verification/requests/{verified.pk}", **headers).status_code == 200
    refused = client.post(f"/api/v1/verification/requests/{verified.pk}/run", **headers)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    finding = Finding.objects.get()
    assert client.post(f"/api/v1/verification/findings/{finding.pk}/decide",
                       {"decision": "dismiss", "reason": "x"}, content_type="application/json",
                       **headers).status_code == 403
    created = client.post("/api/v1/verification/requests", {
        "household_id": household.household_id, "authorisation": pdf_upload()}, **headers)
    assert created.status_code == 403
    assert VerificationRequest.objects.count() == 1 and Finding.objects.get().status == "open"


def test_422_names_the_field(client, officer, household, bearer):
    headers = bearer(officer)
    missing = client.post("/api/v1/verification/requests",
                          {"household_id": household.household_id}, **headers)
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"path": "authorisation", "message": "必填项"}]
    not_a_scan = client.post("/api/v1/verification/requests", {
        "household_id": household.household_id,
        "authorisation": pdf_upload("授权书.pdf", b"hello" + PDF)}, **headers)
    assert not_a_scan.status_code == 422
    assert not_a_scan.json()["errors"][0]["path"] == "authorisation"
    unknown = client.post("/api/v1/verification/requests", {
        "household_id": household.household_id, "authorisation": pdf_upload(),
        "sources": ["nope"]}, **headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "sources"
    assert not VerificationRequest.objects.exists()


def test_a_decision_needs_a_known_choice(client, officer, verified, bearer):
    finding = Finding.objects.get()
    bad = client.post(f"/api/v1/verification/findings/{finding.pk}/decide",
                      {"decision": "maybe"}, content_type="application/json", **bearer(officer))
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "decision"
    assert Finding.objects.get().status == "open"
