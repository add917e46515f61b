"""/api/v1/reviews and /api/v1/tipoffs: the pages' visibility and roles over HTTP."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.households.services import household_register
from jiuzhu.payments.tests.test_api import approved_case
from jiuzhu.supervision.models import ReviewTask, TipOff
from jiuzhu.supervision.services import review_schedule, tipoff_record
from jiuzhu.testing import ApiClient, UserFactory, household_dict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def users(tree):
    town1, town2 = tree["town1"], tree["town2"]
    return {
        "window": UserFactory(username="w1", role="window_worker", region=town1),
        "reviewer": UserFactory(username="r1", role="township_reviewer", region=town1),
        "other_reviewer": UserFactory(username="r2", role="township_reviewer", region=town2),
        "supervisor": UserFactory(username="s1", role="supervisor", region=town1),
        "other_supervisor": UserFactory(username="s2", role="supervisor", region=town2),
    }


@pytest.fixture
def api(client, users):
    return ApiClient(client, users, "/api/v1/tipoffs/{id}/actions/{action}")


@pytest.fixture
def case(users, tree):
    household = household_register(actor=users["window"], data=household_dict())
    return approved_case(household, tree["town1"], state="in_payment")


@pytest.fixture
def task(case):
    return review_schedule(case)


@pytest.fixture
def tip_off(case, users):
    return tipoff_record(actor=users["supervisor"], household=case.household, source="phone",
                         content="群众反映该户有人在外务工", received_on=date(2026, 6, 10))


def test_anonymous_is_401(client, task, tip_off):
    for path in ("/api/v1/reviews", f"/api/v1/reviews/{task.pk}", "/api/v1/tipoffs",
                 f"/api/v1/tipoffs/{tip_off.pk}"):
        response = client.get(path)
        assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    assert client.post(f"/api/v1/reviews/{task.pk}/run").status_code == 401


# --- reviews ---------------------------------------------------------------------------------

def test_a_reviewer_lists_reads_and_runs_a_review(api, task):
    listed = api.get("reviewer", "/api/v1/reviews").json()
    assert [t["id"] for t in listed["items"]] == [task.pk]
    got = api.get("reviewer", f"/api/v1/reviews/{task.pk}")
    assert got.status_code == 200 and got.json()["status"] == "open"
    ran = api.post("reviewer", f"/api/v1/reviews/{task.pk}/run")
    assert ran.status_code == 200, ran.content
    body = ran.json()
    assert body["status"] == "done" and body["outcome"]
    assert "D18" in {d["code"] for d in body["documents"]}
    again = api.post("reviewer", f"/api/v1/reviews/{task.pk}/run")
    assert again.status_code == 409 and again.json()["code"] == "step_not_allowed"


def test_reviews_of_another_township_are_404_and_roles_403(api, task):
    assert api.get("other_reviewer", f"/api/v1/reviews/{task.pk}").status_code == 404
    assert api.post("other_reviewer", f"/api/v1/reviews/{task.pk}/run").status_code == 404
    assert api.get("other_reviewer", "/api/v1/reviews").json()["items"] == []
    assert api.get("window", "/api/v1/reviews").status_code == 403
    assert api.get("window", f"/api/v1/reviews/{task.pk}").status_code == 403
    refused = api.post("supervisor", f"/api/v1/reviews/{task.pk}/run")  # may read, not run
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert ReviewTask.objects.get(pk=task.pk).status == "open"


def test_the_statement_notice_names_a_missing_field(api, task, case):
    bad = api.post("reviewer", f"/api/v1/reviews/{task.pk}/statement", {"decision": "停发"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"path": "facts", "message": "必填项"}]
    done = api.post("reviewer", f"/api/v1/reviews/{task.pk}/statement",
                    {"decision": "停发", "facts": "家庭收入超过标准"})
    assert done.status_code == 200
    assert "D23" in {d["code"] for d in done.json()["documents"]}


# --- tip-offs --------------------------------------------------------------------------------

def test_a_supervisor_records_a_tip_off_and_acts_on_it(api, case):
    created = api.post("supervisor", "/api/v1/tipoffs", {
        "household_id": case.household.household_id, "source": "phone",
        "received_on": "2026-06-10", "content": "群众反映该户有人在外务工"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["application"]["id"] == case.pk
    assert [e["action"] for e in body["events"]] == ["record"]
    listed = api.get("supervisor", "/api/v1/tipoffs").json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    interviewed = api.act("supervisor", body["id"], "interview", {
        "reason": "核实务工收入", "scheduled_at": "2026-06-15 09:00", "place": "第1镇民政办"})
    assert interviewed.status_code == 200, interviewed.content
    assert "D20" in {d["code"] for d in interviewed.json()["documents"]}
    closed = api.act("supervisor", body["id"], "close",
                     {"summary": "经核实，务工收入未超过标准", "decision": "none"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = api.act("supervisor", body["id"], "interview",
                   {"reason": "x", "scheduled_at": "x", "place": "x"})
    assert late.status_code == 409 and late.json()["code"] == "step_not_allowed"


def test_tip_offs_of_another_township_are_404_and_roles_403(api, tip_off, case):
    assert api.get("other_supervisor", f"/api/v1/tipoffs/{tip_off.pk}").status_code == 404
    assert api.act("other_supervisor", tip_off.pk, "interview", {
        "reason": "x", "scheduled_at": "x", "place": "x"}).status_code == 404
    assert api.get("other_supervisor", "/api/v1/tipoffs").json()["items"] == []
    created = api.post("other_supervisor", "/api/v1/tipoffs", {
        "household_id": case.household.household_id, "source": "phone",
        "received_on": "2026-06-10", "content": "x"})
    assert created.status_code == 404
    assert api.get("reviewer", f"/api/v1/tipoffs/{tip_off.pk}").status_code == 403
    assert api.get("reviewer", "/api/v1/tipoffs").status_code == 403
    refused = api.act("reviewer", tip_off.pk, "close", {"summary": "x", "decision": "none"})
    assert refused.status_code == 403
    assert api.post("window", "/api/v1/tipoffs", {
        "household_id": case.household.household_id, "source": "phone",
        "received_on": "2026-06-10", "content": "x"}).status_code == 403
    assert TipOff.objects.get().status == "open" and TipOff.objects.count() == 1


def test_tip_off_bodies_name_the_wrong_field(api, tip_off, case):
    bad = api.post("supervisor", "/api/v1/tipoffs", {
        "household_id": case.household.household_id, "source": "pigeon",
        "received_on": "2026-06-10", "content": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "source"
    bad = api.act("supervisor", tip_off.pk, "interview", {"reason": "核实", "place": "民政办"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"path": "scheduled_at", "message": "必填项"}]
    bad = api.act("supervisor", tip_off.pk, "recover",
                  {"from_month": "April", "to_month": "2026-05", "reasons": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "from_month"
    assert api.act("supervisor", tip_off.pk, "fly", {}).status_code == 404
    assert [e.action for e in TipOff.objects.get().events.all()] == ["record"]
