"""Emergency funds (救急难基金), township reserves (乡镇备用金), their append-only ledger and
the reserves' replenishment requests.

Balance = income + recovery − allocation − payment; available = balance − open
commitments (a commitment is open until a payment or a release names it). The fund row
keeps ``balance_fen`` and ``committed_fen`` in step with its entries: the services change
them under the fund row's lock, in the transaction that writes the entry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.models import AppendOnly, AppendOnlyQuerySetMixin

from .choices import (
    EntryKind,
    FundKind,
    HelpLevel,
    IncomeSource,
    PaymentMethod,
    ReplenishmentState,
)


class Fund(models.Model):
    """A fund of a region (示范县救急难基金) or a township's reserve (城关街道备用金)."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    kind = models.CharField(_("类别"), max_length=16, choices=FundKind.choices,
                            default=FundKind.FUND)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("上级基金"))
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0)
    committed_fen = models.BigIntegerField(_("已预留（分）"), default=0)
    created_at = models.DateTimeField(_("设立时间"), auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["region_path", "kind", "id"]
        verbose_name = _("救急难基金")
        verbose_name_plural = _("救急难基金")
        constraints = [
            models.UniqueConstraint(fields=["region", "kind"], name="fund_one_per_region_kind"),
            models.CheckConstraint(condition=Q(committed_fen__gte=0), name="fund_committed_gte_0"),
            models.CheckConstraint(condition=Q(balance_fen__gte=models.F("committed_fen")),
                                   name="fund_available_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available_fen(self) -> int:
        return self.balance_fen - self.committed_fen


class LedgerQuerySet(AppendOnlyQuerySetMixin, VisibleQuerySet["LedgerEntry"]):
    """Entries are appended only: ``update`` and ``delete`` are refused."""


class LedgerEntry(AppendOnly):
    """One entry of a fund's ledger (台账). Never changed nor deleted: a correction is a
    new entry of the same kind that ``reverses`` it, with the negated amount."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("基金"))
    region_path = models.CharField(max_length=128, db_index=True)
    kind = models.CharField(_("类别"), max_length=16, choices=EntryKind.choices, db_index=True)
    source = models.CharField(_("资金来源"), max_length=16, choices=IncomeSource.choices,
                              blank=True)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    on = models.DateField(_("日期"), db_index=True)
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("经办人"))
    voucher = models.CharField(_("凭证号"), max_length=64, blank=True)
    case_id = models.BigIntegerField(_("急难个案"), null=True, blank=True, db_index=True)
    case_number = models.CharField(_("个案编号"), max_length=32, blank=True)
    document_number = models.CharField(_("文书编号"), max_length=64, blank=True)
    donor = models.CharField(_("捐赠人"), max_length=100, blank=True)
    receipt_number = models.CharField(_("收据号"), max_length=64, blank=True)
    payee = models.CharField(_("收款人"), max_length=100, blank=True)
    method = models.CharField(_("发放方式"), max_length=8, choices=PaymentMethod.choices,
                              blank=True)
    commitment = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="closings", verbose_name=_("对应预留"))
    counterpart = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("对应分录"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name=_("冲销的分录"))
    township = models.ForeignKey("regions.Region", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("救助所在乡镇"))
    level = models.CharField(_("响应等级"), max_length=8, choices=HelpLevel.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)

    refused_change = "基金台账只能追加，不能修改；更正请记一笔冲销"
    refused_delete = "基金台账只能追加，不能删除；更正请记一笔冲销"

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("基金台账分录")
        verbose_name_plural = _("基金台账分录")
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True, amount_fen__gt=0)
                           | Q(reverses__isnull=False, amount_fen__lt=0)),
                name="ledger_amount_sign"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_fen} {self.on}"

    @property
    def signed_fen(self) -> int:
        """What the entry does to the balance (commitments and releases: nothing)."""
        if self.kind in (EntryKind.INCOME, EntryKind.RECOVERY):
            return self.amount_fen
        if self.kind in (EntryKind.ALLOCATION, EntryKind.PAYMENT):
            return -self.amount_fen
        return 0


class Replenishment(models.Model):
    """A township's request to replenish its reserve (备用金补充申请) with the payments made
    from it since the last one; approving it allocates the amount from the county fund."""

    reserve = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="replenishments",
                                verbose_name=_("备用金"))
    region_path = models.CharField(max_length=128, db_index=True)
    amount_fen = models.BigIntegerField(_("申请金额（分）"))
    payments = models.ManyToManyField(LedgerEntry, related_name="replenishments",
                                      verbose_name=_("支付明细"))
    state = models.CharField(_("状态"), max_length=16, choices=ReplenishmentState.choices,
                             default=ReplenishmentState.REQUESTED, db_index=True)
    allocation = models.ForeignKey(LedgerEntry, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("补充划拨"))
    note = models.TextField(_("申请说明"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reason = models.TextField(_("审批意见"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("备用金补充申请")
        verbose_name_plural = _("备用金补充申请")

    def __str__(self) -> str:
        return f"{self.reserve} {self.amount_fen}"
