"""Points (公益积分) in a double-entry ledger, and the charity supermarket (慈善爱心超市).

Each county has one ledger: its accounts (volunteers, families, supermarkets, and two
system accounts — 积分发放 ``issuer`` and 兑换核销 ``redeemed``) and its entries. An entry
moves ``amount`` points from its ``debit`` account (points leave it) to its ``credit``
account (points arrive), so the sum of all balances of a ledger is always 0; the issuer's
balance is −issued, the redeemed account's +redeemed, hence the holders' balances (volunteer,
family, supermarket) sum to issued − redeemed. ``PointAccount.balance`` is kept in step with
the entries by the services, under the accounts' row locks. Entries are append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.models import AppendOnly, AppendOnlyQuerySetMixin

from .choices import AccountKind, EntryKind, MoveKind

_APPEND_ONLY = "积分分录只能追加，不能修改或删除"


class PointAccount(models.Model):
    """An account of a county's points ledger: a volunteer's (志愿者/服务商), a family's, a
    supermarket's, or one of the ledger's two system accounts."""

    kind = models.CharField(_("类别"), max_length=16, choices=AccountKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    #: what the account is of: ``provider:<key>``, ``household:<id>``, ``supermarket:<code>``,
    #: ``issuer``, ``redeemed`` — unique in its ledger
    holder_key = models.CharField(_("账户标识"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="point_accounts",
                             verbose_name=_("志愿者账号"))
    household = models.ForeignKey("households.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="point_accounts",
                                  verbose_name=_("家庭"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    #: the county whose ledger the account belongs to
    ledger = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属县"))
    balance = models.BigIntegerField(_("积分余额"), default=0)
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.UniqueConstraint(fields=["ledger", "holder_key"],
                                    name="points_account_one_per_holder"),
            models.CheckConstraint(
                condition=Q(kind__in=["issuer", "redeemed"]) | Q(balance__gte=0),
                name="points_holder_balance_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_system(self) -> bool:
        return self.kind in (AccountKind.ISSUER, AccountKind.REDEEMED)


class EntryQuerySet(AppendOnlyQuerySetMixin, VisibleQuerySet["PointEntry"]):
    """Entries are appended only: ``update`` and ``delete`` are refused."""


class PointEntry(AppendOnly):
    """One entry: ``amount`` points from ``debit`` to ``credit``. An issue names the confirmed
    service order behind it (once per order), a redemption its :class:`Redemption`."""

    kind = models.CharField(_("类别"), max_length=16, choices=EntryKind.choices, db_index=True)
    debit = models.ForeignKey(PointAccount, on_delete=models.PROTECT, related_name="debits",
                              verbose_name=_("转出账户"))
    credit = models.ForeignKey(PointAccount, on_delete=models.PROTECT, related_name="credits",
                               verbose_name=_("转入账户"))
    amount = models.PositiveIntegerField(_("积分"))
    order_id = models.BigIntegerField(_("服务订单"), null=True, blank=True, unique=True)
    redemption = models.OneToOneField("Redemption", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="entry",
                                      verbose_name=_("兑换单"))
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    on = models.DateField(_("日期"), db_index=True)
    #: the region where it happened (service, family, supermarket) — for reading
    region_path = models.CharField(max_length=128, db_index=True)
    ledger = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属县"))
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("经办人"))

    refused_change = _APPEND_ONLY

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("积分分录")
        verbose_name_plural = _("积分分录")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="points_entry_amount_gt_0"),
            models.CheckConstraint(condition=~Q(debit=models.F("credit")),
                                   name="points_entry_two_accounts"),
            models.CheckConstraint(
                condition=(Q(kind="issue", order_id__isnull=False)
                           | Q(kind="redeem", redemption__isnull=False)
                           | Q(kind="transfer")),
                name="points_entry_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.on}"


class Good(models.Model):
    """A good of a charity supermarket (爱心超市), priced in points, with its stock."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    name = models.CharField(_("物品名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=16, default="件")
    price = models.PositiveIntegerField(_("兑换积分"))
    stock = models.IntegerField(_("库存"), default=0)
    active = models.BooleanField(_("在售"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["region_path", "name", "id"]
        verbose_name = _("超市物品")
        verbose_name_plural = _("超市物品")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="points_good_name_unique"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="points_good_stock_gte_0"),
            models.CheckConstraint(condition=Q(price__gt=0), name="points_good_price_gt_0"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """A redemption at the counter (兑换单): an account's points for goods."""

    account = models.ForeignKey(PointAccount, on_delete=models.PROTECT,
                                related_name="redemptions", verbose_name=_("积分账户"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("超市所在区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    total = models.PositiveIntegerField(_("合计积分"))
    on = models.DateField(_("日期"), db_index=True)
    created_at = models.DateTimeField(_("兑换时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("经办人"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("兑换单")
        verbose_name_plural = _("兑换单")

    def __str__(self) -> str:
        return f"{self.account.name} {self.total}"


class StockMove(models.Model):
    """A move of a good's stock: in (a donation in kind with its donor, a purchase) or out
    (a redemption's line). ``quantity`` is positive; the kind gives the direction."""

    good = models.ForeignKey(Good, on_delete=models.PROTECT, related_name="moves",
                             verbose_name=_("物品"))
    kind = models.CharField(_("类别"), max_length=16, choices=MoveKind.choices, db_index=True)
    quantity = models.PositiveIntegerField(_("数量"))
    donor = models.CharField(_("捐赠人"), max_length=100, blank=True)
    redemption = models.ForeignKey(Redemption, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="lines", verbose_name=_("兑换单"))
    points = models.PositiveIntegerField(_("积分"), default=0)
    on = models.DateField(_("日期"), db_index=True)
    region_path = models.CharField(max_length=128, db_index=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("经办人"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("库存变动")
        verbose_name_plural = _("库存变动")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="points_move_quantity_gt_0"),
            models.CheckConstraint(
                condition=~Q(kind="donation") | ~Q(donor=""), name="points_donation_has_donor"),
            models.CheckConstraint(
                condition=~Q(kind="redemption") | Q(redemption__isnull=False),
                name="points_redemption_move_has_redemption"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.good.name} {self.quantity}"

    @property
    def is_in(self) -> bool:
        return self.kind != MoveKind.REDEMPTION
