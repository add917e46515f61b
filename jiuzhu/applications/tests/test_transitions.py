"""Every action in every state: allowed ones are the table of 20-workflow.md; every other
pair answers step_not_allowed and changes nothing."""

import pytest

from jiuzhu.applications.choices import State
from jiuzhu.applications.models import Application
from jiuzhu.applications.services import HANDLERS, application_act, application_create
from jiuzhu.core.errors import ServiceError
from jiuzhu.testing import UserFactory

OPEN = {"submitted", "awaiting_supplement", "accepted", "appraisal", "opinion", "notice",
        "decision"}
ALLOWED = {
    "request_supplement": {"submitted"},
    "submit_supplement": {"awaiting_supplement"},
    "reject": {"submitted"},
    "accept": {"submitted"},
    "assign_investigation": {"accepted"},
    "record_investigation": {"accepted"},
    "record_verification": {"accepted"},
    "record_appraisal": {"appraisal"},
    "submit_opinion": {"opinion"},
    "publish_notice": {"notice"},
    "record_objection": {"notice"},
    "close_notice": {"notice"},
    "approve": {"decision"},
    "refuse": {"decision"},
    "extend_deadline": OPEN,
    "withdraw": OPEN - {"decision"},
}
PAIRS = [(state, action) for state in State.values for action in sorted(HANDLERS)
         if state not in ALLOWED[action]]


def test_the_table_covers_every_action():
    assert set(ALLOWED) == set(HANDLERS)


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    """Documents are not the subject here; refused actions never reach them anyway."""
    from jiuzhu.applications import services

    monkeypatch.setattr(services, "issue_documents", lambda *args, **kwargs: None)


@pytest.fixture
def application(tree, poor_household):
    return application_create(actor=None, household=poor_household, item_code="MZ01",
                              channel="window")


@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_an_action_outside_its_states_is_refused(application, state, action, tree):
    admin = UserFactory(role="administrator", region=tree["province"], is_superuser=True)
    Application.objects.filter(pk=application.pk).update(state=state)
    steps = application.steps.count()
    with pytest.raises(ServiceError) as refused:
        application_act(actor=admin, application_id=application.pk, action=action,
                        data={"reason": "x", "reasons": "x", "recommend": "approve"})
    assert refused.value.code == "step_not_allowed"
    assert Application.objects.filter(pk=application.pk, state=state).exists()
    assert application.steps.count() == steps
