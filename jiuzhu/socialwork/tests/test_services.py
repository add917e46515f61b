"""Triggers (candidates; automatic after-care, once), opening, the transition table (every
state × action pair), closing with outcomes, overdue visits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jiuzhu.applications.models import Application, ApplicationStep
from jiuzhu.assessments.models import Standing
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.socialwork import services
from jiuzhu.socialwork.models import SocialCase
from jiuzhu.socialwork.selectors import candidates
from jiuzhu.socialwork.workflow import CASE_WORKFLOW

from .conftest import DAY, at, make_household, standing

pytestmark = pytest.mark.django_db


def _application(household, tree, state, item="MZ01", n=1):
    return Application.objects.create(
        number=f"SQ-SW-{n}", query_code=f"QSW{n}", household=household, item_code=item,
        channel="window", region=tree["town1"], region_path=tree["town1"].path, state=state,
        step_started_on=DAY)


def test_candidates_are_circles_3_4_and_the_top_tenth_receiving_nothing(tree, staff, org, worker):
    circle3 = make_household()
    standing(circle3, circle=3, index=500)
    top = make_household()
    standing(top, circle=0, index=9900)  # the county's most difficult, outside every circle
    ordinary = [make_household() for _ in range(8)]
    for n, h in enumerate(ordinary):
        standing(h, circle=0, index=100 + n)
    receiving = make_household()
    standing(receiving, circle=4, index=800)
    _application(receiving, tree, "in_payment")
    followed = make_household()
    standing(followed, circle=3, index=700)
    services.case_open(actor=staff["window"], household=followed, phase="before",
                       trigger="circle")
    elsewhere = make_household("990102002001")
    standing(elsewhere, circle=3, index=600)
    vetoed = make_household()  # a veto (V01–V14): never a candidate, however difficult
    Standing.objects.filter(pk=standing(vetoed, circle=3, index=9950).pk).update(vetoes=1)

    found = [s.household for s in candidates(user=staff["window"])]
    assert found == [top, circle3]
    # the county's supervisor sees the other township's family too
    assert elsewhere in [s.household for s in candidates(user=staff["supervisor"])]
    assert list(candidates(user=worker)) == []


def test_staff_open_a_case_assigned_to_the_county_organisation(tree, staff, org, worker, household):
    case = services.case_open(actor=staff["window"], household=household, phase="before",
                              trigger="circle", summary="独居老人")
    assert (case.organisation, case.social_worker, case.state) == (org, worker, "open")
    assert case.contact_name == household.head_name and case.phone == "13900001111"
    assert AuditEvent.objects.filter(object_type="socialwork.socialcase",
                                     object_id=str(case.pk)).exists()
    with pytest.raises(ServiceError) as again:
        services.case_open(actor=staff["window"], household=household, phase="before",
                           trigger="circle")
    assert again.value.code == ErrorCode.STEP_NOT_ALLOWED
    with pytest.raises(ServiceError) as wrong:
        services.case_open(actor=staff["window"], household=make_household(), phase="before",
                           trigger="emergency")
    assert wrong.value.errors == [{"path": "trigger", "message": "触发原因与介入阶段不符"}]
    with pytest.raises(ServiceError) as far:
        services.case_open(actor=staff["other_window"], household=make_household(),
                           phase="before", trigger="circle")
    assert far.value.errors[0]["path"] == "household_id"
    with pytest.raises(ServiceError) as role:
        services.case_open(actor=staff["grid"], household=make_household(), phase="before",
                           trigger="circle")
    assert role.value.code == ErrorCode.FORBIDDEN
    assert SocialCase.objects.count() == 1


def test_alongside_an_application(tree, staff, org, worker, household):
    application = _application(household, tree, "accepted")
    case = services.case_open(actor=staff["window"], household=household, phase="during",
                              trigger="application", application=application)
    assert case.application == application and case.phase == "during"


def test_after_care_opens_once_a_month_after_emergency_help_is_paid(tree, staff, org, worker,
                                                                    household, media, clock):
    from jiuzhu.emergency import services as emergency
    from jiuzhu.emergency.tests.emergency_fixtures import PNG
    from jiuzhu.funds import services as funds
    from jiuzhu.funds.choices import FundKind
    county = funds.fund_create(actor=SYSTEM, name="示范县救急难基金", region=tree["county"])
    town1 = funds.fund_create(actor=SYSTEM, name="第1镇备用金", region=tree["town1"],
                              kind=FundKind.RESERVE, parent=county)
    funds.record_income(actor=SYSTEM, fund=county, amount_fen=10_000_000, source="fiscal",
                        on=DAY, voucher="CZ-1")
    funds.allocate(actor=SYSTEM, fund=county, reserve=town1, amount_fen=2_000_000, on=DAY,
                   voucher="HB-1")
    ecase = emergency.open_case(actor=staff["window"], household=household, source="window",
                                cause="fire", occurred_on=DAY, narrative="夜间住房起火",
                                checklist=["E01", "E06"], sudden_expense_fen=0, now=at(DAY))
    emergency.approve_help(actor=staff["reviewer"], case=ecase.pk, amount="2000.00",
                           method="cash", payee="张三", now=at(DAY, 11))
    emergency.pay(actor=staff["window"], case=ecase.pk, voucher="XJ-1", signature=PNG,
                  now=at(DAY, 12))
    assert services.open_after_care(today=DAY + timedelta(days=20)) == []
    opened = services.open_after_care(today=DAY + timedelta(days=31))
    assert len(opened) == 1
    case = opened[0]
    assert (case.phase, case.trigger, case.emergency_case_id) == ("after", "after_emergency", ecase.pk)
    assert (case.organisation, case.social_worker) == (org, worker)
    start = timezone.localtime(case.opened_at).date()  # the office's day, not UTC's
    assert [v.due_on for v in case.visits.all()] == [
        services.add_months(start, 1), services.add_months(start, 3), services.add_months(start, 6)]
    assert services.open_after_care(today=DAY + timedelta(days=40)) == []
    # the daily job of the calendar runs it as well, still once
    from jiuzhu.calendars.services import daily_functions
    assert services.daily in daily_functions()
    services.daily()
    assert SocialCase.objects.filter(trigger="after_emergency").count() == 1


def test_after_care_opens_once_when_a_household_leaves_dibao(tree, org, worker, household):
    application = _application(household, tree, "stopped")
    ApplicationStep.objects.create(application=application, action="stop", from_state="in_payment",
                                   to_state="stopped")
    temporary = _application(make_household(), tree, "stopped", item="MZ05", n=2)
    ApplicationStep.objects.create(application=temporary, action="stop", from_state="in_payment",
                                   to_state="stopped")
    opened = services.open_after_care()
    assert [(c.trigger, c.application_id) for c in opened] == [("left_dibao", application.pk)]
    assert services.open_after_care() == []
    from django.core.management import call_command
    call_command("socialwork_daily")
    assert SocialCase.objects.count() == 1


def _fresh_case(staff, state):
    case = services.case_open(actor=staff["window"], household=make_household(),
                              phase="before", trigger="circle")
    if state == "closed":
        services.case_act(actor=staff["window"], case=case, action="close",
                          data={"note": "服务完成"})
    case.refresh_from_db()
    return case


BODIES = {
    "assign": {"social_worker": "socialworker1"},
    "plan": {"needs": [{"kind": "care", "description": "独居", "goals": [{"text": "每周助洁"}]}]},
    "record_visit": {"done_on": "2026-03-02", "kind": "home", "notes": "入户"},
    "refer": {"target": "department", "name": "县医保局"},
    "close": {"note": "服务完成", "outcomes": {}},
}


@pytest.mark.parametrize(("state", "action", "allowed"), CASE_WORKFLOW.pairs())
def test_every_state_and_action(tree, staff, org, worker, clock, state, action, allowed):
    case = _fresh_case(staff, state)
    steps = case.steps.count()
    if not allowed:
        with pytest.raises(ServiceError) as refused:
            services.case_act(actor=staff["window"], case=case, action=action,
                              data=BODIES[action])
        assert refused.value.code == ErrorCode.STEP_NOT_ALLOWED
        case.refresh_from_db()
        assert case.state == state and case.steps.count() == steps
    else:
        services.case_act(actor=staff["window"], case=case, action=action, data=BODIES[action])
        case.refresh_from_db()
        assert case.state == CASE_WORKFLOW.action(action).possible_targets()[0]
        assert case.steps.count() == steps + 1


def test_closing_needs_an_outcome_for_every_goal(tree, staff, org, worker, clock):
    case = _fresh_case(staff, "open")
    services.case_act(actor=worker, case=case, action="plan", data=BODIES["plan"])
    goal = case.needs.get().goals.get()
    with pytest.raises(ServiceError) as refused:
        services.case_act(actor=worker, case=case, action="close", data={"note": "完成"})
    assert refused.value.code == ErrorCode.VALIDATION
    assert refused.value.errors[0]["path"] == f"outcomes.{goal.pk}"
    case.refresh_from_db()
    assert case.state == "open"
    services.case_act(actor=worker, case=case, action="close",
                      data={"note": "完成", "outcomes": {str(goal.pk): "partly"}})
    case.refresh_from_db()
    goal.refresh_from_db()
    assert (case.state, goal.outcome, case.closing_note) == ("closed", "partly", "完成")


def test_overdue_follow_up_visits_turn_yellow_then_red(tree, staff, org, worker, clock,
                                                      household):
    case = services.case_open(actor=SYSTEM, household=household, phase="after",
                              trigger="left_dibao", opened_at=at(DAY))
    first = case.visits.order_by("due_on").first()
    assert first.due_on == date(2026, 4, 2)
    clock["today"] = date(2026, 3, 20)
    assert case.current_alert() == "none"
    clock["today"] = date(2026, 3, 31)
    assert case.current_alert() == "yellow"
    clock["today"] = date(2026, 4, 3)
    assert case.current_alert() == "red" and first.alert() == "red"
    listed = SocialCase.objects.visible_to(worker).with_alert().get(pk=case.pk)
    assert listed.alert == "red"
    services.case_act(actor=worker, case=case, action="record_visit",
                      data={"done_on": "2026-04-03", "kind": "phone", "notes": "电话回访",
                            "visit_id": first.pk})
    assert SocialCase.objects.visible_to(worker).with_alert().get(pk=case.pk).alert == "none"
    assert case.next_visit().due_on == date(2026, 6, 2)
