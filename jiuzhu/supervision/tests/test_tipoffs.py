"""Supervision (日常监管): tip-offs and what follows them."""

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.core.errors import ServiceError
from jiuzhu.documents.models import Document
from jiuzhu.payments.models import Payment
from jiuzhu.payments.services import payroll_generate
from jiuzhu.supervision.models import TipOff
from jiuzhu.supervision.services import (
    tipoff_close,
    tipoff_interview,
    tipoff_record,
    tipoff_recovery_order,
    tipoff_statement_notice,
    tipoff_suspend,
)


def codes(application):
    return set(Document.objects.for_owner(application).values_list("code", flat=True))


@pytest.fixture
def paid(approved, people, tree):
    """The approved case, paid for April, May and June 2026."""
    for month in (4, 5, 6):
        payroll_generate(actor=people["reviewer"], township=tree["town1"],
                         month=date(2026, month, 1))
    approved.refresh_from_db()
    return approved


@pytest.fixture
def tip_off(paid, people):
    return tipoff_record(actor=people["supervisor"], household=paid.household, source="phone",
                         content="群众反映该户家中有人在外务工，收入较高",
                         received_on=date(2026, 6, 10))


def test_a_tip_off_is_recorded_with_d19(tip_off, paid):
    assert tip_off.application == paid and tip_off.status == "open"
    assert "D19" in codes(paid)
    assert [e.action for e in tip_off.events.all()] == ["record"]
    assert paid.steps.filter(action="tipoff_record").exists()


def test_the_recovery_order_needs_d23_and_sums_the_payments_of_the_period(tip_off, paid,
                                                                          people):
    supervisor = people["supervisor"]
    with pytest.raises(ServiceError) as refused:
        tipoff_recovery_order(actor=supervisor, tip_off=tip_off, from_month=date(2026, 4, 1),
                              to_month=date(2026, 5, 1), reasons="隐瞒务工收入")
    assert refused.value.status == 409 and "D23" in refused.value.message
    assert "D21" not in codes(paid)

    tipoff_statement_notice(actor=supervisor, tip_off=tip_off, decision="责令退还违规领取的保障金",
                            facts="2026年4月至5月隐瞒务工收入")
    order = tipoff_recovery_order(actor=supervisor, tip_off=tip_off,
                                  from_month=date(2026, 4, 1), to_month=date(2026, 5, 20),
                                  reasons="隐瞒务工收入")
    april_may = [p.amount for p in Payment.objects.filter(
        application=paid, month__in=[date(2026, 4, 1), date(2026, 5, 1)])]
    assert len(april_may) == 2
    assert order.recovery_amount == sum(april_may, Decimal("0.00")) == 2 * paid.approved_amount
    assert {"D21", "D23"} <= codes(paid)
    document = Document.objects.for_owner(paid).get(code="D21")
    assert document.context["recovery"]["amount"] == str(order.recovery_amount)
    assert document.context["recovery"]["period_from"] == "2026-04"
    assert set(document.missing_fields) <= {"office.phone"}


def test_a_suspended_case_leaves_the_payroll_and_closure_resumes_it(tip_off, paid, people,
                                                                   tree):
    supervisor, reviewer = people["supervisor"], people["reviewer"]
    tipoff_interview(actor=supervisor, tip_off=tip_off, reason="核实务工收入",
                     scheduled_at="2026-06-15 09:00", place="第1镇民政办")
    tipoff_suspend(actor=supervisor, tip_off=tip_off, reasons="核查期间暂停发放")
    paid.refresh_from_db()
    assert paid.state == "suspended"
    assert {"D20", "D22"} <= codes(paid)
    july = payroll_generate(actor=reviewer, township=tree["town1"], month=date(2026, 7, 1))
    assert july.count == 0
    assert not Payment.objects.filter(application=paid, month=date(2026, 7, 1)).exists()

    closed = tipoff_close(actor=supervisor, tip_off=tip_off, summary="经核查，举报不属实",
                          findings="务工为短期零工，收入已如实申报", decision="resume")
    paid.refresh_from_db()
    assert closed.status == "closed" and closed.closure == "resume"
    assert paid.state == "in_payment" and "D24" in codes(paid)
    with pytest.raises(ServiceError) as again:
        tipoff_interview(actor=supervisor, tip_off=closed, reason="x", scheduled_at="x",
                         place="x")
    assert again.value.status == 409


def test_closing_with_a_stop_needs_d23(tip_off, paid, people):
    supervisor = people["supervisor"]
    with pytest.raises(ServiceError) as refused:
        tipoff_close(actor=supervisor, tip_off=tip_off, summary="举报属实",
                     findings="隐瞒收入", decision="stop")
    assert refused.value.status == 409
    assert TipOff.objects.get(pk=tip_off.pk).status == "open"
    tipoff_statement_notice(actor=supervisor, tip_off=tip_off, decision="停发低保金",
                            facts="隐瞒收入")
    tipoff_close(actor=supervisor, tip_off=tip_off, summary="举报属实", findings="隐瞒收入",
                 decision="stop")
    paid.refresh_from_db()
    assert paid.state == "stopped" and {"D17", "D24"} <= codes(paid)


def test_tip_off_roles_and_regions(tip_off, paid, people):
    with pytest.raises(ServiceError) as other:
        tipoff_suspend(actor=people["other_supervisor"], tip_off=tip_off, reasons="x")
    assert other.value.status == 404
    with pytest.raises(ServiceError) as role:
        tipoff_suspend(actor=people["reviewer"], tip_off=tip_off, reasons="x")
    assert role.value.status == 403
    with pytest.raises(ServiceError) as record:
        tipoff_record(actor=people["window"], household=paid.household, source="phone",
                      content="x", received_on=date(2026, 6, 1))
    assert record.value.status == 403
    paid.refresh_from_db()
    assert paid.state == "in_payment"
