"""The findings' transition table (``FINDING_WORKFLOW``), pair by pair through the API as a
superuser (so only the table decides): an illegal pair is 409 ``step_not_allowed`` with
nothing changed (the finding, the household, the audit); a legal one decides the finding
and is audited. The report offers only the decisions the table allows: an accept the
registry cannot take is a disabled button saying why, a decided finding offers none."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from jiuzhu.accounts.services import token_create
from jiuzhu.audit.models import AuditEvent
from jiuzhu.verification.models import Finding
from jiuzhu.verification.services import (
    FINDING_WORKFLOW,
    finding_dismiss,
    verification_request_create,
    verification_run,
)

from .conftest import id_of, pdf_upload, write_csv

pytestmark = pytest.mark.django_db

PAIRS = FINDING_WORKFLOW.pairs()


@pytest.fixture
def finding(officer, household, exports):
    """A hidden car (the registry can take it)."""
    write_csv(exports, "vehicles", [["身份证号", "号牌号码", "车辆类型", "评估价值"],
                                    [id_of(household, "M1"), "示A12345", "小型轿车", "85000"]])
    request = verification_request_create(actor=officer, household=household,
                                          authorisation=pdf_upload(), sources=["vehicles"])
    return verification_run(request=request).findings.get()


def _snapshot(finding: Finding) -> tuple:
    household = finding.request.household
    return (model_to_dict(Finding.objects.get(pk=finding.pk)), household.vehicles.count(),
            household.history.count(), AuditEvent.objects.count())


@pytest.mark.parametrize("state, action, allowed", PAIRS, ids=[f"{s}-{a}" for s, a, _ in PAIRS])
def test_state_action_pair(client, superuser, finding, state, action, allowed):
    Finding.objects.filter(pk=finding.pk).update(status=state)
    bearer = f"Bearer {token_create(user=superuser)}"
    before = _snapshot(finding)
    response = client.post(f"/api/v1/verification/findings/{finding.pk}/decide",
                           data=json.dumps({"decision": action, "reason": "核实"}),
                           content_type="application/json", HTTP_AUTHORIZATION=bearer)
    if allowed:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == FINDING_WORKFLOW.action(action).target
        assert AuditEvent.objects.filter(action="decide").count() == 1
    else:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "step_not_allowed"
        assert _snapshot(finding) == before


def test_the_decisions_offered(officer, window_worker, finding):
    assert [(o.name, o.allowed) for o in FINDING_WORKFLOW.offers(officer, finding)] == [
        ("accept", True), ("dismiss", True)]
    assert FINDING_WORKFLOW.offers(window_worker, finding) == []  # not a verifier
    Finding.objects.filter(pk=finding.pk).update(applicable=False)
    finding.refresh_from_db()
    accept, dismiss = FINDING_WORKFLOW.offers(officer, finding)
    assert not accept.allowed and "不能自动更新家庭信息" in accept.reason and dismiss.allowed
    assert [a.name for a in FINDING_WORKFLOW.available(officer, finding)] == ["dismiss"]
    finding_dismiss(actor=officer, finding=finding, reason="已过户")
    finding.refresh_from_db()
    assert FINDING_WORKFLOW.offers(officer, finding) == []


def test_the_report_shows_the_offered_decisions(client, officer, finding, password):
    assert client.login(username=officer.username, password=password)
    url = reverse("verification:detail", args=[finding.request_id])
    page = client.get(url).content.decode()
    assert 'value="accept"' in page and 'value="dismiss"' in page and " disabled " not in page
    Finding.objects.filter(pk=finding.pk).update(applicable=False)
    page = client.get(url).content.decode()
    assert 'value="accept" class="btn btn-sm btn-danger" disabled title="' in page
    finding_dismiss(actor=officer, finding=finding, reason="已过户")
    page = client.get(url).content.decode()
    assert 'value="accept"' not in page and 'value="dismiss"' not in page
