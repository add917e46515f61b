"""The whole dibao procedure through the HTTP API, and every refusal on the way."""

import base64
from datetime import date, timedelta

from jiuzhu.applications.models import Application

from .conftest import MATERIALS, PNG, completed_verification, files

SIGN = "data:image/png;base64," + base64.b64encode(PNG).decode()


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


ASSIGN = {"investigators": ["i1", "i2"]}


def test_the_whole_path_to_approval(api, poor_household, clock, staff):
    verification = completed_verification(poor_household, staff["verifier"])
    app = create(api, poor_household)
    assert app["state"] == "submitted" and app["alert"] == "none"
    assert app["due_date"] == "2026-03-05"  # 3 working days
    assert [d["code"] for d in app["documents"]] == ["D01"]
    pk = app["id"]

    steps = [
        ("window", "accept", {}, "accepted"),
        ("reviewer", "assign_investigation", {"investigators": ["i1", "i2"]}, "accepted"),
        ("verifier", "record_verification", {"request_id": verification}, "accepted"),
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
    assert approved["state_label"] == "已批准" and approved["actions"] == []
    assert [(s["action"], s["from"], s["to"]) for s in approved["steps"][:2]] == [
        ("create", "submitted", "submitted"), ("accept", "submitted", "accepted")]
    assert approved["steps"][1]["label"] == "受理"
    assert api.get("approver", f"/api/v1/applications/{pk}").json()["actions"] == []
    assert api.get("window", f"/api/v1/applications/{pk}").json()["verification_manual"] is False
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


def test_a_founded_objection_sends_the_case_back(api, poor_household, clock, staff):
    verification = completed_verification(poor_household, staff["verifier"])
    pk = create(api, poor_household)["id"]
    api.act("window", pk, "accept")
    api.act("reviewer", pk, "assign_investigation", ASSIGN)
    api.act("verifier", pk, "record_verification", {"request_id": verification})
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
    api.act("reviewer", pk, "assign_investigation", ASSIGN)
    api.act("verifier", pk, "record_verification", {"report": {
        "summary": "核对系统停机，依据各部门出具的证明人工核对，无异常", "reason": "核对系统停机"},
        "files": files("核对原始材料")})
    api.act("investigator", pk, "record_investigation", investigation_body())
    api.act("assistant", pk, "record_appraisal",
            {"members_present": 13, "votes_for": 13, "votes_against": 0, "result": "pass"})
    assert api.act("reviewer", pk, "submit_opinion",
                   {"recommend": "refuse", "reasons": "收入超标"}).status_code == 200
    results = []
    for action in ("refuse", "refuse"):
        try:
            application_act(actor=staff["approver"], application_id=pk, action=action,
                            data={"reasons": "家庭收入超过标准"})
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.code)
    assert results == ["ok", "step_not_allowed"]
    # decided on a manual verification: the refusal (D14) says so
    import json

    from jiuzhu.documents.models import Document

    d14 = Document.objects.get(object_id=str(pk), code="D14")
    assert "人工核对" in json.dumps(d14.content, ensure_ascii=False)


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


# --- the law's guards in the table ------------------------------------------------------------

def test_the_survey_needs_an_assignment_first(api, poor_household, clock):
    pk = create(api, poor_household)["id"]
    api.act("window", pk, "accept")
    early = api.act("investigator", pk, "record_investigation", investigation_body())
    assert early.status_code == 409 and early.json()["code"] == "step_not_allowed"
    case = Application.objects.get(pk=pk)
    assert not case.investigation_recorded and not case.attachments.filter(kind="photo").exists()
    api.act("reviewer", pk, "assign_investigation", ASSIGN)
    assert api.act("investigator", pk, "record_investigation",
                   investigation_body()).status_code == 200


def test_a_typed_report_is_not_a_verification(api, poor_household, clock):
    pk = create(api, poor_household)["id"]
    api.act("window", pk, "accept")
    typed = api.act("verifier", pk, "record_verification", {"report": {"x": 1}})
    assert typed.status_code == 422
    assert {e["path"] for e in typed.json()["errors"]} == {"report.summary", "report.reason"}
    no_sources = api.act("verifier", pk, "record_verification",
                         {"report": {"summary": "无异常", "reason": "系统停机"}})
    assert no_sources.status_code == 422 and no_sources.json()["errors"][0]["path"] == "files"
    assert api.act("verifier", pk, "record_verification", {"request_id": 99999}).status_code == 422
    assert not Application.objects.get(pk=pk).verification_recorded


def test_a_manual_report_is_labelled_on_the_documents(api, poor_household, clock, staff):
    from jiuzhu.documents.models import Document

    pk = create(api, poor_household)["id"]
    api.act("window", pk, "accept")
    manual = api.act("verifier", pk, "record_verification", {
        "report": {"summary": "依据不动产、车辆证明核对无异常", "reason": "核对系统停机"},
        "files": files("核对原始材料")})
    assert manual.status_code == 200 and manual.json()["verification_manual"] is True
    case = Application.objects.get(pk=pk)
    assert case.verification["manual"] and case.verification["attachments"]
    assert "人工核对" in case.verification["conclusion"]
    import json

    d08 = Document.objects.filter(object_id=str(pk), code="D08").order_by("-version").first()
    assert d08 is not None and "人工核对" in json.dumps(d08.context, ensure_ascii=False)


def test_no_decision_without_a_completed_verification(api, poor_household, clock, staff):
    verification = completed_verification(poor_household, staff["verifier"])
    pk = create(api, poor_household)["id"]
    for who, action, body in [("window", "accept", {}),
                              ("reviewer", "assign_investigation", ASSIGN),
                              ("verifier", "record_verification", {"request_id": verification}),
                              ("investigator", "record_investigation", investigation_body()),
                              ("assistant", "record_appraisal",
                               {"members_present": 13, "votes_for": 13, "votes_against": 0,
                                "result": "pass"})]:
        assert api.act(who, pk, action, body).status_code == 200, action
    # the request is no longer a completed one of this household (e.g. re-run, failed)
    from jiuzhu.verification.models import VerificationRequest

    VerificationRequest.objects.filter(pk=verification).update(status="partial")
    refused = api.act("reviewer", pk, "submit_opinion", {"recommend": "approve"})
    assert refused.status_code == 409 and refused.json()["code"] == "verification_missing"
    assert Application.objects.get(pk=pk).state == "opinion"
    VerificationRequest.objects.filter(pk=verification).update(status="complete")
    assert api.act("reviewer", pk, "submit_opinion", {"recommend": "approve"}).status_code == 200


def test_no_second_application_for_an_item_open_or_received(api, poor_household, clock):
    first = create(api, poor_household)
    again = api.post("window", "/api/v1/applications",
                     {"household_id": poor_household.household_id, "item_code": "MZ01",
                      "channel": "window", "files": files(*MATERIALS)})
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "already_receiving" and first["number"] in body["message"]
    assert body["errors"][0]["path"] == "item_code" and first["number"] in body["errors"][0]["message"]
    Application.objects.filter(pk=first["id"]).update(state="in_payment")
    assert api.post("window", "/api/v1/applications",
                    {"household_id": poor_household.household_id, "item_code": "MZ01",
                     "channel": "window"}).json()["code"] == "already_receiving"
    Application.objects.filter(pk=first["id"]).update(state="stopped")
    assert create(api, poor_household)["number"] != first["number"]
    assert Application.objects.count() == 2
