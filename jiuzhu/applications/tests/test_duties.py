"""四眼原则 (separation of duties, issue #14 item 2): every pair of steps of a case taken by
the same person — allowed, or refused with a 403 naming the rule — and the county's rules
as data (``DutyRule``)."""

import itertools

import pytest

from jiuzhu.applications.duties import duty_refusal
from jiuzhu.applications.models import Application, ApplicationStep, DutyRule
from jiuzhu.applications.services import application_act, application_create
from jiuzhu.applications.workflow import WORKFLOW
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.testing import UserFactory

#: The steps of a case in their order, with the state each starts from.
STEPS = [
    ("accept", "submitted"),
    ("assign_investigation", "accepted"),
    ("record_investigation", "accepted"),
    ("record_verification", "accepted"),
    ("record_appraisal", "appraisal"),
    ("submit_opinion", "opinion"),
    ("publish_notice", "notice"),
    ("close_notice", "notice"),
    ("approve", "decision"),
    ("refuse", "decision"),
    ("return_approval", "decision"),  # 退回 a first approval (大额须第二审批人确认)
]
SOURCE = dict(STEPS)
#: (earlier step, later step by the same person) → the rule that refuses it
REFUSED = {
    ("record_investigation", "approve"): "四眼原则：调查人不能审批同一案件",
    ("record_investigation", "refuse"): "四眼原则：调查人不能审批同一案件",
    ("submit_opinion", "approve"): "四眼原则：提出审核意见的人不能审批同一案件",
    ("submit_opinion", "refuse"): "四眼原则：提出审核意见的人不能审批同一案件",
    ("record_investigation", "return_approval"): "四眼原则：调查人不能审批同一案件",
    ("submit_opinion", "return_approval"): "四眼原则：提出审核意见的人不能审批同一案件",
}
SAME_PERSON = "四眼原则：同一人不能两次审批同一案件，须由另一名审批人确认"
PAIRS = [(a, b) for (a, _s), (b, _t) in itertools.combinations(STEPS, 2)]
ADMIN_RULE = "四眼原则：系统管理员不能办理案件"


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    from jiuzhu.applications import documents

    monkeypatch.setattr(documents, "issue_documents", lambda *args, **kwargs: None)


@pytest.fixture
def application(tree, poor_household):
    return application_create(actor=SYSTEM, household=poor_household, item_code="MZ01",
                              channel="window")


def _took(application, user, action):
    ApplicationStep.objects.create(application=application, action=action, from_state="x",
                                   to_state="y", actor=user, actor_name=user.username)


def _in(application, state):
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


@pytest.mark.parametrize(("earlier", "later"), PAIRS)
def test_every_pair_of_steps_by_the_same_person(application, tree, earlier, later):
    person = UserFactory(role="county_approver", region=tree["county"])
    _took(application, person, earlier)
    case = _in(application, SOURCE[later])
    expected = REFUSED.get((earlier, later), "")
    assert duty_refusal(person, case, later) == expected
    if expected:  # the permission itself says no: no button, and the service's 403 says why
        assert not person.has_perm(f"applications.{later}", case)
        assert later not in {o.action.name for o in WORKFLOW.offers(person, case)}
        with pytest.raises(ServiceError) as refused:
            application_act(actor=person, application_id=case.pk, action=later,
                            data={"reasons": "x", "amount": "100.00"})
        assert (refused.value.status, refused.value.message) == (403, expected)
        assert Application.objects.get(pk=case.pk).state == SOURCE[later]


@pytest.mark.parametrize(("step", "state"), STEPS)
def test_the_it_administrator_takes_no_step(application, tree, step, state):
    admin = UserFactory(role="administrator", region=tree["county"])
    case = _in(application, state)
    assert duty_refusal(admin, case, step) == ADMIN_RULE
    assert not admin.has_perm(f"applications.{step}", case)
    assert WORKFLOW.offers(admin, case) == []
    with pytest.raises(ServiceError) as refused:
        application_act(actor=admin, application_id=case.pk, action=step,
                        data={"reason": "x", "reasons": "x"})
    assert (refused.value.status, refused.value.message) == (403, ADMIN_RULE)
    assert not case.steps.filter(actor=admin).exists()


def test_an_assigned_investigator_may_not_decide(application, tree):
    person = UserFactory(role="county_approver", region=tree["county"])
    other = UserFactory(role="county_approver", region=tree["county"])
    case = _in(application, "decision")
    case.investigator_users.add(person)
    assert duty_refusal(person, case, "approve") == "四眼原则：调查人不能审批同一案件"
    assert "approve" in {o.action.name for o in WORKFLOW.offers(other, case)}
    assert "approve" not in {o.action.name for o in WORKFLOW.offers(person, case)}


def test_the_rules_are_the_countys_data(application, tree):
    person = UserFactory(role="county_approver", region=tree["county"])
    admin = UserFactory(role="administrator", region=tree["county"])
    _took(application, person, "submit_opinion")
    rule = DutyRule.objects.create(region=tree["county"], no_it_administrator=False,
                                   no_self_approval=False)
    case = _in(application, "decision")
    assert duty_refusal(person, case, "approve") == ""
    assert duty_refusal(admin, case, "approve") == ""
    assert person.has_perm("applications.approve", case)
    rule.no_self_approval = True
    rule.save()
    case = Application.objects.get(pk=case.pk)
    assert duty_refusal(person, case, "approve") == "四眼原则：提出审核意见的人不能审批同一案件"
    assert duty_refusal(admin, case, "accept") == ""


def test_existing_counties_get_the_rules_on_by_the_data_migration(tree):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("jiuzhu.applications.migrations.0011_duty_rule_defaults")
    migration.create_defaults(apps, None)
    rule = DutyRule.objects.get(region=tree["county"])
    assert rule.no_it_administrator and rule.no_self_approval
    assert rule.region_path == tree["county"].path


@pytest.mark.parametrize("later", ["approve", "refuse", "return_approval"])
def test_the_first_approver_takes_no_second_decision_step(application, tree, later):
    """The pair (first approval, any decision step) by the same person is refused; another
    county approver may take it."""
    person = UserFactory(role="county_approver", region=tree["county"])
    other = UserFactory(role="county_approver", region=tree["county"])
    Application.objects.filter(pk=application.pk).update(
        state="decision", first_approved_by=person, first_approved_at="2026-03-09T10:00:00+08:00",
        first_approval={"name": str(person), "amount": "900.00", "start_month": "2026-04-01"})
    case = Application.objects.get(pk=application.pk)
    assert duty_refusal(person, case, later) == SAME_PERSON
    assert not person.has_perm(f"applications.{later}", case)
    assert later not in {o.action.name for o in WORKFLOW.offers(person, case)}
    with pytest.raises(ServiceError) as refused:
        application_act(actor=person, application_id=case.pk, action=later,
                        data={"reason": "x", "reasons": "x"})
    assert (refused.value.status, refused.value.message) == (403, SAME_PERSON)
    assert duty_refusal(other, case, later) == ""
    assert later in {o.action.name for o in WORKFLOW.offers(other, case)}
    assert Application.objects.get(pk=case.pk).first_approved_by == person
