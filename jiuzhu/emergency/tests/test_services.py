# ruff: noqa: F811 - the fixtures imported from emergency_fixtures are parameters here
"""Emergency cases end to end through the services: a red case paid from the reserve within
the hour with its MZ05 file and papers due; the township's limit sends help to the county;
the event cap across funds; the once-a-year rule and the county's override; insufficient
funds; a referral reaching the department's inbox; the decided file closing the case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jiuzhu.applications import events as application_events
from jiuzhu.audit.models import AuditEvent
from jiuzhu.calendars.selectors import add_working_days
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.documents.selectors import documents_for
from jiuzhu.emergency import services
from jiuzhu.emergency.models import CaseStep, EmergencyCase, FirstHelp, Referral
from jiuzhu.funds import selectors as fund_selectors
from jiuzhu.funds.models import LedgerEntry

from .emergency_fixtures import DAY, PNG, at, household, media, money, other_household, people  # noqa: F401

pytestmark = pytest.mark.django_db


def open_red(who, household, now=None, **extra):
    data = {"source": "window", "cause": "fire", "occurred_on": DAY, "narrative": "夜间住房起火",
            "checklist": ["E01", "E06"], "sudden_expense_fen": 0, **extra}
    return services.open_case(actor=who, household=household, now=now or at(DAY), **data)


def open_yellow(who, household, now=None, cause="illness"):
    return services.open_case(actor=who, household=household, source="window", cause=cause,
                              occurred_on=DAY, narrative="突发重病住院", checklist=["E04", "E05"],
                              sudden_expense_fen=0, now=now or at(DAY))


def test_a_red_case_is_paid_from_the_reserve_within_the_hour(people, household, money):
    case = open_red(people["window"], household)
    assert (case.level, case.critical, case.state) == ("red", ["E01"], "open")
    assert case.number.startswith("JN9901020012026")
    assert case.respond_by == at(DAY) + timedelta(hours=24)
    assert case.explanation.startswith("E01 今晚无处居住（红色必要项）→ 红色")
    assert (case.standard_fen, case.size) == (72000, 2)
    services.approve_help(actor=people["reviewer"], case=case.pk, amount="2000.00",
                          method="cash", payee="张三", now=at(DAY, 10, 20))
    case.refresh_from_db()
    assert case.state == "approved"
    help_ = case.helps.get()
    assert (help_.state, help_.fund, help_.approval_level) == ("approved", money["town1"], "township")
    assert fund_selectors.available(help_.fund) == 2_000_000 - 200_000
    services.pay(actor=people["window"], case=case.pk, voucher="XJ-1", signature=PNG,
                 now=at(DAY, 10, 45))
    case.refresh_from_db()
    help_.refresh_from_db()
    assert case.state == "helped" and case.response == "paid"
    assert case.responded_at - case.opened_at < timedelta(hours=1)
    assert help_.state == "paid" and help_.receipt_signature and help_.payment.kind == "payment"
    money["town1"].refresh_from_db()
    assert money["town1"].balance_fen == 2_000_000 - 200_000
    assert fund_selectors.case_total_fen(case.pk) == 200_000
    # 先救助后补手续: the MZ05 file, papers due in 20 working days, D25–D27
    assert case.application.item_code == "MZ05" and case.application.channel == "outreach"
    assert case.papers_due == add_working_days(DAY, 20).due
    assert {d.code for d in documents_for(case)} == {"D25", "D26", "D27"}
    assert [s.action for s in case.steps.all()] == ["open", "approve_help", "pay"]
    assert AuditEvent.objects.filter(object_type="emergency.emergencycase",
                                     object_id=str(case.pk)).count() == 3


def test_the_decided_file_closes_the_case(people, household, money):
    case = open_red(people["window"], household)
    services.approve_help(actor=people["reviewer"], case=case.pk, amount="500", method="bank",
                          payee="张三")
    services.pay(actor=people["window"], case=case.pk, voucher="YH-1")
    case.refresh_from_db()
    application_events.decided(case.application, actor=SYSTEM, action="approve")
    case.refresh_from_db()
    assert case.state == "closed" and case.papers_done_at is not None
    assert case.steps.last().action == "papers_done"


def test_above_the_township_limit_goes_to_the_county(people, household, money):
    case = open_red(people["window"], household)
    services.approve_help(actor=people["reviewer"], case=case.pk, amount="5000.00",
                          method="cash", payee="张三")
    case.refresh_from_db()
    assert case.state == "awaiting_county"
    help_ = case.helps.get()
    assert help_.state == "awaiting_county" and help_.commitment is None
    with pytest.raises(ServiceError) as refused:
        services.county_approve(actor=people["reviewer"], case=case.pk)
    assert refused.value.code == ErrorCode.FORBIDDEN
    services.county_approve(actor=people["approver"], case=case.pk)
    case.refresh_from_db()
    help_.refresh_from_db()
    assert case.state == "approved"
    assert (help_.fund, help_.approval_level, help_.approved_by) == (
        money["county"], "county", people["approver"])
    assert help_.commitment.amount_fen == 500_000
    assert [d.version for d in documents_for(case) if d.code == "D25"] == [2]


def test_at_the_limit_the_township_approves(people, household, money):
    case = open_red(people["window"], household)
    services.approve_help(actor=people["reviewer"], case=case.pk, amount="4320.00",
                          method="cash", payee="张三")
    case.refresh_from_db()
    assert case.state == "approved"


def test_the_event_cap_holds_across_funds(people, household, money):
    case = open_red(people["window"], household)
    services.commit_for_case(actor=people["approver"], fund_id=money["county"].pk,
                             case_id=case.pk, amount="8000.00")
    with pytest.raises(ServiceError) as refused:
        services.approve_help(actor=people["reviewer"], case=case.pk, amount="1000.00",
                              method="cash", payee="张三")
    assert refused.value.code == ErrorCode.VALIDATION
    assert refused.value.errors[0]["path"] == "amount"
    assert "8,640.00" in refused.value.message and "8,000.00" in refused.value.message
    case.refresh_from_db()
    assert case.state == "open" and not case.helps.exists()
    services.approve_help(actor=people["reviewer"], case=case.pk, amount="640.00",
                          method="cash", payee="张三")


def test_the_same_cause_once_a_year_unless_the_county_overrides(people, household, money):
    first = open_red(people["window"], household)
    services.approve_help(actor=people["reviewer"], case=first.pk, amount="1500.00",
                          method="cash", payee="张三", now=at(DAY, 11))
    services.pay(actor=people["window"], case=first.pk, voucher="XJ-1", signature=PNG,
                 now=at(DAY, 12))
    second = open_red(people["window"], household, now=at(DAY + timedelta(days=30)))
    with pytest.raises(ServiceError) as refused:
        services.approve_help(actor=people["reviewer"], case=second.pk, amount="800",
                              method="cash", payee="张三", now=at(DAY + timedelta(days=30)))
    assert refused.value.code == ErrorCode.STEP_NOT_ALLOWED
    assert "2026-03-02" in refused.value.message and "1,500.00" in refused.value.message
    assert refused.value.extra["first"] == {"case": first.number, "date": "2026-03-02",
                                            "amount": "1500.00"}
    with pytest.raises(ServiceError) as township:
        services.approve_help(actor=people["reviewer"], case=second.pk, amount="800",
                              method="cash", payee="张三", override_reason="二次火灾")
    assert township.value.errors[0]["path"] == "override_reason"
    services.approve_help(actor=people["approver"], case=second.pk, amount="800",
                          method="cash", payee="张三", override_reason="再次失火，确有困难")
    second.refresh_from_db()
    assert second.state == "approved"
    help_ = second.helps.get()
    assert help_.override_reason == "再次失火，确有困难" and help_.fund == money["county"]
    # another cause is not a repeat
    third = open_yellow(people["window"], household)
    services.approve_help(actor=people["reviewer"], case=third.pk, amount="300",
                          method="cash", payee="张三")


def test_insufficient_funds_writes_nothing(people, household, tree):
    from jiuzhu.funds import services as funds
    from jiuzhu.funds.choices import FundKind

    county = funds.fund_create(actor=SYSTEM, name="县基金", region=tree["county"])
    reserve = funds.fund_create(actor=SYSTEM, name="第1镇备用金", region=tree["town1"],
                                kind=FundKind.RESERVE, parent=county)
    funds.record_income(actor=SYSTEM, fund=county, amount_fen=100_000, source="fiscal", on=DAY,
                        voucher="CZ")
    funds.allocate(actor=SYSTEM, fund=county, reserve=reserve, amount_fen=100_000, on=DAY,
                   voucher="HB")
    case = open_red(people["window"], household)
    entries = LedgerEntry.objects.count()
    with pytest.raises(ServiceError) as refused:
        services.approve_help(actor=people["reviewer"], case=case.pk, amount="2000.00",
                              method="cash", payee="张三")
    assert refused.value.code == ErrorCode.INSUFFICIENT_FUNDS
    assert refused.value.extra == {"available": "1000.00"}
    case.refresh_from_db()
    assert case.state == "open" and not FirstHelp.objects.exists()
    assert LedgerEntry.objects.count() == entries
    assert not CaseStep.objects.filter(action="approve_help").exists()


def test_blue_and_green_cases_get_no_first_help(people, household, money):
    case = services.open_case(actor=people["window"], household=household, source="window",
                              cause="illness", occurred_on=DAY, narrative="病",
                              checklist=["E04"], sudden_expense_fen=0, now=at(DAY))
    assert case.level == "blue"
    with pytest.raises(ServiceError) as refused:
        services.approve_help(actor=people["reviewer"], case=case.pk, amount="100",
                              method="cash", payee="张三")
    assert refused.value.code == ErrorCode.STEP_NOT_ALLOWED
    from jiuzhu.emergency.workflow import CASE_WORKFLOW

    offer = next(o for o in CASE_WORKFLOW.offers(people["reviewer"], case) if o.name == "approve_help")
    assert "蓝色、绿色" in offer.reason
    services.case_act(actor=people["window"], case=case.pk, action="open_procedure",
                      data={"item_code": "MZ04"})
    case.refresh_from_db()
    assert case.state == "in_procedure" and case.response == "procedure"
    assert case.application.item_code == "MZ04"


def test_a_referral_to_a_department_reaches_its_inbox(people, household, money, tree):
    from jiuzhu.intake.selectors import officer_inbox
    from jiuzhu.testing import UserFactory

    case = open_yellow(people["window"], household)
    services.refer(actor=people["window"], case=case.pk, target="department", department="WJ",
                   note="住院费用，转医疗救助")
    case.refresh_from_db()
    assert case.state == "referred" and case.response == "referral"
    referral = Referral.objects.get(case=case)
    assert referral.department == "WJ" and referral.request_item.item_code == "WJ01"
    assert referral.due_on == referral.request_item.due_date
    officer = UserFactory(username="officer_wj", role="department_officer", region=tree["county"],
                          department="WJ")
    assert referral.request_item in list(officer_inbox(officer))
    from jiuzhu.intake.models import RequestItem

    assert referral.outcome_on(DAY) == "pending"
    RequestItem.objects.filter(pk=referral.request_item_id).update(state="finished",
                                                                    result="not_granted")
    referral.refresh_from_db()
    assert referral.outcome_on(DAY) == "refused"  # the department's answer, shown on the case
    services.case_act(actor=people["window"], case=case.pk, action="record_referral",
                      data={"referral_id": referral.pk, "outcome": "done", "note": "已救助"})
    referral.refresh_from_db()
    assert referral.outcome == "done"
    with pytest.raises(ServiceError) as again:
        services.case_act(actor=people["window"], case=case.pk, action="record_referral",
                          data={"referral_id": referral.pk, "outcome": "refused", "note": "x"})
    assert again.value.code == ErrorCode.STEP_NOT_ALLOWED


def test_a_referral_to_an_organisation_without_an_answer_is_overdue(people, household):
    case = open_yellow(people["window"], household)
    services.refer(actor=people["window"], case=case.pk, target="organisation",
                   organisation="示范县社会工作服务中心", note="心理疏导")
    referral = Referral.objects.get(case=case)
    assert referral.outcome_on(referral.due_on) == "pending"
    assert referral.outcome_on(referral.due_on + timedelta(days=1)) == "no_answer"
    with pytest.raises(ServiceError) as refused:
        services.refer(actor=people["window"], case=case.pk, target="organisation",
                       organisation="")
    assert refused.value.errors[0]["path"] == "organisation"
    services.refer(actor=people["window"], case=case.pk, target="organisation",
                   organisation="阳光社工站")  # a referred case may be referred again
    case.refresh_from_db()
    assert case.state == "referred" and case.referrals.count() == 2


def test_monitoring_and_no_help_are_responses(people, household, other_household):
    case = open_yellow(people["window"], household)
    services.case_act(actor=people["window"], case=case.pk, action="monitor",
                      data={"reason": "暂不符合，纳入监测"})
    case.refresh_from_db()
    assert case.state == "monitoring" and case.response == "monitoring"
    from jiuzhu.assessments.models import Monitoring

    assert Monitoring.objects.filter(household=household, ended_at__isnull=True).exists()
    refused = open_yellow(people["window"], household)
    services.case_act(actor=people["reviewer"], case=refused.pk, action="decide_no_help",
                      data={"reason": "已获保险赔付"})
    refused.refresh_from_db()
    assert refused.state == "closed" and refused.response == "no_help" and refused.closed_at


def test_reassessment_to_a_higher_level_restarts_the_clock(people, household):
    case = open_yellow(people["window"], household)
    yellow_by = case.respond_by
    later = at(DAY, 15)
    services.reassess(actor=people["window"], case=case.pk, checklist=["E02", "E04", "E05"],
                      sudden_expense="0", reason="已断炊", now=later)
    case.refresh_from_db()
    assert case.level == "red" and case.level_at == later
    assert case.respond_by == later + timedelta(hours=24)
    services.reassess(actor=people["window"], case=case.pk, checklist=["E04"],
                      sudden_expense="20000.00", reason="亲属接济", now=at(DAY, 16))
    case.refresh_from_db()
    assert (case.level, case.score) == ("yellow", 50)  # E04 + E07 (¥20,000 > ¥17,280)
    assert case.respond_by == later + timedelta(hours=24)  # lower keeps the deadline
    assert [r.level for r in case.assessments.all()] == ["yellow", "red", "yellow"]
    assert case.assessments.last().reason == "亲属接济"
    assert yellow_by != case.respond_by


def test_open_case_refuses_e07_and_e09_and_names_fields(people, household):
    for code in ("E07", "E09"):
        with pytest.raises(ServiceError) as refused:
            open_red(people["window"], household, checklist=["E04", code])
        assert refused.value.errors == [{"path": "checklist", "message": refused.value.message}]
        assert code in refused.value.message
    with pytest.raises(ServiceError) as bad:
        services.open_case(actor=people["window"], household=household, source="x", cause="y",
                           occurred_on="2026-13-01", narrative="", checklist=[],
                           sudden_expense_fen=0, now=at(DAY))
    assert {e["path"] for e in bad.value.errors} == {"source", "cause", "occurred_on",
                                                     "narrative"}
    assert not EmergencyCase.objects.exists()


def test_e07_from_the_expense_and_e09_from_what_the_household_receives(people, household):
    case = open_red(people["window"], household, checklist=["E04"], sudden_expense_fen=1_728_001)
    assert "E07" in case.ticked and case.score == 50 and case.level == "yellow"
    at_threshold = open_red(people["window"], household, checklist=["E04"],
                            sudden_expense_fen=1_728_000)
    assert "E07" not in at_threshold.ticked


def test_who_may_open_a_case(people, household, other_household):
    for who in ("window", "grid", "assistant", "reviewer"):
        assert open_red(people[who], household).opened_by == people[who]
    with pytest.raises(ServiceError) as forbidden:
        open_red(people["investigator"], household)
    assert forbidden.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(ServiceError) as elsewhere:
        open_red(people["window"], other_household)
    assert elsewhere.value.code == ErrorCode.NOT_FOUND


def test_a_grid_worker_registers_a_household_on_the_spot(people, tree):
    from jiuzhu.households.idnumber import id_number_make

    number = id_number_make(area="990102", birth=DAY.replace(year=1960), sequence=501)
    case = services.open_case(
        actor=people["grid"], new_household={
            "name": "赵老汉", "id_number": number, "region_code": tree["grid1"].code,
            "address": "第1村5组", "phone": "13900000000"},
        source="grid_worker", cause="homeless", occurred_on=DAY, narrative="房屋倒塌",
        checklist=["E01"], sudden_expense_fen=0, now=at(DAY))
    household = case.household
    assert household.head_name == "赵老汉" and household.grid == tree["grid1"]
    assert case.region == tree["grid1"] and case.township == tree["town1"]
    # the same person again: the registered household is used
    again = services.open_case(
        actor=people["grid"], new_household={
            "name": "赵老汉", "id_number": number, "region_code": tree["grid1"].code},
        source="grid_worker", cause="homeless", occurred_on=DAY, narrative="房屋倒塌",
        checklist=["E01"], sudden_expense_fen=0, now=at(DAY))
    assert again.household == household
    with pytest.raises(ServiceError) as bad:
        services.open_case(actor=people["grid"], new_household={"name": "", "id_number": "1",
                                                                "region_code": "990102002001"},
                           source="grid_worker", cause="homeless", occurred_on=DAY,
                           narrative="x", checklist=[], sudden_expense_fen=0)
    assert {e["path"] for e in bad.value.errors} == {
        "household.name", "household.id_number", "household.region_code"}


def test_a_critical_lead_opens_a_case(people, household):
    from jiuzhu.leads.events import critical_lead
    from jiuzhu.leads.models import Lead

    lead = Lead.objects.create(source="hotline", person_name="张三", region=household.region,
                               region_path=household.region_path, description="断炊两天",
                               urgency="critical", household=household)
    critical_lead(lead, actor=people["window"])
    case = EmergencyCase.objects.get(lead=lead)
    assert (case.source, case.narrative, case.state) == ("lead", "断炊两天", "open")
    critical_lead(lead, actor=people["window"])
    assert EmergencyCase.objects.filter(lead=lead).count() == 1


def test_release_gives_the_money_back(people, household, money):
    case = open_red(people["window"], household)
    services.approve_help(actor=people["reviewer"], case=case.pk, amount="2000",
                          method="cash", payee="张三")
    services.case_act(actor=people["reviewer"], case=case.pk, action="release",
                      data={"reason": "已由亲属接济"})
    case.refresh_from_db()
    assert case.state == "open" and case.helps.get().state == "released"
    money["town1"].refresh_from_db()
    assert fund_selectors.available(money["town1"]) == 2_000_000
    assert fund_selectors.case_total_fen(case.pk) == 0


def test_cash_needs_the_payees_signature(people, household, money):
    case = open_red(people["window"], household)
    services.approve_help(actor=people["reviewer"], case=case.pk, amount="2000",
                          method="cash", payee="张三")
    with pytest.raises(ServiceError) as refused:
        services.pay(actor=people["window"], case=case.pk, voucher="XJ")
    assert refused.value.errors[0]["path"] == "signature"
    with pytest.raises(ServiceError) as bad:
        services.pay(actor=people["window"], case=case.pk, voucher="XJ",
                     signature="data:image/png;base64,AAAA")
    assert bad.value.errors[0]["path"] == "signature"
    case.refresh_from_db()
    assert case.state == "approved"


def test_e09_when_the_household_receives_dibao_now(people, household, tree):
    from jiuzhu.applications.models import Application

    receiving = Application.objects.create(
        number="DB-E09-1", query_code="QE091", household=household, item_code="MZ01",
        channel="window", region=tree["town1"], region_path=household.region_path,
        step_started_on=DAY, state="in_payment")
    case = open_red(people["window"], household, checklist=["E04", "E10"])
    assert case.ticked == ["E04", "E09", "E10"] and case.score == 50 and case.level == "yellow"
    Application.objects.filter(pk=receiving.pk).update(state="suspended")
    assert "E09" not in open_red(people["window"], household, checklist=["E04"]).ticked


def test_the_duty_list_is_red_to_green_then_by_deadline(people, household, other_household):
    from jiuzhu.emergency import selectors

    green = services.open_case(actor=people["window"], household=household, source="window",
                               cause="other", occurred_on=DAY, narrative="x", checklist=[],
                               sudden_expense_fen=0, now=at(DAY, 9))
    yellow = open_yellow(people["window"], household, now=at(DAY, 9))
    red_late = open_red(people["window"], household, now=at(DAY, 11))
    red_early = open_red(people["window"], household, now=at(DAY, 10))
    closed = open_red(people["window"], household, now=at(DAY, 8))
    services.case_act(actor=people["reviewer"], case=closed.pk, action="decide_no_help",
                      data={"reason": "已获赔偿"})
    now = at(DAY, 12)
    duty = selectors.duty_list(people["reviewer"], now)
    assert duty == [red_early, red_late, yellow, green]
    assert [c.alert for c in duty] == ["none"] * 4
    assert selectors.duty_list(people["other_reviewer"], now) == []
    assert selectors.overdue(people["reviewer"], at(DAY + timedelta(days=1), 10, 30)) == [red_early]
    counts = selectors.counts_for_home(people["reviewer"], at(DAY + timedelta(days=1), 10, 30))
    assert counts == {"open": 4, "red": 2, "overdue": 1, "yellow_alert": 1,
                      "awaiting_county": 0, "papers_pending": 0}
    detail = selectors.case_detail(people["reviewer"], red_early.pk, now)
    assert detail.case == red_early and detail.alert == "none"
    assert [a.level for a in detail.assessments] == ["red"]
    assert "approve_help" in [o.name for o in detail.offers]
    with pytest.raises(ServiceError) as hidden:
        selectors.case_detail(people["other_reviewer"], red_early.pk)
    assert hidden.value.code == ErrorCode.NOT_FOUND
    listed = list(selectors.cases(people["reviewer"], level="red"))
    assert listed == [red_late, red_early, closed]
