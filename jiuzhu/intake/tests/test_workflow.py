"""The intake items' transition table, tested pair by pair: every state × action of
``WORKFLOW`` through the API, as a superuser (so only the table decides) — an illegal
pair is 409 ``step_not_allowed`` with nothing changed, a legal one is never 409."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from jiuzhu.audit.models import AuditEvent
from jiuzhu.intake.models import CoHandler, ItemStep, RequestItem
from jiuzhu.intake.services import WORKFLOW, request_create
from jiuzhu.testing import ApiClient

from .conftest import PNG

#: A valid body of each action (on a JY item).
BODIES = {
    "accept": {"note": "收到"},
    "request_more": {"missing": ["学籍证明"]},
    "resubmit": {"materials": ["学籍证明"]},
    "finish": {"result": "granted", "note": "予以资助", "amount": "500"},
    "return": {"reason": "不符合条件"},
    "add_cohandler": {"departments": ["CL"]},
    "cohandle_finish": {"result": "granted", "note": "x", "department": "CL"},
    "decided": {},  # the system's row: refused (422) without the deciding application
}


def test_every_action_has_a_sample_body():
    assert set(BODIES) == {action.name for action in WORKFLOW}


@pytest.fixture
def item(staff, family):
    request = request_create(actor=staff["window"], household=family, items=["JY02"],
                             channel="window", materials={"JY02": ["学籍证明"]},
                             files=[("学籍证明", "x.png", PNG)])
    return request.items.get()


def _snapshot(pk: int) -> tuple:
    row = RequestItem.objects.get(pk=pk)
    return (model_to_dict(row), ItemStep.objects.filter(item=row).count(),
            CoHandler.objects.filter(item=row).count(), AuditEvent.objects.count())


@pytest.mark.parametrize("state, action, allowed", WORKFLOW.pairs(),
                         ids=[f"{s}-{a}" for s, a, _ in WORKFLOW.pairs()])
def test_state_action_pair(client, superuser, item, state, action, allowed):
    RequestItem.objects.filter(pk=item.pk).update(state=state)
    api = ApiClient(client, {"admin": superuser}, "/api/v1/intake/items/{id}/actions/{action}")
    before = _snapshot(item.pk)
    response = api.act("admin", item.pk, action, BODIES[action])
    if allowed:
        assert response.status_code != 409, response.content
        assert response.status_code in (200, 422), response.content
    else:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "step_not_allowed"
        assert _snapshot(item.pk) == before
