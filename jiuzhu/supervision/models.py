from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.fields import FenField

from .choices import Closure, Outcome, TaskStatus, TipOffAction, TipOffSource, TipOffStatus


class ReviewTask(models.Model):
    """A periodic review (定期复核, 动态管理) of an approved case, due on a date."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="review_tasks", verbose_name=_("申请"))
    region_path = models.CharField(max_length=128, db_index=True)
    review_class = models.CharField(_("复核类别"), max_length=1)
    due_on = models.DateField(_("应复核日期"), db_index=True)
    status = models.CharField(_("状态"), max_length=8, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN, db_index=True)
    outcome = models.CharField(_("复核结果"), max_length=16, choices=Outcome.choices,
                               blank=True)
    assessment = models.ForeignKey("assessments.Assessment", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    amount_before = FenField(_("原保障金"), null=True, blank=True)
    amount_after = FenField(_("复核后保障金"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("复核人"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("复核任务")
        verbose_name_plural = _("复核任务")
        constraints = [models.UniqueConstraint(
            fields=["application"], condition=models.Q(status="open"),
            name="review_task_one_open_per_application")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.review_class} {self.due_on}"


class PhaseOut(models.Model):
    """A phase-out (渐退): the benefit goes on at ``amount`` up to and including the month
    ``until``, then the case is stopped."""

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE,
                                       related_name="phase_out", verbose_name=_("申请"))
    started_on = models.DateField(_("开始日期"))
    until = models.DateField(_("渐退截止月"))
    amount = FenField(_("渐退期保障金"))
    reason = models.TextField(_("原因"), blank=True)
    ended = models.BooleanField(_("已结束"), default=False)

    class Meta:
        verbose_name = _("渐退")
        verbose_name_plural = _("渐退")

    def __str__(self) -> str:
        return f"{self.application_id} → {self.until:%Y-%m}"


class TipOff(models.Model):
    """A tip-off (举报) about a household receiving assistance, and its handling."""

    household = models.ForeignKey("households.Household", on_delete=models.PROTECT,
                                  related_name="tip_offs", verbose_name=_("家庭"))
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="tip_offs", verbose_name=_("申请"))
    region_path = models.CharField(max_length=128, db_index=True)
    source = models.CharField(_("来源"), max_length=16, choices=TipOffSource.choices)
    content = models.TextField(_("举报内容"))
    received_on = models.DateField(_("收到日期"))
    status = models.CharField(_("状态"), max_length=8, choices=TipOffStatus.choices,
                              default=TipOffStatus.OPEN, db_index=True)
    findings = models.TextField(_("核查情况"), blank=True)
    recovery_amount = FenField(_("责令退还金额"), null=True, blank=True)
    closure = models.CharField(_("结案处理"), max_length=8, choices=Closure.choices, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("举报")
        verbose_name_plural = _("举报")

    def __str__(self) -> str:
        return f"举报 {self.pk} {self.household_id}"


class TipOffEvent(models.Model):
    """One action taken on a tip-off, with the document it produced."""

    tip_off = models.ForeignKey(TipOff, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=16, choices=TipOffAction.choices)
    document_code = models.CharField(_("文书"), max_length=8, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("核查处理记录")
        verbose_name_plural = _("核查处理记录")

    def __str__(self) -> str:
        return f"{self.tip_off_id} {self.action}"
