"""Choices of the emergency funds (救急难基金): kinds of fund and of ledger entry, income
sources, payment methods, replenishment states, and who may do what."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.accounts.choices import Role


class FundKind(models.TextChoices):
    FUND = "fund", _("救急难基金")
    RESERVE = "reserve", _("乡镇备用金")


class EntryKind(models.TextChoices):
    INCOME = "income", _("收入")
    ALLOCATION = "allocation", _("划拨")
    COMMITMENT = "commitment", _("预留")
    PAYMENT = "payment", _("支付")
    RELEASE = "release", _("释放")
    RECOVERY = "recovery", _("追回")


class IncomeSource(models.TextChoices):
    FISCAL = "fiscal", _("财政专项")
    LOTTERY = "lottery", _("福彩公益金")
    POVERTY = "poverty", _("扶贫资金")
    DONATION = "donation", _("慈善捐赠")
    SOCIAL = "social", _("社会筹集")
    TRANSFER = "transfer", _("上级划拨")


#: Sources an income can be recorded with by hand (a transfer is the reserve's side of an
#: allocation, written by ``allocate``).
RECORDABLE_SOURCES = tuple(s for s in IncomeSource if s != IncomeSource.TRANSFER)


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("银行转账")
    CASH = "cash", _("现金")
    GOODS = "goods", _("实物")


class HelpLevel(models.TextChoices):
    """The emergency level of the help a commitment or payment is for (for statements)."""

    RED = "red", _("红色")
    YELLOW = "yellow", _("黄色")
    BLUE = "blue", _("蓝色")
    GREEN = "green", _("绿色")


class ReplenishmentState(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已退回")


#: Entries that add to the balance; the others (allocation, payment) take from it.
#: Commitments and releases do not move the balance, only what is available.
ADDING = frozenset({EntryKind.INCOME, EntryKind.RECOVERY})
TAKING = frozenset({EntryKind.ALLOCATION, EntryKind.PAYMENT})
#: Entries that may be corrected by a reversing entry (a commitment is released instead).
REVERSIBLE = frozenset({EntryKind.INCOME, EntryKind.ALLOCATION, EntryKind.PAYMENT,
                        EntryKind.RECOVERY})
#: Entries that need a voucher number (凭证号).
NEEDS_VOUCHER = frozenset({EntryKind.INCOME, EntryKind.ALLOCATION, EntryKind.PAYMENT,
                           EntryKind.RECOVERY})

FUND_VIEWERS = frozenset({Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER,
                          Role.SUPERVISOR, Role.ADMINISTRATOR})
FUND_MANAGERS = frozenset({Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
REPLENISHMENT_REQUESTERS = frozenset({Role.TOWNSHIP_REVIEWER})
CORRECTORS = frozenset({Role.COUNTY_APPROVER})
#: Who may reserve, pay and release help from a fund (the emergency workflow asks its own
#: permission for the step first).
# (an administrator as well: the emergency table lets an administrator take every step of a
# case, like the dibao procedure, so the money steps under it must not refuse them)
COMMITTERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
PAYERS = frozenset({Role.WINDOW_WORKER, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER,
                    Role.ADMINISTRATOR})
RELEASERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
