"""Issue #10, items 7, 9 and 10: investigators are people of the township (two, assigned
from a list, with their 我的调查), the public notice is reachable and published once, the
opinion form shows the engine's amount, and the deciding body issues D13/D14 in its own
name and number series."""

from __future__ import annotations

import base64
import dataclasses
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.applications import services
from jiuzhu.applications.models import Application
from jiuzhu.applications.selectors import investigation_candidates
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.services import household_register
from jiuzhu.testing import UserFactory, household_dict, member_dict

from .conftest import MATERIALS, PDF, PNG, completed_verification

SIGN = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    state = {"today": date(2026, 3, 2)}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: state["today"])
    return state


@pytest.fixture
def people(staff, tree):
    """Besides ``staff``: a grid worker of the family's grid, one of another grid, and an
    investigator of the other township."""
    return {
        "grid": UserFactory(username="g1", full_name="网格员甲", role="grid_worker",
                            region=tree["grid1"]),
        "other_grid": UserFactory(username="g2", full_name="网格员乙", role="grid_worker",
                                  region=tree["grid2"]),
        "other_investigator": UserFactory(username="i9", full_name="外镇调查员",
                                          role="investigator", region=tree["town2"]),
    }


@pytest.fixture
def family(staff, tree):
    """A poor family of 第1村, placed in its 第1网格 (the grid worker sees it)."""
    return household_register(actor=staff["window"], grid_code=tree["grid1"].code,
                              data=household_dict(members=[
                                  member_dict(occupation="unemployed", health="serious_illness",
                                              income={"wages": 1200}),
                                  member_dict(member_id="M2", name="王五", relation="spouse",
                                              health="severe_disability", occupation="none")]))


def accepted(staff, household) -> Application:
    case = services.application_create(actor=staff["window"], household=household,
                                       item_code="MZ01", channel="window",
                                       files=[(m, f"{m}.pdf", PDF) for m in MATERIALS])
    return act(staff["window"], case, "accept")


def act(actor, case, action, data=None, files=None) -> Application:
    return services.application_act(actor=actor, application_id=case.pk, action=action,
                                    data=data or {}, files=files)


def survey(names) -> dict:
    return {"investigators": list(names), "location": {"lat": 30.1, "lng": 104.2},
            "signatures": {"investigator_1": SIGN, "investigator_2": SIGN, "applicant": SIGN},
            "neighbour_visits": [{"name": "邻居甲", "statement": "家中确有困难"}]}


def verified(staff, case, verifier_request: int) -> Application:
    """The verification recorded (unless acceptance already linked a completed one)."""
    case.refresh_from_db()
    if case.verification_recorded:
        return case
    return act(staff["verifier"], case, "record_verification", {"request_id": verifier_request})


def to_notice(staff, case, verifier_request: int) -> Application:
    verified(staff, case, verifier_request)
    act(staff["investigator"], case, "record_investigation", survey(["周明", "李强"]),
        [("入户照片", "p.png", PNG)])
    act(staff["assistant"], case, "record_appraisal",
        {"members_present": 13, "votes_for": 13, "votes_against": 0, "result": "pass"})
    act(staff["reviewer"], case, "submit_opinion", {"recommend": "approve"})
    return act(staff["reviewer"], case, "publish_notice")


# --- item 7: investigators are people ------------------------------------------------------

def test_the_choice_is_the_townships_people_who_see_the_family(staff, people, family):
    case = accepted(staff, family)
    chosen = investigation_candidates(case)
    # investigators first, then the village assistant and the grid worker of the family;
    # not another grid's worker, another township's investigator, or a window worker
    assert [u.username for u in chosen] == ["i1", "a1", "g1"]


def test_two_people_are_assigned_by_account_and_the_two_person_rule_is_checked(
        api, staff, people, family):
    case = accepted(staff, family)
    url = f"/api/v1/applications/{case.pk}/actions/assign_investigation"
    one = api.post("reviewer", url, {"investigator_ids": [staff["investigator"].pk]})
    assert one.status_code == 422 and one.json()["errors"][0]["path"] == "investigator_ids"
    twice = api.post("reviewer", url, {"investigator_ids": [staff["investigator"].pk] * 2})
    assert twice.status_code == 422
    stranger = api.post("reviewer", url, {"investigator_ids": [
        staff["investigator"].pk, people["other_investigator"].pk]})
    assert stranger.status_code == 422
    assert stranger.json()["errors"][0]["path"] == "investigator_ids"
    assert str(people["other_investigator"].pk) in stranger.json()["errors"][0]["message"]
    case.refresh_from_db()
    assert case.investigators == [] and not case.investigator_users.exists()

    done = api.post("reviewer", url, {"investigator_ids": [staff["investigator"].pk,
                                                            people["grid"].pk]})
    assert done.status_code == 200, done.content
    assert done.json()["investigators"] == [str(staff["investigator"]), "网格员甲"]
    assert "assign_investigation" not in done.json()["actions"]
    case.refresh_from_db()
    assert set(case.investigator_users.all()) == {staff["investigator"], people["grid"]}
    step = case.steps.get(action="assign_investigation")
    assert step.data["investigators"] == [str(staff["investigator"]), "网格员甲"]
    # assigned once: the form is no longer offered and a second assignment is refused
    again = api.post("reviewer", url, {"investigators": ["周明", "李强"]})
    assert again.status_code == 409 and again.json()["code"] == "step_not_allowed"
    assert "assign_investigation" not in services.actions_available(staff["reviewer"], case)


def test_typed_names_still_count_as_the_api_contract_says(api, staff, family):
    case = accepted(staff, family)
    response = api.act("reviewer", case.pk, "assign_investigation",
                       {"investigators": ["周明", "李强"]})
    assert response.status_code == 200
    assert response.json()["investigators"] == ["周明", "李强"]


def test_the_assign_form_lists_people_and_disappears_once_assigned(client, staff, people, family):
    case = accepted(staff, family)
    client.force_login(staff["reviewer"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert 'id="action-assign_investigation"' in page
    assert f'value="{people["grid"].pk}"' in page and "网格员甲（网格员 · 第1网格）" in page
    assert "外镇调查员" not in page and "网格员乙" not in page
    response = client.post(reverse("applications:act", args=[case.pk, "assign_investigation"]),
                           {"assign_investigation-investigators": [staff["investigator"].pk,
                                                                   people["grid"].pk]})
    assert response.status_code == 302
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert 'id="action-assign_investigation"' not in page
    assert "网格员甲" in page  # 已指派：…


def test_my_investigations_and_the_assigned_grid_worker_records_the_survey(
        client, staff, people, family):
    case = accepted(staff, family)
    act(staff["reviewer"], case, "assign_investigation",
        {"investigator_ids": [staff["investigator"].pk, people["grid"].pk]})
    url = reverse("applications:my_investigations")

    client.force_login(people["grid"])
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert case.number in content and family.address in content
    assert reverse("applications:investigate", args=[case.pk]) in content
    assert 'href="/applications/investigations/"' in client.get("/").content.decode()  # menu/home
    assert client.get(reverse("applications:investigate", args=[case.pk])).status_code == 200

    # not assigned: nothing in the list, and the survey is not theirs to record
    client.force_login(people["other_grid"])
    assert case.number not in client.get(url).content.decode()
    for who in ("window", "reviewer"):
        client.force_login(staff[who])
        assert client.get(url).status_code == 403
        assert 'href="/applications/investigations/"' not in client.get("/").content.decode()

    recorded = act(people["grid"], case, "record_investigation",
                   survey(["网格员甲", str(staff["investigator"])]), [("入户照片", "p.png", PNG)])
    assert recorded.investigation_recorded is True
    client.force_login(people["grid"])
    content = client.get(url).content.decode()
    assert 'data-testid="no-investigations"' in content and 'data-testid="done"' in content


# --- item 9: the public notice ---------------------------------------------------------------

def test_the_notice_is_published_once_and_reached_from_the_case(
        client, staff, people, family, clock):
    request = completed_verification(family, staff["verifier"])
    case = accepted(staff, family)
    act(staff["reviewer"], case, "assign_investigation", {"investigators": ["周明", "李强"]})
    case = to_notice(staff, case, request)
    assert case.notice_published_on == date(2026, 3, 2)
    assert "publish_notice" not in services.actions_available(staff["reviewer"], case)
    with pytest.raises(ServiceError) as refused:
        act(staff["reviewer"], case, "publish_notice")
    assert refused.value.code == "step_not_allowed"

    client.force_login(staff["reviewer"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    notice_url = reverse("notice:township", args=["990102001"])
    assert f'href="{notice_url}#n-{case.number}"' in page
    assert 'data-action="publish_notice"' not in page

    client.logout()
    board = client.get(notice_url).content.decode()
    assert f'id="n-{case.number}"' in board
    assert "第1村" in board and "张*" in board and "张三" not in board
    index = client.get(reverse("notice:index")).content.decode()
    assert f'href="{notice_url}"' in index and "第1镇" in index and "第2镇" in index
    assert reverse("notice:index") in client.get(reverse("accounts:login")).content.decode()


def test_the_opinion_form_shows_the_engines_amount(client, staff, family):
    from jiuzhu.assessments.services import household_snapshot, what_if

    request = completed_verification(family, staff["verifier"])
    case = accepted(staff, family)
    act(staff["reviewer"], case, "assign_investigation", {"investigators": ["周明", "李强"]})
    verified(staff, case, request)
    act(staff["investigator"], case, "record_investigation", survey(["周明", "李强"]),
        [("入户照片", "p.png", PNG)])
    case = act(staff["assistant"], case, "record_appraisal",
               {"members_present": 13, "votes_for": 13, "votes_against": 0, "result": "pass"})
    assert case.state == "opinion"
    expected = what_if(household_snapshot(family, on=date(2026, 3, 2)))
    assert expected["eligible"] is True
    client.force_login(staff["reviewer"])
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert 'data-testid="engine-summary"' in page
    assert f"月保障金 {expected['benefit_monthly']} 元" in page
    case = act(staff["reviewer"], case, "submit_opinion", {"recommend": "approve"})
    assert f"{case.engine_amount:.2f}" == expected["benefit_monthly"]


# --- item 10: the deciding body issues D13/D14 -------------------------------------------------

def _decided(staff, family, clock, decider, action="approve", data=None) -> Application:
    request = completed_verification(family, staff["verifier"])
    case = accepted(staff, family)
    act(staff["reviewer"], case, "assign_investigation", {"investigators": ["周明", "李强"]})
    case = to_notice(staff, case, request)
    clock["today"] = date(2026, 3, 9)
    act(staff["reviewer"], case, "close_notice")
    return act(decider, case, action, data)


def _document(case, code):
    from jiuzhu.documents.services import documents_for

    return next(d for d in documents_for(case) if d.code == code)


def test_the_county_bureau_issues_and_numbers_the_decision(staff, family, clock, tree):
    case = _decided(staff, family, clock, staff["approver"])
    d13 = _document(case, "D13")
    assert d13.office == tree["county"]
    assert d13.number.startswith("示范县民低〔2026〕第")
    assert d13.context["office"]["name"] == "示范县民政局"
    d12 = _document(case, "D12")  # the township's record stays the township's
    assert d12.office == tree["town1"] and d12.number.startswith("示范县第1镇")


def test_where_the_county_delegates_the_township_issues_the_decision(
        staff, family, clock, tree, monkeypatch):
    from jiuzhu.applications import procedure

    county = procedure.procedure_for("990102001")
    delegated = dataclasses.replace(county, approving_level="township")
    monkeypatch.setattr(procedure, "procedure_for", lambda code: delegated)
    case = _decided(staff, family, clock, staff["reviewer2"], "refuse",
                    {"reasons": "家庭存款高于规定"})
    d14 = _document(case, "D14")
    assert d14.office == tree["town1"]
    assert d14.number.startswith("示范县第1镇民低〔2026〕第")
    assert d14.context["office"]["name"].endswith("第1镇人民政府")
