# ruff: noqa: F811 - the fixtures imported from emergency_fixtures are parameters here
"""The transition table of an emergency case, pair by pair, and its time limits.

Every state × action a user may take, through the API as a superuser (so only the table
decides): an illegal pair is 409 ``step_not_allowed`` with nothing changed (case, help,
referrals, steps, audit, ledger), a legal one is never refused for its state. Then the
response deadlines: red 24 clock hours across midnight, working days across a holiday, the
yellow alert at two thirds, overdue, papers overdue, and the buttons offered."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.forms.models import model_to_dict

from jiuzhu.accounts.services import token_create
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.emergency import deadlines, services
from jiuzhu.emergency.models import CaseStep, EmergencyCase, FirstHelp, Referral
from jiuzhu.emergency.workflow import CASE_WORKFLOW, USER_ACTIONS, months_before
from jiuzhu.funds.models import LedgerEntry

from .emergency_fixtures import DAY, PNG, at, household, media, money, people  # noqa: F401

pytestmark = pytest.mark.django_db

BODIES = {
    "reassess": {"checklist": ["E02"], "sudden_expense": "0", "reason": "情况变化"},
    "approve_help": {"amount": "1000.00", "method": "cash", "payee": "张三"},
    "county_approve": {"override_reason": ""},
    "pay": {"voucher": "XJ-9", "signature": PNG},
    "release": {"reason": "亲属接济"},
    "open_procedure": {"item_code": "MZ05"},
    "refer": {"target": "organisation", "organisation": "示范县社会工作服务中心"},
    "record_referral": {"referral_id": 999999, "outcome": "done"},
    "monitor": {"reason": "纳入监测"},
    "decide_no_help": {"reason": "已获赔偿"},
    "close": {"note": "办结"},
}
USER_PAIRS = [(state, action, allowed) for state, action, allowed in CASE_WORKFLOW.pairs()
              if action in {a.name for a in USER_ACTIONS}]


def test_the_table_is_the_design():
    rows = {a.name: (set(a.source), set(a.possible_targets()), a.permission,
                     a.possible_documents()) for a in CASE_WORKFLOW}
    assert rows == {
        "reassess": ({"open", "awaiting_county", "approved"},
                     {"open", "awaiting_county", "approved"}, "emergency.reassess", ()),
        "approve_help": ({"open"}, {"approved", "awaiting_county"}, "emergency.approve_help",
                         ("D25",)),
        "county_approve": ({"awaiting_county"}, {"approved"}, "emergency.county_approve",
                           ("D25",)),
        "pay": ({"approved"}, {"helped"}, "emergency.pay", ()),  # D26 (+ D27), by outcome
        "release": ({"approved", "awaiting_county"}, {"open"}, "emergency.release", ()),
        "open_procedure": ({"open"}, {"in_procedure"}, "emergency.open_procedure", ()),
        "refer": ({"open", "referred", "helped", "in_procedure", "monitoring"},
                  {"referred", "helped", "in_procedure", "monitoring"}, "emergency.refer", ()),
        "record_referral": ({"referred", "helped", "in_procedure", "monitoring", "closed"},
                            {"referred", "helped", "in_procedure", "monitoring", "closed"},
                            "emergency.record_referral", ()),
        "monitor": ({"open"}, {"monitoring"}, "emergency.monitor", ()),
        "decide_no_help": ({"open"}, {"closed"}, "emergency.decide_no_help", ()),
        "close": ({"referred", "monitoring", "in_procedure"}, {"closed"}, "emergency.close", ()),
        "papers_done": ({"helped", "in_procedure"}, {"closed"}, "emergency.papers_done", ()),
    }
    assert set(BODIES) == {a.name for a in USER_ACTIONS}


@pytest.fixture
def case(people, household, money):
    return services.open_case(actor=people["window"], household=household, source="window",
                              cause="fire", occurred_on=DAY, narrative="夜间起火",
                              checklist=["E01"], sudden_expense_fen=0)


def _snapshot(pk: int) -> tuple:
    case = EmergencyCase.objects.get(pk=pk)
    return (model_to_dict(case), [model_to_dict(h) for h in FirstHelp.objects.order_by("pk")],
            Referral.objects.count(), CaseStep.objects.count(), AuditEvent.objects.count(),
            LedgerEntry.objects.count())


@pytest.mark.parametrize("state, action, allowed", USER_PAIRS,
                         ids=[f"{s}-{a}" for s, a, _ in USER_PAIRS])
def test_state_action_pair(client, superuser, case, state, action, allowed):
    EmergencyCase.objects.filter(pk=case.pk).update(state=state)
    token = token_create(user=superuser)
    before = _snapshot(case.pk)
    response = client.post(f"/api/v1/emergencies/{case.pk}/actions/{action}",
                           data=json.dumps(BODIES[action]), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    body = response.json()
    if allowed:
        assert response.status_code != 409 or "当前状态" not in body["message"], body
    else:
        assert response.status_code == 409 and body["code"] == "step_not_allowed", body
        assert _snapshot(case.pk) == before


def test_the_system_row_is_not_an_api_action(client, people, case):
    response = client.post(f"/api/v1/emergencies/{case.pk}/actions/papers_done", data="{}",
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token_create(user=people['window'])}")
    assert response.status_code == 404
    with pytest.raises(ServiceError) as refused:
        CASE_WORKFLOW.perform(actor=people["window"], obj=case.pk, action="papers_done")
    assert refused.value.status == 403
    assert "papers_done" not in [o.name for o in CASE_WORKFLOW.offers(people["window"], case)]


def test_the_buttons_offered(people, case):
    names = {who: [o.name for o in CASE_WORKFLOW.offers(people[who], case)]
             for who in ("window", "reviewer", "approver", "grid", "investigator",
                         "other_reviewer")}
    assert names["window"] == ["reassess", "open_procedure", "refer", "monitor"]
    assert names["reviewer"] == ["reassess", "approve_help", "open_procedure", "refer",
                                 "monitor", "decide_no_help"]
    assert names["approver"] == ["approve_help"]
    assert names["grid"] == ["reassess"]
    assert names["investigator"] == names["other_reviewer"] == []


# --- time limits ---------------------------------------------------------------------------------

def test_red_is_24_clock_hours_across_midnight():
    opened = at(DAY, 22, 30)
    assert deadlines.respond_by("red", opened) == at(DAY + timedelta(days=1), 22, 30)
    saturday = at(date(2026, 5, 1), 23)  # a holiday: clock hours all the same
    assert deadlines.respond_by("red", saturday) == at(date(2026, 5, 2), 23)


def test_working_days_across_a_holiday():
    # Thursday 30 April 2026; 1–5 May is the Labour Day holiday
    assert deadlines.respond_by("yellow", at(date(2026, 4, 30), 9)) == \
        deadlines.end_of_day(date(2026, 5, 8))
    assert deadlines.respond_by("yellow", at(DAY, 9)) == deadlines.end_of_day(date(2026, 3, 5))
    assert deadlines.respond_by("blue", at(DAY, 9)) == deadlines.end_of_day(date(2026, 3, 16))
    assert deadlines.respond_by("green", at(DAY, 9)) == deadlines.end_of_day(date(2026, 3, 30))
    assert deadlines.papers_due(date(2026, 4, 30)) > date(2026, 4, 30) + timedelta(days=28)


def test_the_alert_at_two_thirds_and_overdue(people, household):
    case = services.open_case(actor=people["window"], household=household, source="window",
                              cause="fire", occurred_on=DAY, narrative="起火",
                              checklist=["E01"], sudden_expense_fen=0, now=at(DAY, 10))
    assert deadlines.alert(case, at(DAY, 10)) == "none"
    assert deadlines.alert(case, at(DAY, 10) + timedelta(hours=15, minutes=59)) == "none"
    assert deadlines.alert(case, at(DAY, 10) + timedelta(hours=16)) == "yellow"
    assert deadlines.alert(case, at(DAY, 10) + timedelta(hours=24)) == "yellow"
    assert deadlines.alert(case, at(DAY, 10) + timedelta(hours=24, seconds=1)) == "red"
    services.case_act(actor=people["window"], case=case.pk, action="monitor",
                      data={"reason": "监测"}, now=at(DAY + timedelta(days=2)))
    case.refresh_from_db()
    assert deadlines.alert(case, at(DAY + timedelta(days=3))) == "none"  # responded


def test_papers_overdue_turn_the_case_red(people, household, money):
    case = services.open_case(actor=people["window"], household=household, source="window",
                              cause="fire", occurred_on=DAY, narrative="起火",
                              checklist=["E01"], sudden_expense_fen=0, now=at(DAY, 10))
    services.approve_help(actor=people["reviewer"], case=case.pk, amount="1000", method="bank",
                          payee="张三", now=at(DAY, 11))
    services.pay(actor=people["window"], case=case.pk, voucher="YH", now=at(DAY, 12))
    case.refresh_from_db()
    assert deadlines.alert(case, at(case.papers_due, 23)) == "none"
    assert deadlines.alert(case, at(case.papers_due + timedelta(days=1), 8)) == "red"
    from jiuzhu.emergency.selectors import overdue

    assert overdue(people["window"], at(case.papers_due + timedelta(days=1))) == [case]
    assert overdue(people["window"], at(case.papers_due)) == []


def test_months_before():
    assert months_before(at(date(2026, 3, 31)), 1) == at(date(2026, 2, 28))
    assert months_before(at(date(2026, 3, 2)), 12) == at(date(2025, 3, 2))


def test_the_case_in_another_township_is_not_found(people, case):
    with pytest.raises(ServiceError) as refused:
        services.case_act(actor=people["other_reviewer"], case=case.pk, action="monitor",
                          data={"reason": "x"})
    assert refused.value.status == 404
    with pytest.raises(ServiceError) as forbidden:
        services.case_act(actor=people["investigator"], case=case.pk, action="monitor",
                          data={"reason": "x"})
    assert forbidden.value.status == 403
    assert CASE_WORKFLOW.perform(actor=SYSTEM, obj=case.pk, action="monitor",
                                 data={"reason": "系统"}).state == "monitoring"
