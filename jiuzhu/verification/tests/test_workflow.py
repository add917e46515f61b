"""The verification request's transition table, pair by pair: ``run`` (重新查询) through the
API as a superuser — 409 with nothing changed where the table does not allow it — and
``answer``, the task worker's row, from every state; no user may take ``answer``."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from jiuzhu.accounts.services import token_create
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.verification.models import VerificationRequest
from jiuzhu.verification.services import WORKFLOW, verification_request_create

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db

RUN_PAIRS = [(state, allowed) for state, action, allowed in WORKFLOW.pairs() if action == "run"]


@pytest.fixture
def pending(officer, household):
    return verification_request_create(actor=officer, household=household,
                                       authorisation=pdf_upload(), sources=["hukou"])


def _snapshot(pk: int) -> tuple:
    return model_to_dict(VerificationRequest.objects.get(pk=pk)), AuditEvent.objects.count()


@pytest.mark.parametrize("state, allowed", RUN_PAIRS, ids=[s for s, _ in RUN_PAIRS])
def test_run_in_every_state(client, superuser, pending, state, allowed):
    VerificationRequest.objects.filter(pk=pending.pk).update(status=state)
    bearer = f"Bearer {token_create(user=superuser)}"
    before = _snapshot(pending.pk)
    response = client.post(f"/api/v1/verification/requests/{pending.pk}/run",
                           HTTP_AUTHORIZATION=bearer)
    if allowed:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 409 and response.json()["code"] == "step_not_allowed"
        assert _snapshot(pending.pk) == before


@pytest.mark.parametrize("state", WORKFLOW.states)
def test_the_answer_of_a_run_from_every_state(pending, state):
    VerificationRequest.objects.filter(pk=pending.pk).update(status=state)
    answered = WORKFLOW.perform(actor=SYSTEM, obj=pending.pk, action="answer")
    assert answered.status == "failed"  # no source answered yet (nothing was asked)


def test_no_user_takes_the_answer_row(officer, pending):
    with pytest.raises(ServiceError) as refused:
        WORKFLOW.perform(actor=officer, obj=pending.pk, action="answer")
    assert refused.value.status == 403
    assert [a.name for a in WORKFLOW.available(officer, pending)] == ["run"]
