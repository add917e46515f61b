"""政府购买家境调查 (西湖): a contract with an organisation, each case it is entrusted with,
and the settlement of a period (accepted reports × price against the advance). Money is
integer fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuzhu.calendars.alerts import AlertQuerySetMixin, Due, current_alert
from jiuzhu.core.access import VisibleQuerySet

from .choices import OPEN_STATES, FundingSource, InvestigationState


class Contract(models.Model):
    """A contract of home investigation with an organisation, signed by a county (or a
    township): price per household, advance paid, optional cap of households."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="investigation_contracts",
                                     verbose_name=_("调查机构"))
    number = models.CharField(_("合同编号"), max_length=40, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("购买服务的地区"))
    region_path = models.CharField(max_length=128, db_index=True)
    starts_on = models.DateField(_("服务期开始"))
    ends_on = models.DateField(_("服务期结束"))
    price_fen = models.PositiveBigIntegerField(_("每户价格（分）"))
    advance_fen = models.PositiveBigIntegerField(_("预付款（分）"), default=0)
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=FundingSource.choices,
                                      default=FundingSource.BUDGET)
    cap = models.PositiveIntegerField(_("户数上限"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("调查服务合同")
        verbose_name_plural = _("调查服务合同")

    def __str__(self) -> str:
        return f"{self.number} {self.organisation.name}"


class InvestigationQuerySet(AlertQuerySetMixin, VisibleQuerySet["ContractedInvestigation"]):
    def open(self) -> InvestigationQuerySet:
        return self.filter(state__in=OPEN_STATES)


class ContractedInvestigation(models.Model):
    """One case's home investigation entrusted to a contracted organisation: the
    coordinator assigns a surveyor, the surveyor reports on the phone page, the township
    accepts it (billed once, in the next settlement) or returns it with a reason."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT,
                                       related_name="contracted_investigation",
                                       verbose_name=_("申请"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT,
                                 related_name="investigations", verbose_name=_("合同"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("调查机构"))
    investigator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("调查员"))
    region_path = models.CharField(max_length=128, db_index=True)
    state = models.CharField(_("状态"), max_length=24, choices=InvestigationState.choices,
                             default=InvestigationState.ASSIGNED, db_index=True)
    assigned_at = models.DateTimeField(_("委托时间"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    investigator_assigned_at = models.DateTimeField(_("指派调查员时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    report_count = models.PositiveSmallIntegerField(_("提交次数"), default=0)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True, db_index=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("收回时间"), null=True, blank=True)
    settlement = models.ForeignKey("Settlement", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="investigations", verbose_name=_("结算"))

    objects = InvestigationQuerySet.as_manager()

    alert = current_alert()

    class Meta:
        ordering = ["-assigned_at", "-id"]
        verbose_name = _("委托调查")
        verbose_name_plural = _("委托调查")

    def __str__(self) -> str:
        return f"{self.application_id} {self.organisation_id} {self.state}"

    @classmethod
    def alert_dues(cls) -> tuple[Due, ...]:
        """The investigation step's time limit (the case's), while the assignment is open."""
        from jiuzhu.applications.models import Application

        return tuple(due.via("application", when=Q(state__in=OPEN_STATES))
                     for due in Application.alert_dues()[:1])

    def get_alert_display(self) -> str:
        from jiuzhu.applications.choices import Alert

        return str(Alert(self.alert).label)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Settlement(models.Model):
    """The settlement of a period of a contract: accepted reports × price, against what is
    left of the advance — the amount due to the organisation, or (the last period) the
    advance to refund. Locked once made: its investigations are settled."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="settlements",
                                 verbose_name=_("合同"))
    region_path = models.CharField(max_length=128, db_index=True)
    period_start = models.DateField(_("结算期开始"))
    period_end = models.DateField(_("结算期结束"))
    accepted_count = models.PositiveIntegerField(_("验收户数"))
    price_fen = models.PositiveBigIntegerField(_("每户价格（分）"))
    amount_fen = models.PositiveBigIntegerField(_("结算金额（分）"))
    advance_before_fen = models.PositiveBigIntegerField(_("期初预付款余额（分）"))
    advance_applied_fen = models.PositiveBigIntegerField(_("抵扣预付款（分）"))
    due_fen = models.PositiveBigIntegerField(_("应付机构（分）"))
    refund_fen = models.PositiveBigIntegerField(_("应退回（分）"))
    final = models.BooleanField(_("合同期末结算"), default=False)
    locked = models.BooleanField(_("已锁定"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("调查服务结算")
        verbose_name_plural = _("调查服务结算")

    def __str__(self) -> str:
        return f"{self.contract_id} {self.period_start}–{self.period_end}"

    @property
    def advance_after_fen(self) -> int:
        return self.advance_before_fen - self.advance_applied_fen - self.refund_fen
