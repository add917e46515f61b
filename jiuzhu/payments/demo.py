"""Demo payments (发放) of the demo county: a bank account for every family with an approved
case, and per township last month's payroll confirmed and this month's generated (a draft
the reviewer can still generate again). Through ``payments.services``, by the demo
reviewer of 城关街道 (the county approver elsewhere). Idempotent: a family with an account
keeps it, a payroll that exists is not generated again."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiuzhu.accounts.demo import demo_user
from jiuzhu.applications.choices import State
from jiuzhu.applications.models import Application
from jiuzhu.core.access import SYSTEM
from jiuzhu.regions.models import Region

from .choices import PayrollStatus
from .models import BankAccount, Payroll
from .months import add_months, month_of

BANKS = ["示范县农村商业银行", "中国农业银行示范县支行", "中国邮政储蓄银行示范县支行"]


def load_bank_accounts(county: Region) -> int:
    """An account for every family of the county with an approved (or paid) case."""
    from .services import bank_account_set

    windows = {code: demo_user(name) for code, name in
               (("990102001", "window1"), ("990102002", "window2"), ("990102003", "window3"))}
    cases = (Application.objects.within(county)
             .filter(state__in=[State.APPROVED, State.IN_PAYMENT, State.SUSPENDED])
             .exclude(household__in=BankAccount.objects.values("household"))
             .select_related("household__region").order_by("household__household_id"))
    added = 0
    for application in cases:
        household = application.household
        if BankAccount.objects.filter(household=household).exists():
            continue  # two cases of one family
        head = household.members.filter(relation="head").values_list("name", flat=True).first()
        digits = "".join(c for c in household.household_id if c.isdigit())[-15:]
        bank_account_set(actor=windows.get(household.region.code[:9]) or SYSTEM,
                         household=household, bank_name=BANKS[int(digits) % len(BANKS)],
                         account_number=f"6217{digits:0>15}", holder_name=head or "户主")
        added += 1
    return added


def load_payrolls(townships: list[Region]) -> dict[str, int]:
    """Last month's payroll of each township generated and confirmed, this month's
    generated (a draft)."""
    from .services import payroll_confirm, payroll_generate

    this_month = month_of(timezone.localdate())
    previous = add_months(this_month, -1)
    approver = demo_user("approver1")
    made = {"generated": 0, "confirmed": 0}
    for township in townships:
        actor: Any = (demo_user("reviewer1") if township.code == "990102001" else None) \
            or approver or SYSTEM
        for month in (previous, this_month):
            payroll = Payroll.objects.filter(township=township, month=month).first()
            if payroll is None:
                payroll = payroll_generate(actor=actor, township=township, month=month)
                made["generated"] += 1
            if month == previous and payroll.status == PayrollStatus.DRAFT:
                payroll_confirm(actor=actor, payroll=payroll)
                made["confirmed"] += 1
    return made


def load_payments_demo(regions: dict[str, Region]) -> dict[str, int]:
    county = regions["990102"]
    townships = sorted((r for r in regions.values() if r.level == "township"),
                       key=lambda r: r.code)
    return {"accounts_added": load_bank_accounts(county), **load_payrolls(townships)}
