"""Emergency cases (急难个案, 40-emergency-social.md §1): the urgent-need assessment and its
history, the first help (先行救助) paid from a fund, referrals and the event's photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import (
    ApprovalLevel,
    CaseState,
    Cause,
    HelpMethod,
    HelpState,
    Level,
    ReferralOutcome,
    ReferralTarget,
    Response,
    Source,
)


class EmergencyCase(models.Model):
    """An emergency case (急难个案): one event of one household, assessed by colour, with a
    response deadline; its state changes only through ``workflow.CASE_WORKFLOW``."""

    number = models.CharField(_("个案编号"), max_length=40, unique=True)
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT,
                                  related_name="emergency_cases", verbose_name=_("家庭"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在村（社区）或网格"))
    region_path = models.CharField(max_length=128, db_index=True)
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("乡镇（街道）"))
    source = models.CharField(_("发现渠道"), max_length=20, choices=Source.choices)
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("线索"))
    cause = models.CharField(_("致困原因"), max_length=20, choices=Cause.choices)
    occurred_on = models.DateField(_("发生日期"))
    narrative = models.TextField(_("事件经过"))
    sudden_expense_fen = models.BigIntegerField(_("突发刚性支出（分）"), default=0)
    level = models.CharField(_("响应等级"), max_length=8, choices=Level.choices, db_index=True)
    score = models.PositiveSmallIntegerField(_("评估得分"), default=0)
    critical = models.JSONField(_("必要项"), default=list, blank=True)
    ticked = models.JSONField(_("符合的评估项"), default=list, blank=True)
    explanation = models.TextField(_("评估说明"), blank=True)
    parameters_effective = models.DateField(_("参数生效日期"))
    standard_fen = models.BigIntegerField(_("低保标准（分/人/月）"), default=0)
    size = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    opened_at = models.DateTimeField(_("登记时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("登记人"))
    level_at = models.DateTimeField(_("当前等级评定时间"))
    respond_by = models.DateTimeField(_("响应时限"), db_index=True)
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    response = models.CharField(_("响应方式"), max_length=16, choices=Response.choices,
                                blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=CaseState.choices,
                             default=CaseState.OPEN, db_index=True)
    application = models.ForeignKey("applications.Application", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("临时救助申请"))
    papers_due = models.DateField(_("补办手续期限"), null=True, blank=True)
    papers_done_at = models.DateTimeField(_("补办完成时间"), null=True, blank=True)
    monitoring_reason = models.TextField(_("纳入监测理由"), blank=True)
    no_help_reason = models.TextField(_("不予救助理由"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closing_note = models.TextField(_("办结说明"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("急难个案")
        verbose_name_plural = _("急难个案")
        indexes = [models.Index(fields=["region_path", "state"])]

    def __str__(self) -> str:
        return self.number


class UrgentAssessmentRecord(models.Model):
    """One assessment of a case (评估记录): the first at opening, then every re-assessment."""

    case = models.ForeignKey(EmergencyCase, on_delete=models.CASCADE,
                             related_name="assessments", verbose_name=_("急难个案"))
    ticked = models.JSONField(_("符合的评估项"), default=list)
    score = models.PositiveSmallIntegerField(_("评估得分"))
    level = models.CharField(_("响应等级"), max_length=8, choices=Level.choices)
    critical = models.JSONField(_("必要项"), default=list, blank=True)
    explanation = models.TextField(_("评估说明"))
    parameters_effective = models.DateField(_("参数生效日期"))
    sudden_expense_fen = models.BigIntegerField(_("突发刚性支出（分）"), default=0)
    reason = models.TextField(_("重新评估理由"), blank=True)
    assessed_at = models.DateTimeField(_("评估时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+",
                           verbose_name=_("评估人"))

    class Meta:
        ordering = ["assessed_at", "id"]
        verbose_name = _("急难评估记录")
        verbose_name_plural = _("急难评估记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.level} {self.score}"


class EventPhoto(models.Model):
    """A photo of the event (JPEG or PNG, recognised by content)."""

    case = models.ForeignKey(EmergencyCase, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="emergency/%Y/%m/")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("事件照片")
        verbose_name_plural = _("事件照片")

    def __str__(self) -> str:
        return self.original_name or self.sha256[:16]


class Referral(models.Model):
    """A referral (转介) to a department (through the one window's transfer) or to a service
    organisation, tracked to an outcome."""

    case = models.ForeignKey(EmergencyCase, on_delete=models.CASCADE,
                             related_name="referrals", verbose_name=_("急难个案"))
    target = models.CharField(_("转介对象"), max_length=16, choices=ReferralTarget.choices)
    department = models.CharField(_("部门代码"), max_length=16, blank=True)
    department_name = models.CharField(_("部门"), max_length=100, blank=True)
    organisation = models.CharField(_("服务机构"), max_length=200, blank=True)
    request_item = models.ForeignKey("intake.RequestItem", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("综合受理事项"))
    note = models.TextField(_("转介说明"), blank=True)
    due_on = models.DateField(_("答复期限"))
    outcome = models.CharField(_("结果"), max_length=16, choices=ReferralOutcome.choices,
                               default=ReferralOutcome.PENDING)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    created_at = models.DateTimeField(_("转介时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("转介人"))
    recorded_at = models.DateTimeField(_("结果记录时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("记录人"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("转介")
        verbose_name_plural = _("转介")

    def __str__(self) -> str:
        return f"{self.case_id} {self.department or self.organisation}"

    def outcome_on(self, today) -> str:  # type: ignore[no-untyped-def]
        """The outcome as shown on ``today``: what was recorded; else, for a department, how
        the one window's item ended (finished granted → done, not granted or returned →
        refused); a referral still pending past its due date has had no answer in time
        (逾期未答复)."""
        if self.outcome != ReferralOutcome.PENDING:
            return self.outcome
        item = self.request_item if self.request_item_id else None
        if item is not None and item.state == "finished":
            return ReferralOutcome.DONE if item.result == "granted" else ReferralOutcome.REFUSED
        if item is not None and item.state == "returned":
            return ReferralOutcome.REFUSED
        if today > self.due_on:
            return ReferralOutcome.NO_ANSWER
        return self.outcome


class FirstHelp(models.Model):
    """First help (先行救助) approved for a case: reserved in a fund (a commitment) when
    approved, paid against a receipt signed by the payee."""

    case = models.ForeignKey(EmergencyCase, on_delete=models.CASCADE, related_name="helps",
                             verbose_name=_("急难个案"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("资金来源"))
    commitment = models.ForeignKey("funds.LedgerEntry", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("预留分录"))
    payment = models.ForeignKey("funds.LedgerEntry", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("支付分录"))
    method = models.CharField(_("发放方式"), max_length=8, choices=HelpMethod.choices)
    payee = models.CharField(_("领取人"), max_length=64)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("批准人"))
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_level = models.CharField(_("审批层级"), max_length=10,
                                      choices=ApprovalLevel.choices,
                                      default=ApprovalLevel.TOWNSHIP)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("乡镇审核人"))
    requested_at = models.DateTimeField(_("乡镇审核时间"), null=True, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    receipt_signature = models.FileField(_("领取人签名"), upload_to="emergency/signatures/%Y/%m/",
                                         blank=True)
    voucher = models.CharField(_("凭证号"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("发放人"))
    released_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    release_reason = models.TextField(_("撤销理由"), blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=HelpState.choices,
                             default=HelpState.APPROVED)

    class Meta:
        ordering = ["id"]
        verbose_name = _("先行救助")
        verbose_name_plural = _("先行救助")

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount_fen}"


class CaseStep(models.Model):
    """One step taken on a case (办理记录), with who and when; the audit log has it too."""

    case = models.ForeignKey(EmergencyCase, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("动作"), max_length=32)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("急难个案办理记录")
        verbose_name_plural = _("急难个案办理记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"
