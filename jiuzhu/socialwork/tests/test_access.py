"""Who sees what: socialworker1 sees only the cases assigned to them (pages and API), gets
404 for a household page, the household API and another worker's case, and never reads an
ID number or an income; staff see their region's cases; roles get 403."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from jiuzhu.socialwork import services
from jiuzhu.testing import PASSWORD, ApiClient

from .conftest import make_household, standing

pytestmark = pytest.mark.django_db

ACTIONS = "/api/v1/socialwork/cases/{id}/actions/{action}"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                       "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


@pytest.fixture
def cases(tree, staff, org, worker, colleague, media):
    mine = make_household()
    standing(mine, circle=3, index=4321, per_capita=23456)
    theirs = make_household()
    own = services.case_open(actor=staff["window"], household=mine, phase="before",
                             trigger="circle", social_worker=worker, summary="独居老人需照料")
    services.case_act(actor=staff["window"], case=own, action="plan", data={"needs": [
        {"kind": "care", "description": "助洁助浴", "goals": [{"text": "每周上门一次"}]}]})
    other = services.case_open(actor=staff["window"], household=theirs, phase="before",
                               trigger="circle", social_worker=colleague)
    return {"own": own, "other": other, "mine": mine, "theirs": theirs}


def _secrets(household):
    ids = [m.id_number for m in household.members.all()]
    assert ids and all(ids)
    return [*ids, "23456", "234.56", "收入", "身份证"]


def test_the_social_worker_sees_only_their_cases_and_nothing_secret(client, cases, worker):
    assert client.login(username=worker.username, password=PASSWORD)
    own, other = cases["own"], cases["other"]
    pages = [reverse("socialwork:mine"), reverse("socialwork:detail", args=[own.pk]),
             reverse("socialwork:visit", args=[own.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in _secrets(cases["mine"]):
            assert secret not in html, (url, secret)
        assert reverse("households:detail", args=[cases["mine"].pk]) not in html
    mine_html = client.get(reverse("socialwork:mine")).content.decode()
    # the contact's phone masked, no tel: link (a social worker may not reveal personal data)
    assert own.contact_name in mine_html and "139****1111" in mine_html
    assert "13900001111" not in mine_html and "tel:" not in mine_html
    assert f'data-case="{other.pk}"' not in mine_html
    assert client.get(reverse("socialwork:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("socialwork:visit", args=[other.pk])).status_code == 404
    assert client.get(reverse("households:detail", args=[cases["mine"].pk])).status_code == 404
    assert client.get(reverse("socialwork:list")).status_code == 403
    assert client.get(reverse("socialwork:candidates")).status_code == 403
    assert client.post(reverse("socialwork:act", args=[other.pk, "close"]),
                       {"note": "x"}).status_code == 404


def test_the_social_worker_api(client, cases, worker, staff):
    api = ApiClient(client, {"sw": worker, "window": staff["window"]}, ACTIONS)
    own, other = cases["own"], cases["other"]
    listed = api.get("sw", "/api/v1/socialwork/cases")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["results"]] == [own.pk]
    detail = api.get("sw", f"/api/v1/socialwork/cases/{own.pk}")
    assert detail.status_code == 200
    body = json.dumps(detail.json(), ensure_ascii=False) + json.dumps(listed.json(), ensure_ascii=False)
    for secret in _secrets(cases["mine"]):
        assert secret not in body
    assert detail.json()["needs"][0]["kind_label"] == "生活照料"
    assert api.get("sw", f"/api/v1/socialwork/cases/{other.pk}").status_code == 404
    assert api.act("sw", other.pk, "record_visit", {}).status_code == 404
    assert api.get("sw", f"/api/v1/households/{cases['mine'].pk}").status_code in (403, 404)
    assert api.post("sw", "/api/v1/socialwork/cases", {
        "household_id": cases["theirs"].pk, "phase": "before", "trigger": "circle"}).status_code == 403
    # a visit with a photo from the phone
    done = api.act("sw", own.pk, "record_visit", {
        "done_on": "2026-03-02", "kind": "home", "notes": "入户了解照料需求",
        "next_due_on": "2026-04-02",
        "photos": [{"name": "a.png", "content_base64": base64.b64encode(PNG).decode()}]})
    assert done.status_code == 200, done.content
    visits = done.json()["visits"]
    assert [(v["done_on"], v["photos"]) for v in visits if v["done_on"]] == [("2026-03-02", 1)]
    assert done.json()["next_visit_due"] == "2026-04-02"
    bad = api.act("sw", own.pk, "record_visit", {"kind": "home", "notes": ""})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} >= {"done_on", "notes"}
    assert api.act("sw", own.pk, "assign", {"social_worker": "socialworker1"}).status_code == 403
    assert api.act("sw", own.pk, "fly", {}).status_code == 404
    goal = own.needs.get().goals.get()
    refused = api.act("sw", own.pk, "close", {"note": "结案"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == f"outcomes.{goal.pk}"
    closed = api.act("sw", own.pk, "close", {"note": "结案", "outcomes": {str(goal.pk): "achieved"}})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert api.act("sw", own.pk, "refer", {"target": "department", "name": "县医保局"}).status_code == 409


def test_another_organisation_gets_404(client, cases, stranger):
    api = ApiClient(client, {"x": stranger}, ACTIONS)
    assert api.get("x", "/api/v1/socialwork/cases").json()["count"] == 0
    assert api.get("x", f"/api/v1/socialwork/cases/{cases['own'].pk}").status_code == 404
    assert client.login(username=stranger.username, password=PASSWORD)
    assert client.get(reverse("socialwork:detail", args=[cases["own"].pk])).status_code == 404


def test_staff_see_their_region(client, cases, staff):
    api = ApiClient(client, {"window": staff["window"], "far": staff["other_window"],
                             "grid": staff["grid"]}, ACTIONS)
    assert api.get("window", "/api/v1/socialwork/cases").json()["count"] == 2
    assert api.get("far", "/api/v1/socialwork/cases").json()["count"] == 0
    assert api.get("far", f"/api/v1/socialwork/cases/{cases['own'].pk}").status_code == 404
    assert api.get("grid", "/api/v1/socialwork/cases").status_code == 403
    created = api.post("window", "/api/v1/socialwork/cases", {
        "household_id": make_household().pk, "phase": "before", "trigger": "hardship"})
    assert created.status_code == 201 and created.json()["social_worker"] == "socialworker1"
    wrong = api.post("window", "/api/v1/socialwork/cases", {
        "household_id": make_household().pk, "phase": "during", "trigger": "emergency"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["path"] == "emergency_case_id"
    assert client.login(username="window1", password=PASSWORD)
    listing = client.get(reverse("socialwork:list"))
    assert listing.status_code == 200 and cases["own"].number in listing.content.decode()
    assert client.get(reverse("socialwork:list") + "?export=xlsx").status_code == 200
    assert client.get(reverse("socialwork:candidates")).status_code == 200
    assert client.get(reverse("socialwork:open")).status_code == 200
    detail = client.get(reverse("socialwork:detail", args=[cases["own"].pk]))
    assert detail.status_code == 200 and 'data-testid="close-form"' in detail.content.decode()
