"""The monthly payroll (发放花名册) and bank accounts."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jiuzhu.applications.models import Application, ApplicationStep
from jiuzhu.core.errors import ServiceError
from jiuzhu.payments.models import Payment
from jiuzhu.payments.services import bank_account_set, payroll_confirm, payroll_generate

APRIL, MARCH = date(2026, 4, 1), date(2026, 3, 1)


def test_an_approved_case_is_paid_from_the_month_after_approval(approved, people, tree):
    reviewer, town = people["reviewer"], tree["town1"]
    bank_account_set(actor=people["window"], household=approved.household, bank_name="示范农商银行",
                     account_number="6217000012345678", holder_name="张三")
    march = payroll_generate(actor=reviewer, township=town, month=MARCH)
    assert march.count == 0 and not Payment.objects.filter(month=MARCH).exists()
    approved.refresh_from_db()
    assert approved.state == "approved"

    april = payroll_generate(actor=reviewer, township=town, month=date(2026, 4, 15))
    assert april.month == APRIL and april.count == 1
    payment = Payment.objects.get(application=approved)
    assert payment.month == APRIL and payment.amount == approved.approved_amount > 0
    assert april.total == approved.approved_amount
    approved.refresh_from_db()
    assert approved.state == "in_payment"
    assert ApplicationStep.objects.filter(application=approved, action="start_payment").exists()

    again = payroll_generate(actor=reviewer, township=town, month=APRIL)
    assert again.pk == april.pk and again.count == 1
    assert Payment.objects.filter(application=approved).count() == 1

    book = load_workbook(io.BytesIO(again.file.read()))
    assert book.sheetnames == ["全部", "示范农商银行"]
    rows = list(book["全部"].iter_rows(values_only=True))
    assert rows[1] == ("序号", "姓名", "身份证号", "开户行", "账号", "金额", "月份")
    head = approved.household.members.get(relation="head")
    masked = head.id_number[:6] + "********" + head.id_number[-4:]
    assert rows[2][:5] == (1, head.name, masked, "示范农商银行", "6217000012345678")
    assert head.id_number not in str(rows)
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][5])) == approved.approved_amount
    assert len(again.sha256) == 64


def test_a_confirmed_payroll_cannot_be_generated_again(approved, people, tree):
    payroll = payroll_generate(actor=people["reviewer"], township=tree["town1"], month=APRIL)
    payroll_confirm(actor=people["approver"], payroll=payroll)
    with pytest.raises(ServiceError) as refused:
        payroll_generate(actor=people["reviewer"], township=tree["town1"], month=APRIL)
    assert refused.value.status == 409


def test_payroll_roles_and_regions(approved, people, tree):
    with pytest.raises(ServiceError) as other:
        payroll_generate(actor=people["other_reviewer"], township=tree["town1"], month=APRIL)
    assert other.value.status == 404
    with pytest.raises(ServiceError) as role:
        payroll_generate(actor=people["window"], township=tree["town1"], month=APRIL)
    assert role.value.status == 403
    assert Application.objects.get(pk=approved.pk).state == "approved"


def test_bank_account_is_checked(approved, people):
    with pytest.raises(ServiceError) as bad:
        bank_account_set(actor=people["window"], household=approved.household, bank_name="",
                         account_number="12ab", holder_name="张三")
    assert {e["path"] for e in bad.value.errors} == {"bank_name", "account_number"}
