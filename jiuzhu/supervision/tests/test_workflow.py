"""The transition tables of reviews and tip-offs, pair by pair through the API as a
superuser (so only the table decides): an illegal pair is 409 ``step_not_allowed`` with
nothing changed; a legal one is never refused for its state. Rows taken only by another
action (a review ended because its case stopped) are refused to every user."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.forms.models import model_to_dict

from jiuzhu.accounts.services import token_create
from jiuzhu.applications.models import ApplicationStep
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.documents.models import Document
from jiuzhu.supervision.models import ReviewTask, TipOff, TipOffEvent
from jiuzhu.supervision.services import (
    REVIEW_WORKFLOW,
    TIPOFF_WORKFLOW,
    tipoff_statement_notice,
)

from . import test_api as fixtures

# the fixtures of the API tests: users, a case in payment, its review task and a tip-off
users, media, case = fixtures.users, fixtures.media, fixtures.case
task, tip_off = fixtures.task, fixtures.tip_off

pytestmark = pytest.mark.django_db

BODIES = {
    "interview": {"reason": "核实收入", "scheduled_at": "2026-06-15 09:00", "place": "民政办"},
    "suspend": {"reasons": "核查期间暂停"},
    "statement": {"decision": "责令退还", "facts": "隐瞒收入"},
    "recover": {"from_month": "2026-04", "to_month": "2026-05", "reasons": "隐瞒收入"},
    "close": {"summary": "经核实情况属实", "decision": "none"},
    "run": {},
}
PAIRS = [(workflow, state, action, allowed)
         for workflow in (REVIEW_WORKFLOW, TIPOFF_WORKFLOW)
         for state, action, allowed in workflow.pairs() if workflow.action(action).permission]


def test_every_user_row_has_a_sample_body():
    assert {a for _w, _s, a, _ok in PAIRS} == set(BODIES)


def _snapshot() -> tuple:
    return ([model_to_dict(t) for t in TipOff.objects.order_by("pk")],
            [model_to_dict(t) for t in ReviewTask.objects.order_by("pk")],
            TipOffEvent.objects.count(), ApplicationStep.objects.count(),
            Document.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def checked(tip_off, users):
    """A tip-off whose statement-and-defence notice (D23) was issued."""
    return tipoff_statement_notice(actor=users["supervisor"], tip_off=tip_off,
                                   decision="责令退还", facts="隐瞒收入", today=date(2026, 6, 11))


@pytest.mark.parametrize("workflow, state, action, allowed", PAIRS,
                         ids=[f"{w.name}-{s}-{a}" for w, s, a, _ in PAIRS])
def test_state_action_pair(request, client, superuser, workflow, state, action, allowed):
    if workflow is REVIEW_WORKFLOW:
        obj = request.getfixturevalue("task")
        path = f"/api/v1/reviews/{obj.pk}/run"
    else:
        obj = request.getfixturevalue("checked")
        path = f"/api/v1/tipoffs/{obj.pk}/actions/{action}"
    type(obj).objects.filter(pk=obj.pk).update(status=state)
    bearer = f"Bearer {token_create(user=superuser)}"
    before = _snapshot()
    response = client.post(path, data=json.dumps(BODIES[action]), content_type="application/json",
                           HTTP_AUTHORIZATION=bearer)
    if allowed:
        assert response.status_code in (200, 422), response.content
    else:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "step_not_allowed"
        assert _snapshot() == before


def test_a_review_ended_with_its_case_is_the_systems_row(superuser, task):
    with pytest.raises(ServiceError) as refused:
        REVIEW_WORKFLOW.perform(actor=superuser, obj=task.pk, action="close_with_case")
    assert refused.value.status == 403
    assert [a.name for a in REVIEW_WORKFLOW.available(superuser, task)] == ["run"]
