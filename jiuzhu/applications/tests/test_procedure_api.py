"""The whole dibao procedure through the HTTP API, and every refusal on the way."""

import base64
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jiuzhu.applications.models import Application

from .conftest import MATERIALS, PNG, files

SIGN = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def clock(monkeypatch):
    """The service's idea of today, moved by the test."""
    state = {"today": date(2026, 3, 2)}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: state["today"])
    return state


def create(api, household):
    response = api.post("window", "/api/v1/applications",
                        {"household_id": household.household_id, "item_code": "MZ01",
                         "channel": "window", "files": files(*MATERIALS)})
    assert response.status_code == 201, response.content
    return response.json()


def investigation_body():
    return {"investigators": ["周明", "李强"], "location": {"lat": 30.1, "lng": 104.2},
            "signatures": {"investigator_1": SIGN, "investigator_2": SIGN, "applicant": SIGN},
            "neighbour_visits": [{"name": "邻居甲", "statement": "家中确有困难"}],
            "findings": "住房简陋，主要劳动力重病",
            "files": [{"material": "入户照片", "name": "p.png",
                       "content_base64": base64.b64encode(PNG).decode()}]}


def test_the_whole_path_to_approval(api, poor_household, clock):
    app = create(api, poor_household)
    assert app["state"] == "submitted" and app["alert"] == "none"
    assert app["due_date"] == "2026-03-05"  # 3 working days
    assert [d["code"] for d in app["documents"]] == ["D01"]
    pk = app["id"]

    steps = [
        ("window", "accept", {}, "accepted"),
        ("reviewer", "assign_investigation", {"investigators": ["i1", "i2"]}, "accepted"),
        ("verifier", "record_verification",
         {"report": {"summary": "核对无异常", "sources": ["户籍", "车辆", "不动产"]}}, "accepted"),
        ("investigator", "record_investigation", investigation_body(), "appraisal"),
        ("assistant", "record_appraisal",
         {"members_present": 15, "votes_for": 14, "votes_against": 1, "result": "pass"}, "opinion"),
        ("reviewer", "submit_opinion", {"recommend": "approve"}, "notice"),
        ("reviewer", "publish_notice", {}, "notice"),
    ]
    for who, action, body, state in steps:
        response = api.act(who, pk, action, body)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["state"] == state, action
    assert api.act("reviewer", pk, "close_notice").status_code == 409  # 7 days not over
    clock["today"] = date(2026, 3, 9)
    assert api.act("reviewer", pk, "close_notice").json()["state"] == "decision"
    engine = api.get("window", f"/api/v1/applications/{pk}").json()["engine_amount"]
    assert api.act("approver", pk, "approve", {"amount": "1.00"}).status_code == 422
    approved = api.act("approver", pk, "approve").json()
    assert approved["state"] == "approved"
    assert approved["approved_amount"] == engine
    assert approved["start_month"] == "2026-04-01"
    codes = {d["code"] for d in approved["documents"]}
    assert {"D01", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10", "D11", "D12",
            "D13", "D15"} <= codes
    assert approved["assessment"]["eligible"] is True
    pdf = api.get("window", f"/api/v1/applications/{pk}/documents/D13")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    docx = api.get("window", f"/api/v1/applications/{pk}/documents/D13?format=docx")
    assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"


def test_illegal_actions_are_409_and_change_nothing(api, poor_household, clock):
    pk = create(api, poor_household)["id"]
    for who, action in [("approver", "approve"), ("reviewer", "publish_notice"),
                        ("reviewer", "submit_opinion"), ("assistant", "record_appraisal"),
                        ("reviewer", "close_notice"), ("window", "submit_supplement")]:
        response = api.act(who, pk, action, {"recommend": "approve"})
        assert response.status_code == 409, action
        assert response.json()["code"] == "step_not_allowed"
    assert Application.objects.get(pk=pk).state == "submitted"
    assert Application.objects.get(pk=pk).steps.count() == 1


def test_roles_and_regions(api, poor_household, clock):
    pk = create(api, poor_household)["id"]
    assert api.act("reviewer", pk, "accept").status_code == 403
    assert api.act("other_window", pk, "accept").status_code == 404
    assert api.get("other_window", f"/api/v1/applications/{pk}").status_code == 404
    assert api.act("window", pk, "no_such_action").status_code == 404


def test_acceptance_needs_every_material(api, poor_household, clock):
    response = api.post("window", "/api/v1/applications",
                        {"household_id": poor_household.household_id, "item_code": "MZ01",
                         "channel": "window", "files": files("户口簿", "身份证")})
    pk = response.json()["id"]
    refused = api.act("window", pk, "accept")
    assert refused.status_code == 422
    assert "收入证明" in refused.json()["errors"][0]["message"]
    supplement = api.act("window", pk, "request_supplement",
                         {"missing": ["家庭经济状况核对授权书", "收入证明", "财产申报表"]})
    assert supplement.json()["state"] == "awaiting_supplement"
    assert "D02" in {d["code"] for d in supplement.json()["documents"]}
    back = api.act("window", pk, "submit_supplement",
                   {"files": files("家庭经济状况核对授权书", "收入证明", "财产申报表")})
    assert back.json()["state"] == "submitted"
    assert api.act("window", pk, "accept").json()["state"] == "accepted"


def test_attachments_are_checked_by_content(api, poor_household, clock):
    body = {"household_id": poor_household.household_id, "item_code": "MZ01", "channel": "window",
            "files": files("身份证", content=b"MZ\x90\x00 not a pdf")}
    response = api.post("window", "/api/v1/applications", body)
    assert response.status_code == 422
    assert not Application.objects.exists()


def test_a_founded_objection_sends_the_case_back(api, poor_household, clock):
    pk = create(api, poor_household)["id"]
    api.act("window", pk, "accept")
    api.act("verifier", pk, "record_verification", {"report": {"summary": "无异常"}})
    api.act("investigator", pk, "record_investigation", investigation_body())
    api.act("assistant", pk, "record_appraisal",
            {"members_present": 13, "votes_for": 13, "votes_against": 0, "result": "pass"})
    api.act("reviewer", pk, "submit_opinion", {"recommend": "approve"})
    api.act("reviewer", pk, "publish_notice")
    back = api.act("reviewer", pk, "record_objection",
                   {"founded": True, "return_to": "investigation", "note": "群众反映有经营收入"})
    assert back.json()["state"] == "accepted"
    assert api.act("investigator", pk, "record_investigation", investigation_body()).json()["state"] == "appraisal"
    versions = [d["version"] for d in back.json()["documents"] if d["code"] == "D11"]
    assert versions and max(versions) >= 2


def test_two_approvers_at_once_only_one_succeeds(api, poor_household, clock, staff):
    from jiuzhu.applications.services import application_act
    from jiuzhu.core.errors import ServiceError

    pk = create(api, poor_household)["id"]
    api.act("window", pk, "accept")
    api.act("verifier", pk, "record_verification", {"report": {"summary": "无异常"}})
    api.act("investigator", pk, "record_investigation", investigation_body())
    api.act("assistant", pk, "record_appraisal",
            {"members_present": 13, "votes_for": 13, "votes_against": 0, "result": "pass"})
    api.act("reviewer", pk, "submit_opinion", {"recommend": "refuse", "reasons": "收入超标"})
    results = []
    for action in ("refuse", "refuse"):
        try:
            application_act(actor=staff["approver"], application_id=pk, action=action,
                            data={"reasons": "家庭收入超过标准"})
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.code)
    assert results == ["ok", "step_not_allowed"]


def test_deadline_alerts_follow_working_days(api, poor_household, clock, staff):
    from jiuzhu.applications.services import alerts_recompute

    pk = create(api, poor_household)["id"]  # Monday 2026-03-02, acceptance limit 3
    clock["today"] = date(2026, 3, 4)  # 2 working days: 3*2 = 6 > 2*3? no → none
    alerts_recompute()
    assert Application.objects.get(pk=pk).alert == "none"
    clock["today"] = date(2026, 3, 5)
    alerts_recompute()
    assert Application.objects.get(pk=pk).alert == "yellow"
    clock["today"] = date(2026, 3, 6)
    alerts_recompute()
    assert Application.objects.get(pk=pk).alert == "red"
    assert api.act("supervisor", pk, "extend_deadline", {"reason": "x"}).status_code == 409
    clock["today"] = date(2026, 3, 2) + timedelta(days=40)
    alerts_recompute()
    assert Application.objects.get(pk=pk).alert == "red"
