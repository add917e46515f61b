"""The ledger's services: what each writes, what each refuses (naming the field, writing
nothing), and the fund rows kept in step with the entries."""

from datetime import date

import pytest

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.funds import selectors, services
from jiuzhu.funds.choices import EntryKind, IncomeSource, ReplenishmentState
from jiuzhu.funds.models import Fund, LedgerEntry, Replenishment

from .conftest import DAY


def fresh(fund):
    return Fund.objects.get(pk=fund.pk)


def consistent(fund):
    fund = fresh(fund)
    assert fund.balance_fen == selectors.computed_balance_fen(fund)
    assert fund.committed_fen == selectors.computed_committed_fen(fund)
    assert fund.balance_fen - fund.committed_fen >= 0
    return fund


def counts():
    return (LedgerEntry.objects.count(), AuditEvent.objects.count(),
            list(Fund.objects.order_by("pk").values_list("balance_fen", "committed_fen")))


def refused(call, code=ErrorCode.VALIDATION, path=None):
    before = counts()
    with pytest.raises(ServiceError) as caught:
        call()
    assert caught.value.code == code
    if path is not None:
        assert path in [e["path"] for e in caught.value.errors], caught.value.errors
    assert counts() == before
    return caught.value


def test_income_and_allocation_move_the_balances(funds, approver):
    county, town1 = consistent(funds["county"]), consistent(funds["town1"])
    assert county.balance_fen == 5_000_000 and town1.balance_fen == 5_000_000
    allocation = LedgerEntry.objects.get(kind=EntryKind.ALLOCATION)
    transfer = allocation.counterpart
    assert transfer.fund == town1 and transfer.source == IncomeSource.TRANSFER
    assert transfer.counterpart == allocation
    gift = services.record_income(actor=approver, fund=county, amount_fen=12_345,
                                  source="donation", on=DAY, voucher="JZ-7", donor="爱心企业甲",
                                  receipt_number="SJ-0001")
    assert gift.donor == "爱心企业甲" and gift.created_by == approver
    assert consistent(county).balance_fen == 5_012_345
    event = AuditEvent.objects.get(object_type="funds.ledgerentry", object_id=str(gift.pk))
    assert event.detail["amount"] == "123.45"


@pytest.mark.parametrize(("change", "path"), [
    ({"amount_fen": 0}, "amount"), ({"amount_fen": -5}, "amount"), ({"source": "x"}, "source"),
    ({"source": "transfer"}, "source"), ({"voucher": " "}, "voucher"),
    ({"on": date(2099, 1, 1)}, "on"), ({"source": "donation", "donor": ""}, "donor"),
    ({"source": "donation", "donor": "甲", "receipt_number": ""}, "receipt_number"),
])
def test_income_refusals_name_the_field(funds, approver, change, path):
    args = {"actor": approver, "fund": funds["county"], "amount_fen": 100, "source": "fiscal",
            "on": DAY, "voucher": "V1", **change}
    refused(lambda: services.record_income(**args), path=path)


def test_who_may_record_income(funds, reviewer, other_reviewer, supervisor, sysadmin, tree):
    args = {"fund": funds["county"], "amount_fen": 100, "source": "fiscal", "on": DAY,
            "voucher": "V1"}
    # a township reviewer does not see the county fund: not found
    refused(lambda: services.record_income(actor=reviewer, **args), ErrorCode.NOT_FOUND)
    # a supervisor sees it but may not record
    refused(lambda: services.record_income(actor=supervisor, **args), ErrorCode.FORBIDDEN)
    services.record_income(actor=sysadmin, **args)
    consistent(funds["county"])


def test_allocation_above_available_is_refused(funds, approver):
    county = funds["county"]
    error = refused(lambda: services.allocate(
        actor=approver, fund=county, reserve=funds["town2"], amount_fen=5_000_001, on=DAY,
        voucher="HB-2"), ErrorCode.INSUFFICIENT_FUNDS, "amount")
    assert error.extra == {"available": "50000.00"}
    assert "50000.00" in error.message
    refused(lambda: services.allocate(actor=approver, fund=county, reserve=funds["city"],
                                      amount_fen=1, on=DAY, voucher="X"), path="reserve")
    refused(lambda: services.allocate(actor=approver, fund=county, reserve=funds["town2"],
                                      amount_fen=1, on=DAY, voucher=""), path="voucher")


def test_commit_pay_release(funds, reviewer, window_worker, tree):
    town1 = funds["town1"]
    commitment = services.commit(actor=reviewer, fund=town1, amount_fen=300_000, case_id=7,
                                 case_number="JN990102001202600001", township=tree["town1"],
                                 level="red")
    town1 = consistent(town1)
    assert town1.committed_fen == 300_000 and town1.balance_fen == 5_000_000
    assert selectors.available(town1) == 4_700_000
    assert selectors.case_total_fen(7) == 300_000
    payment = services.pay(actor=window_worker, commitment=commitment, payee="陈老汉",
                           method="cash", voucher="ZF-1")
    assert payment.amount_fen == 300_000 and payment.case_id == 7 and payment.level == "red"
    town1 = consistent(town1)
    assert (town1.balance_fen, town1.committed_fen) == (4_700_000, 0)
    assert selectors.case_total_fen(7) == 300_000
    # paid once: a second payment or a release is a 409, nothing written
    refused(lambda: services.pay(actor=window_worker, commitment=commitment, payee="陈老汉",
                                 method="cash", voucher="ZF-2"), ErrorCode.STEP_NOT_ALLOWED)
    refused(lambda: services.release(actor=reviewer, commitment=commitment, reason="重复"),
            ErrorCode.STEP_NOT_ALLOWED)
    second = services.commit(actor=reviewer, fund=town1, amount_fen=100_000, case_id=7)
    assert selectors.case_total_fen(7) == 400_000
    refused(lambda: services.release(actor=reviewer, commitment=second, reason=""),
            path="reason")
    services.release(actor=reviewer, commitment=second, reason="家庭已获其他救助")
    assert selectors.case_total_fen(7) == 300_000
    consistent(town1)


def test_payment_refusals_name_the_field(funds, reviewer):
    commitment = services.commit(actor=reviewer, fund=funds["town1"], amount_fen=1, case_id=1)
    for change, path in [({"payee": ""}, "payee"), ({"method": "card"}, "method"),
                         ({"voucher": ""}, "voucher")]:
        args = {"payee": "甲", "method": "bank", "voucher": "V", **change}
        refused(lambda args=args: services.pay(actor=reviewer, commitment=commitment, **args),
                path=path)


def test_commit_above_available_names_it(funds, reviewer, other_reviewer):
    town1 = funds["town1"]
    services.commit(actor=reviewer, fund=town1, amount_fen=4_999_000, case_id=1)
    error = refused(lambda: services.commit(actor=reviewer, fund=town1, amount_fen=1_001,
                                            case_id=2), ErrorCode.INSUFFICIENT_FUNDS, "amount")
    assert error.extra["available"] == "10.00"
    assert error.as_dict()["available"] == "10.00"
    assert "10.00" in error.message
    services.commit(actor=reviewer, fund=town1, amount_fen=1_000, case_id=2)
    assert fresh(town1).available_fen == 0
    # another township's reviewer does not see this reserve
    refused(lambda: services.commit(actor=other_reviewer, fund=town1, amount_fen=1, case_id=3),
            ErrorCode.NOT_FOUND)


def test_recover_and_reverse(funds, approver, reviewer, tree):
    county, town1 = funds["county"], funds["town1"]
    recovery = services.recover(actor=approver, fund=county, amount_fen=50_000, on=DAY,
                                voucher="ZH-1", case_id=9)
    assert consistent(county).balance_fen == 5_050_000
    refused(lambda: services.recover(actor=reviewer, fund=town1, amount_fen=1, on=DAY,
                                     voucher="V"), ErrorCode.FORBIDDEN)
    back = services.reverse(actor=approver, entry=recovery, reason="重复记账")
    assert back.amount_fen == -50_000 and back.reverses == recovery
    assert consistent(county).balance_fen == 5_000_000
    refused(lambda: services.reverse(actor=approver, entry=recovery, reason="再冲"),
            ErrorCode.STEP_NOT_ALLOWED)
    refused(lambda: services.reverse(actor=approver, entry=back, reason="再冲"),
            ErrorCode.STEP_NOT_ALLOWED)
    refused(lambda: services.reverse(actor=approver, entry=recovery, reason=""), path="reason")
    # an allocation is reversed with the reserve's transfer income
    allocation = LedgerEntry.objects.get(kind=EntryKind.ALLOCATION)
    refused(lambda: services.reverse(actor=approver, entry=allocation.counterpart, reason="x"),
            ErrorCode.STEP_NOT_ALLOWED)
    commitment = services.commit(actor=reviewer, fund=town1, amount_fen=4_000_000, case_id=4)
    refused(lambda: services.reverse(actor=approver, entry=allocation, reason="划错"),
            ErrorCode.INSUFFICIENT_FUNDS, "amount")
    refused(lambda: services.reverse(actor=approver, entry=commitment, reason="x"),
            ErrorCode.STEP_NOT_ALLOWED)
    services.release(actor=reviewer, commitment=commitment, reason="撤销")
    reversal = services.reverse(actor=approver, entry=allocation, reason="划错")
    assert reversal.counterpart.fund == town1 and reversal.counterpart.amount_fen == -5_000_000
    assert consistent(county).balance_fen == 10_000_000
    assert consistent(town1).balance_fen == 0
    # a reversed payment takes the payment off the case's total
    services.allocate(actor=approver, fund=county, reserve=town1, amount_fen=1_000, on=DAY,
                      voucher="HB-9")
    c = services.commit(actor=reviewer, fund=town1, amount_fen=600, case_id=5)
    paid = services.pay(actor=reviewer, commitment=c, payee="甲", method="bank", voucher="Z")
    assert selectors.case_total_fen(5) == 600
    services.reverse(actor=approver, entry=paid, reason="退回")
    assert selectors.case_total_fen(5) == 0
    assert consistent(town1).balance_fen == 1_000


def test_the_ledger_is_append_only(funds):
    entry = LedgerEntry.objects.first()
    entry.amount_fen = 1
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.all().update(amount_fen=1)
    with pytest.raises(PermissionError):
        LedgerEntry.objects.all().delete()


def test_reserve_and_county_fund_lookups(funds, tree):
    assert selectors.reserve_for(tree["town1"]) == funds["town1"]
    assert selectors.reserve_for(tree["grid2"]) == funds["town2"]
    assert selectors.reserve_for(tree["county"]) is None
    assert selectors.county_fund_for(tree["village1"]) == funds["county"]
    assert selectors.county_fund_for(tree["city"]) == funds["city"]


def test_replenishment(funds, reviewer, approver, other_reviewer, tree):
    town1, county = funds["town1"], funds["county"]
    refused(lambda: services.request_replenishment(actor=reviewer, reserve=town1),
            path="payments")
    for case_id, amount in ((1, 200_000), (2, 300_000)):
        c = services.commit(actor=reviewer, fund=town1, amount_fen=amount, case_id=case_id,
                            township=tree["town1"], level="yellow")
        services.pay(actor=reviewer, commitment=c, payee="甲", method="bank", voucher="Z")
    refused(lambda: services.request_replenishment(actor=approver, reserve=town1),
            ErrorCode.FORBIDDEN)
    refused(lambda: services.request_replenishment(actor=other_reviewer, reserve=town1),
            ErrorCode.NOT_FOUND)
    request = services.request_replenishment(actor=reviewer, reserve=town1, note="二季度")
    assert request.amount_fen == 500_000 and request.payments.count() == 2
    refused(lambda: services.request_replenishment(actor=reviewer, reserve=town1),
            ErrorCode.STEP_NOT_ALLOWED)
    refused(lambda: services.decide_replenishment(actor=reviewer, replenishment=request,
                                                  approve=True, voucher="B"),
            ErrorCode.NOT_FOUND)
    refused(lambda: services.decide_replenishment(actor=approver, replenishment=request,
                                                  approve=True, voucher=""), path="voucher")
    services.decide_replenishment(actor=approver, replenishment=request, approve=True,
                                  voucher="BC-1")
    request = Replenishment.objects.get(pk=request.pk)
    assert request.state == ReplenishmentState.APPROVED
    assert request.allocation.amount_fen == 500_000
    assert consistent(town1).balance_fen == 5_000_000
    assert consistent(county).balance_fen == 4_500_000
    refused(lambda: services.decide_replenishment(actor=approver, replenishment=request,
                                                  approve=False, reason="x"),
            ErrorCode.STEP_NOT_ALLOWED)
    # the approved payments are not asked for again
    refused(lambda: services.request_replenishment(actor=reviewer, reserve=town1),
            path="payments")


def test_refused_replenishment_and_insufficient_county_fund(funds, reviewer, approver, tree):
    town1 = funds["town1"]
    c = services.commit(actor=reviewer, fund=town1, amount_fen=4_000_000, case_id=1)
    services.pay(actor=reviewer, commitment=c, payee="甲", method="bank", voucher="Z")
    request = services.request_replenishment(actor=reviewer, reserve=town1)
    services.allocate(actor=SYSTEM, fund=funds["county"], reserve=funds["town2"],
                      amount_fen=4_000_000, on=DAY, voucher="HB")
    refused(lambda: services.decide_replenishment(actor=approver, replenishment=request,
                                                  approve=True, voucher="B"),
            ErrorCode.INSUFFICIENT_FUNDS, "amount")
    refused(lambda: services.decide_replenishment(actor=approver, replenishment=request,
                                                  approve=False), path="reason")
    services.decide_replenishment(actor=approver, replenishment=request, approve=False,
                                  reason="基金余额不足，下月再报")
    assert Replenishment.objects.get(pk=request.pk).state == ReplenishmentState.REFUSED
    # a refused request's payments may be asked for again
    again = services.request_replenishment(actor=reviewer, reserve=town1)
    assert again.amount_fen == 4_000_000
