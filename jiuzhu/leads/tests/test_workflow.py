"""The transition tables of leads and visit tasks, tested pair by pair: every state ×
action a user may take, as a superuser (so only the table decides) — an illegal pair is
409 ``step_not_allowed`` with nothing changed, a legal one is never 409. Rows taken only by
another row's handler (a visit closing its lead, a close withdrawing a task) are refused
to every user."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.errors import ServiceError
from jiuzhu.leads.models import Lead, LeadEvent
from jiuzhu.leads.services import LEAD_WORKFLOW, VISIT_WORKFLOW, lead_convert, lead_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "media")]

BODIES = {
    ("leads", "convert"): {"health": "healthy", "occupation": "none"},
    ("leads", "close"): {"outcome": "already_assisted", "note": "已在保障"},
    ("visits", "record"): {"visited_on": "2026-03-02", "findings": "独居", "outcome": "not_eligible"},
}
USER_ROWS = [(workflow, state, action, allowed)
             for workflow in (LEAD_WORKFLOW, VISIT_WORKFLOW)
             for state, action, allowed in workflow.pairs()
             if workflow.action(action).permission]


def test_every_user_row_has_a_sample_body():
    assert {(w.name, a) for w, _s, a, _ok in USER_ROWS} == set(BODIES)


@pytest.fixture
def lead(window_worker, grid_worker, lead_data):
    return lead_record(actor=window_worker, data=lead_data)


@pytest.fixture
def task(window_worker, lead):
    return lead_convert(actor=window_worker, lead=lead, health="healthy", occupation="none")


def _snapshot(lead_id: int) -> tuple:
    lead = Lead.objects.get(pk=lead_id)
    return (model_to_dict(lead), [model_to_dict(t) for t in lead.tasks.order_by("pk")],
            LeadEvent.objects.count(), AuditEvent.objects.count())


@pytest.mark.parametrize("workflow, state, action, allowed", USER_ROWS,
                         ids=[f"{w.name}-{s}-{a}" for w, s, a, _ in USER_ROWS])
def test_state_action_pair(request, superuser, workflow, state, action, allowed):
    # a lead not converted yet (its tasks would otherwise be two open at once); a task
    obj = request.getfixturevalue("lead" if workflow is LEAD_WORKFLOW else "task")
    lead_id = obj.pk if workflow is LEAD_WORKFLOW else obj.lead_id
    type(obj).objects.filter(pk=obj.pk).update(status=state)
    before = _snapshot(lead_id)
    try:
        workflow.perform(actor=superuser, obj=obj.pk, action=action,
                         data=BODIES[(workflow.name, action)])
    except ServiceError as error:
        if allowed:
            assert error.status == 422, error.as_dict()
        else:
            assert error.status == 409 and error.code == "step_not_allowed", error.as_dict()
            assert _snapshot(lead_id) == before
    else:
        assert allowed, f"{workflow.name}: {action} taken in {state}"


@pytest.mark.parametrize("workflow, action", [(LEAD_WORKFLOW, "visited"),
                                              (VISIT_WORKFLOW, "withdraw")])
def test_rows_of_the_system_are_refused_to_users(superuser, task, workflow, action):
    obj = task.lead if workflow is LEAD_WORKFLOW else task
    with pytest.raises(ServiceError) as refused:
        workflow.perform(actor=superuser, obj=obj.pk, action=action)
    assert refused.value.status == 403
    assert action not in [a.name for a in workflow.available(superuser, obj)]
