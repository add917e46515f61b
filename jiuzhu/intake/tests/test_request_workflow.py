"""The intake request's own transition table (``REQUEST_WORKFLOW``), pair by pair: the
window's ``take`` and the system's ``close`` from every state — an illegal pair is 409
``step_not_allowed`` with nothing changed, a legal one moves the request and is audited;
no user closes a request (it closes by itself once every item has an outcome); the take
form is offered only while a request awaits the window."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.intake.models import ItemStep, Request, RequestItem
from jiuzhu.intake.services import REQUEST_WORKFLOW, request_submit_online, request_take
from jiuzhu.testing import household_dict, member_dict

pytestmark = pytest.mark.django_db

PAIRS = REQUEST_WORKFLOW.pairs()


@pytest.fixture
def online(staff):
    return request_submit_online(household_data=household_dict(members=[member_dict(name="赵网办")]),
                                 applicant={"name": "赵网办"}, items=["JY02"])


def _snapshot(pk: int) -> tuple:
    return (model_to_dict(Request.objects.get(pk=pk)), RequestItem.objects.count(),
            ItemStep.objects.count(), AuditEvent.objects.count())


def _act(action: str, request: Request, staff) -> Request:
    if action == "take":
        return request_take(actor=staff["window"], request=request, household=None)
    return REQUEST_WORKFLOW.perform(actor=SYSTEM, obj=request.pk, action=action)


@pytest.mark.parametrize("state, action, allowed", PAIRS, ids=[f"{s}-{a}" for s, a, _ in PAIRS])
def test_state_action_pair(staff, online, state, action, allowed):
    Request.objects.filter(pk=online.pk).update(status=state)
    online.refresh_from_db()
    before = _snapshot(online.pk)
    if not allowed:
        with pytest.raises(ServiceError) as refused:
            _act(action, online, staff)
        assert refused.value.status == 409 and refused.value.code == "step_not_allowed"
        assert _snapshot(online.pk) == before
        return
    done = _act(action, online, staff)
    assert Request.objects.get(pk=online.pk).status == REQUEST_WORKFLOW.action(action).target
    assert AuditEvent.objects.filter(action="update", object_id=str(done.pk)).exists()


def test_no_user_closes_a_request_and_the_take_is_the_windows(staff, online):
    with pytest.raises(ServiceError) as refused:
        REQUEST_WORKFLOW.perform(actor=staff["window"], obj=online.pk, action="close")
    assert refused.value.status == 403
    with pytest.raises(ServiceError) as not_window:
        request_take(actor=staff["reviewer"], request=online, household=None)
    assert not_window.value.status == 403
    assert [a.name for a in REQUEST_WORKFLOW.available(staff["window"], online)] == ["take"]
    assert REQUEST_WORKFLOW.available(staff["reviewer"], online) == []


def test_the_take_form_is_offered_only_while_awaiting_the_window(client, staff, online, password):
    assert client.login(username=staff["window"].username, password=password)
    url = reverse("intake:detail", args=[online.pk])
    assert 'data-testid="take"' in client.get(url).content.decode()
    request_take(actor=staff["window"], request=online, household=None)
    assert 'data-testid="take"' not in client.get(url).content.decode()
