"""The 大处方 of a registered household: service, API (50-api.md) and page."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from jiuzhu.accounts.services import token_create
from jiuzhu.applications.models import Application
from jiuzhu.assessments.prescription import household_prescription
from jiuzhu.audit.models import AuditEvent
from jiuzhu.households.services import household_register
from jiuzhu.rules.prescription import CODES
from jiuzhu.testing import household_dict, member_dict

CASES = Path(__file__).resolve().parents[2] / "rules" / "tests" / "cases"
EXPECTED = {e["household_id"]: e for e in
            json.loads((CASES / "prescriptions_expected.json").read_text(encoding="utf-8"))}


def _elderly_alone(window_worker, **extra):
    """A 76-year-old alone with nothing: special hardship (MZ03) and dibao."""
    return household_register(actor=window_worker, data=household_dict(
        members=[member_dict(birth=date(1950, 3, 3), occupation="none", care_level="partial")],
        **extra))


@pytest.fixture
def bearer(window_worker):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=window_worker)}"}


@pytest.fixture
def poor(window_worker):
    return _elderly_alone(window_worker)


@pytest.fixture
def well_off(window_worker):
    return household_register(actor=window_worker, data=household_dict(
        members=[member_dict(occupation="fixed_employment", income={"wages": 300000})]))


def test_api_gives_all_39_items_in_order(client, bearer, poor):
    response = client.get(f"/api/v1/households/{poor.pk}/prescription", **bearer)
    assert response.status_code == 200
    body = response.json()
    assert [e["item_code"] for e in body] == list(CODES)
    assert all(set(e) == {"item_code", "status", "reason", "order", "overlaps"} for e in body)
    by_code = {e["item_code"]: e for e in body}
    assert by_code["MZ03"]["status"] == "eligible"
    assert by_code["MZ01"]["status"] == "eligible"
    assert by_code["MZ01"]["overlaps"] == ["MZ03"]
    assert by_code["MZ01"]["reason"].startswith("家庭人均月收入 ")
    assert by_code["SF01"]["reason"] == "依申请办理"
    # by household number too
    again = client.get(f"/api/v1/households/{poor.household_id}/prescription", **bearer)
    assert again.json() == body


def test_api_is_404_outside_the_region_like_a_missing_household(client, other_window_worker, poor):
    other = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=other_window_worker)}"}
    outside = client.get(f"/api/v1/households/{poor.pk}/prescription", **other)
    missing = client.get("/api/v1/households/999999/prescription", **other)
    assert outside.status_code == missing.status_code == 404
    assert outside.json()["code"] == missing.json()["code"]


def test_api_needs_a_token(client, poor):
    assert client.get(f"/api/v1/households/{poor.pk}/prescription").status_code == 401


def test_reading_the_prescription_is_audited(window_worker, poor):
    before = AuditEvent.objects.filter(action="view").count()
    household_prescription(actor=window_worker, household=poor)
    assert AuditEvent.objects.filter(action="view").count() == before + 1


def test_an_open_application_makes_the_item_receiving(window_worker, poor):
    from jiuzhu.applications.services import application_create

    application_create(actor=window_worker, household=poor, item_code="MZ01", channel="window")
    result = household_prescription(actor=window_worker, household=poor)
    statuses = {e["item_code"]: e["status"] for e in result.entries}
    assert statuses["MZ01"] == "receiving"
    assert statuses["MZ03"] == "eligible"
    Application.objects.filter(household=poor).update(state="withdrawn")
    result = household_prescription(actor=window_worker, household=poor)
    assert {e["item_code"]: e["status"] for e in result.entries}["MZ01"] == "eligible"


def test_names_come_from_the_catalogue(window_worker, poor):
    from jiuzhu.catalogue.selectors import item_in_force

    result = household_prescription(actor=window_worker, household=poor)
    names = {e["item_code"]: e["item_name"] for e in result.entries}
    assert names["MZ05"] == item_in_force("MZ05").name


def test_registered_spec_example_matches_the_expected_statuses(window_worker, tree):
    """H00002 registered through the registry gives the spec's statuses (its own date)."""
    import yaml

    cases = {c["name"]: c["input"] for c in
             yaml.safe_load((CASES / "spec_examples.yaml").read_text(encoding="utf-8"))}
    data = cases["X-FL02-MZ09"]
    household = household_register(actor=window_worker, data=data)
    result = household_prescription(actor=window_worker, household=household,
                                    on=date.fromisoformat(data["assessment_date"]))
    got = [(e["item_code"], e["status"], e["order"], e["overlaps"]) for e in result.entries]
    expected = [(e["item_code"], e["status"], e["order"], e["overlaps"])
                for e in EXPECTED["X-FL02-MZ09"]["prescription"]]
    assert got == expected


def test_page_shows_badges_overlap_amounts_and_the_intake_button(client, window_worker, poor,
                                                                django_assert_max_num_queries):
    client.force_login(window_worker)
    url = reverse("assessments:prescription", args=[poor.pk])
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-item="') == 39
    assert 'data-item="MZ03" data-status="eligible"' in body
    assert "防止重复救助" in body
    assert 'data-testid="tekun"' in body
    assert 'name="items" value="MZ03"' in body
    assert re.search(r'value="MZ03" id="item-MZ03" aria-label="[^"]+" checked>', body)  # eligible: ticked
    # 依申请审核: the engine cannot decide legal aid; it may be ticked, and is not 不符合
    assert 'data-item="SF01" data-status="not_eligible" data-shown="on_request"' in body
    assert 'name="items" value="SF01" id="item-SF01" aria-label="法律援助">' in body
    assert "可申请（依申请审核）" in body
    not_eligible = re.findall(r'data-item="(\w+)" data-status="not_eligible" data-shown="not_eligible"',
                              body)
    assert not_eligible and all(f'value="{c}"' not in body for c in not_eligible)
    assert "为选中事项一并受理" in body
    assert f'name="household" value="{poor.pk}"' in body
    assert "data-print" in body  # the print button (page.js; no inline handler)
    assert 'data-testid="monitoring"' not in body


def test_page_tekun_amount_is_shown(client, window_worker, poor):
    client.force_login(window_worker)
    body = client.get(reverse("assessments:prescription", args=[poor.pk])).content.decode()
    # rural, today's parameters: round(1.3 × 720) + round(2000 / 6) = 936 + 333
    assert "1269.00" in body


def test_page_for_a_household_eligible_for_nothing_shows_monitoring(client, window_worker,
                                                                    well_off):
    from jiuzhu.assessments.services import assessment_run

    assessment_run(actor=window_worker, household=well_off)
    client.force_login(window_worker)
    body = client.get(reverse("assessments:prescription", args=[well_off.pk])).content.decode()
    assert 'data-testid="monitoring"' in body
    assert "圈外" in body
    assert "信息留痕" in body


def test_page_is_404_outside_the_region(client, other_window_worker, poor):
    client.force_login(other_window_worker)
    assert client.get(reverse("assessments:prescription", args=[poor.pk])).status_code == 404


def test_page_groups_by_department_and_folds_what_has_nothing_to_do(client, window_worker, poor):
    client.force_login(window_worker)
    body = client.get(reverse("assessments:prescription", args=[poor.pk])).content.decode()
    groups = re.findall(r'<details class="jz-card rx-group[^>]*data-department="([^"]+)"([^>]*)>', body)
    assert len(groups) == 12 and len({name for name, _open in groups}) == 12
    assert dict(groups)["民政局"] == " open"
    assert any(opened == "" for _name, opened in groups)  # all 不符合: folded
    assert 'data-testid="rx-bar"' in body


def test_ticked_items_open_at_the_window_in_one_request(client, window_worker, poor):
    from jiuzhu.intake.models import Request

    client.force_login(window_worker)
    body = client.get(reverse("assessments:prescription", args=[poor.pk])).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)"[^>]*data-testid="prescription-form"',
                       body).group(1)
    assert action == reverse("intake:from_prescription")
    response = client.post(action, {"household": poor.pk, "items": ["MZ03", "SF01"]})
    request = Request.objects.get(household=poor)
    assert response.status_code == 302 and response.url == reverse("intake:detail", args=[request.pk])
    assert sorted(request.items.values_list("item_code", flat=True)) == ["MZ03", "SF01"]
    assert request.channel == "window"


def test_one_step_intake_refusals_change_nothing(client, window_worker, other_window_worker, poor):
    from jiuzhu.intake.models import Request

    url = reverse("intake:from_prescription")
    client.force_login(window_worker)
    nothing = client.post(url, {"household": poor.pk})
    assert nothing.url == reverse("assessments:prescription", args=[poor.pk])
    unknown = client.post(url, {"household": poor.pk, "items": ["MZ03", "XX99"]})
    assert unknown.status_code == 302 and reverse("intake:create") in unknown.url
    assert "items=MZ03" in unknown.url
    client.force_login(other_window_worker)
    assert client.post(url, {"household": poor.pk, "items": ["MZ03"]}).status_code == 404
    assert not Request.objects.filter(household=poor).exists()
