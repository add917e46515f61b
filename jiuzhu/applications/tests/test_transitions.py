"""Every action in every state, generated from the table (``workflow.WORKFLOW.pairs()``):
the allowed pairs are the table of 20-workflow.md (written out here once more, as the
spec states it, so a changed table fails); every other pair answers 409
``step_not_allowed`` and changes nothing — not the case's row, not its steps."""

import pytest
from django.forms.models import model_to_dict

from jiuzhu.applications.choices import State
from jiuzhu.applications.models import Application
from jiuzhu.applications.services import application_act, application_create
from jiuzhu.applications.workflow import WORKFLOW, user_actions
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.testing import UserFactory

OPEN = {"submitted", "awaiting_supplement", "accepted", "appraisal", "opinion", "notice",
        "decision"}
PAID = {"approved", "in_payment", "suspended"}
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
    "return_approval": {"decision"},  # 四眼原则: 退回 a first approval
    "extend_deadline": OPEN,
    "withdraw": OPEN - {"decision"},
    # steps other apps take (payments, supervision)
    "start_payment": {"approved"},
    "suspend": {"in_payment"},
    "resume": {"suspended"},
    "stop": PAID,
    "review": PAID,
}
USER_ACTIONS = {a.name for a in user_actions()}
ILLEGAL = [(state, action) for state, action, allowed in WORKFLOW.pairs()
           if not allowed and action in USER_ACTIONS]
ILLEGAL_OTHER = [(state, action) for state, action, allowed in WORKFLOW.pairs()
                 if not allowed and action not in USER_ACTIONS]


def test_the_table_is_the_spec():
    assert {a.name for a in WORKFLOW} == set(ALLOWED)
    for state, action, allowed in WORKFLOW.pairs():
        assert allowed == (state in ALLOWED[action]), (state, action)
    assert {s for s, _a, _ok in WORKFLOW.pairs()} == set(State.values)


def test_every_user_action_has_a_permission_a_schema_and_a_label():
    import rules

    for action in user_actions():
        assert rules.perm_exists(action.permission), action.name
        assert action.schema is not None and action.label


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    """Documents are not the subject here; refused actions never reach them anyway."""
    from jiuzhu.applications import documents

    monkeypatch.setattr(documents, "issue_documents", lambda *args, **kwargs: None)


@pytest.fixture
def application(tree, poor_household):
    return application_create(actor=SYSTEM, household=poor_household, item_code="MZ01",
                              channel="window")


def _row(application):
    return model_to_dict(Application.objects.get(pk=application.pk))


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_an_action_outside_its_states_is_refused(application, state, action, tree):
    admin = UserFactory(role="administrator", region=tree["province"], is_superuser=True)
    Application.objects.filter(pk=application.pk).update(state=state)
    before, steps = _row(application), application.steps.count()
    with pytest.raises(ServiceError) as refused:
        application_act(actor=admin, application_id=application.pk, action=action,
                        data={"reason": "x", "reasons": "x", "recommend": "approve"})
    assert refused.value.code == "step_not_allowed" and refused.value.status == 409
    assert _row(application) == before
    assert application.steps.count() == steps


@pytest.mark.parametrize(("state", "action"), ILLEGAL_OTHER)
def test_another_apps_step_outside_its_states_is_refused(application, state, action):
    Application.objects.filter(pk=application.pk).update(state=state)
    case = Application.objects.get(pk=application.pk)
    with pytest.raises(ServiceError) as refused:
        getattr(case, action)()
    assert refused.value.code == "step_not_allowed"
    assert case.state == state


@pytest.mark.parametrize("action", sorted(set(ALLOWED) - USER_ACTIONS))
def test_no_user_takes_another_apps_step(application, action, tree):
    admin = UserFactory(role="administrator", region=tree["province"])
    with pytest.raises(ServiceError) as refused:
        application_act(actor=admin, application_id=application.pk, action=action, data={})
    assert refused.value.code == "forbidden"


def test_buttons_are_the_permitted_actions_of_the_state(application, staff):
    assert WORKFLOW.available(staff["window"], application) and \
        {a.name for a in WORKFLOW.available(staff["window"], application)} == \
        {"request_supplement", "reject", "accept", "withdraw"}
    assert WORKFLOW.available(staff["reviewer"], application) == []
    assert [a.name for a in WORKFLOW.available(staff["supervisor"], application)] == \
        ["extend_deadline"]
