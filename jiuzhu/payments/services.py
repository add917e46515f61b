"""Payment (发放): bank accounts and the monthly payroll list of a township."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.accounts.choices import HOUSEHOLD_EDITORS, Role
from jiuzhu.applications.choices import State
from jiuzhu.applications.models import Application
from jiuzhu.applications.programs import ONE_OFF_ITEMS
from jiuzhu.applications.services import application_step_record as record_step
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.errors import field_error as _field_error
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region

from . import hooks
from .choices import PayrollStatus
from .models import BankAccount, Payment, Payroll
from .months import month_of
from .workbook import PayrollRow, payroll_workbook

PAYROLL_ROLES = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
ACCOUNT_ROLES = HOUSEHOLD_EDITORS | {Role.TOWNSHIP_REVIEWER}


@transaction.atomic
def bank_account_set(*, actor: Any, household: Household, bank_name: str, account_number: str,
                     holder_name: str) -> BankAccount:
    """Set the account (发放账户) the household's benefit is paid into."""
    require(actor, household.region_path, "payments.set_account", what=_("家庭"))
    bank_name, holder_name = bank_name.strip(), holder_name.strip()
    account_number = account_number.replace(" ", "").strip()
    errors = []
    if not bank_name:
        errors.append({"path": "bank_name", "message": _("请填写开户行")})
    if not (account_number.isdigit() and 8 <= len(account_number) <= 32):
        errors.append({"path": "account_number", "message": _("账号应为 8–32 位数字")})
    if not holder_name:
        errors.append({"path": "holder_name", "message": _("请填写户名")})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("账户信息有误"), errors)
    account, created = BankAccount.objects.update_or_create(household=household, defaults={
        "bank_name": bank_name, "account_number": account_number, "holder_name": holder_name,
        "updated_by": actor if getattr(actor, "pk", None) else None})
    audit_record(actor=actor, action="create" if created else "update", obj=household,
                 detail={"bank_account": bank_name, "account_tail": account_number[-4:]})
    return account


@transaction.atomic
def payroll_generate(*, actor: Any, township: Region, month: date) -> Payroll:
    """The payroll (发放花名册) of ``township`` for ``month``: one payment for every case
    approved or in payment whose start month has come (a one-off temporary assistance
    only in its own month) (suspended and stopped cases are
    not paid; a phase-out over by then is stopped first). Generating the month again
    updates the same list without duplicates, until the list is confirmed. Cases still
    ``approved`` move to ``in_payment``."""
    require(actor, township.path, "payments.make_payroll", what=_("乡镇"))
    if township.level != "township":
        raise _field_error("township", _("花名册按乡镇（街道）生成"))
    month = month_of(month)
    # One generation per township at a time: the second waits, then finds the first's list.
    Region.objects.select_for_update().filter(pk=township.pk).exists()
    payroll = Payroll.objects.select_for_update().filter(township=township, month=month).first()
    if payroll is not None and payroll.status == PayrollStatus.CONFIRMED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("%(township)s%(year)s年%(month)s月花名册已确认，不能重新生成")
                           % {"township": township.name, "year": month.year, "month": f"{month.month:02d}"})
    stopped = hooks.before_payroll(actor=actor, township=township, month=month)
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    if payroll is None:
        payroll = Payroll.objects.create(township=township, region_path=township.path,
                                         month=month, generated_at=now, generated_by=user)
    # Monthly benefits from their start month on; one-off temporary assistance only in its
    # month (the month of the decision).
    due = (Q(start_month__lte=month) & ~Q(item_code__in=ONE_OFF_ITEMS)) | Q(
        start_month=month, item_code__in=ONE_OFF_ITEMS)
    cases = list(Application.objects.select_for_update(of=("self",))
                 .filter(due, region=township, state__in=[State.APPROVED, State.IN_PAYMENT])
                 .select_related("household__bank_account").prefetch_related("household__members")
                 .order_by("household__household_id", "pk"))
    rows: list[PayrollRow] = []
    for application in cases:
        amount = hooks.paid_amount(application, month)
        Payment.objects.update_or_create(application=application, month=month, defaults={
            "amount": amount, "payroll": payroll, "township": township,
            "region_path": application.region_path})
        if application.state == State.APPROVED:
            application.start_payment()
            application.save()
            record_step(application, actor, "start_payment", State.APPROVED, application.state,
                        {"payroll": payroll.pk, "month": month})
            audit_record(actor=actor, action="update", obj=application,
                         detail={"action": "start_payment", "month": str(month)})
        rows.append(_row(application, amount))
    Payment.objects.filter(payroll=payroll).exclude(application__in=cases).delete()

    content = payroll_workbook(township_name=township.name, month=month, rows=rows)
    if payroll.file:
        payroll.file.delete(save=False)
    payroll.file.save(f"payroll-{township.code}-{month:%Y%m}.xlsx", ContentFile(content),
                      save=False)
    payroll.sha256 = hashlib.sha256(content).hexdigest()
    payroll.total = sum((r.amount for r in rows), Decimal("0.00"))
    payroll.count = len(rows)
    payroll.generated_at, payroll.generated_by = now, user
    payroll.save()
    audit_record(actor=actor, action="create", obj=payroll, region_path=township.path,
                 detail={"month": str(month), "count": payroll.count, "total": str(payroll.total),
                         "sha256": payroll.sha256,
                         "stopped": [a.number for a in stopped]})
    return payroll


def _row(application: Application, amount: Decimal) -> PayrollRow:
    household = application.household
    members = list(household.members.all())
    head = next((m for m in members if m.relation == "head"), members[0] if members else None)
    account = getattr(household, "bank_account", None)
    return PayrollRow(
        name=head.name if head else household.head_name,
        id_number=head.id_number if head else "",
        bank=account.bank_name if account else "",
        account=account.account_number if account else "",
        amount=amount, household_id=household.household_id)


@transaction.atomic
def payroll_confirm(*, actor: Any, payroll: Payroll) -> Payroll:
    """Confirm (确认) the payroll: it is then final and cannot be generated again."""
    payroll = Payroll.objects.select_for_update().get(pk=payroll.pk)
    require(actor, payroll.region_path, "payments.make_payroll", what=_("花名册"))
    if payroll.status == PayrollStatus.CONFIRMED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("花名册已确认"))
    payroll.status, payroll.confirmed_at = PayrollStatus.CONFIRMED, timezone.now()
    payroll.confirmed_by = actor if getattr(actor, "pk", None) else None
    payroll.save()
    audit_record(actor=actor, action="update", obj=payroll, region_path=payroll.region_path,
                 detail={"action": "confirm", "sha256": payroll.sha256})
    return payroll
