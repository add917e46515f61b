from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet, sees_everything
from jiuzhu.core.fields import EncryptedCharField

from .choices import LeadAction, LeadSource, LeadStatus, Outcome, TaskStatus, Urgency


class GridAssignment(models.Model):
    """A responsible worker (责任人) of a grid (责任田); a grid may have several, and a
    worker several grids."""

    grid = models.ForeignKey("regions.Region", on_delete=models.PROTECT,
                             related_name="grid_assignments", verbose_name=_("网格"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="grid_assignments", verbose_name=_("网格员"))
    region_path = models.CharField(max_length=128, db_index=True)
    assigned_at = models.DateTimeField(_("指定时间"), auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["region_path", "id"]
        verbose_name = _("网格责任人")
        verbose_name_plural = _("网格责任人")
        constraints = [models.UniqueConstraint(fields=["grid", "worker"],
                                               name="grid_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.worker_id}"


class Lead(models.Model):
    """A lead (线索): a family in difficulty reported by the hotline, a love station or a
    grid worker, until it is closed with an outcome."""

    source = models.CharField(_("线索来源"), max_length=16, choices=LeadSource.choices)
    reporter_name = models.CharField(_("报告人"), max_length=64, blank=True)
    reporter_phone = EncryptedCharField(_("报告人电话"), max_length=20, blank=True)
    station = models.ForeignKey("stations.LoveStation", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="leads",
                                verbose_name=_("爱心驿站"))
    # the station's name as reported (filled from ``station``; typed only for a station not
    # in the register yet)
    station_name = models.CharField(_("爱心驿站名称"), max_length=100, blank=True)
    person_name = models.CharField(_("被报告人姓名"), max_length=64)
    id_number = EncryptedCharField(_("身份证号"), max_length=18, blank=True)  # SM4 at rest
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在村（社区）或网格"))
    region_path = models.CharField(max_length=128, db_index=True)
    description = models.TextField(_("困难情况"))
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    status = models.CharField(_("状态"), max_length=16, choices=LeadStatus.choices,
                              default=LeadStatus.NEW, db_index=True)
    household = models.ForeignKey("households.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="leads",
                                  verbose_name=_("家庭"))
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("登记人"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("办结人"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        indexes = [models.Index(fields=["region_path", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.person_name}"

    @property
    def number(self) -> str:
        """The lead's number (线索编号)."""
        return f"XS{self.pk:06d}" if self.pk else "XS"


class VisitTaskQuerySet(VisibleQuerySet["VisitTask"]):
    def visible_to(self, user: Any) -> Self:
        """The tasks of the user's subtree, and every task assigned to the user."""
        qs = super().visible_to(user)
        if getattr(user, "pk", None) is None or sees_everything(user):
            return qs
        return qs | self.filter(assignee=user)


class VisitTask(models.Model):
    """A visit (走访任务) to the family of a lead, due in working days, closed only with an
    outcome."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="tasks",
                             verbose_name=_("线索"))
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("家庭"))
    region_path = models.CharField(max_length=128, db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="visit_tasks", verbose_name=_("走访人"))
    sequence = models.PositiveSmallIntegerField(_("第几次走访"), default=1)
    started_on = models.DateField(_("派发日期"))
    due_on = models.DateField(_("应走访日期"), db_index=True)
    limit_days = models.PositiveSmallIntegerField(_("走访时限（工作日）"), default=3)
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN, db_index=True)
    visited_on = models.DateField(_("走访日期"), null=True, blank=True)
    findings = models.TextField(_("走访情况"), blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    outcome = models.CharField(_("走访结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    referred_to = models.CharField(_("转往部门"), max_length=100, blank=True)
    linked_number = models.CharField(_("关联申请或受理编号"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("记录人"))

    objects = VisitTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("走访任务")
        verbose_name_plural = _("走访任务")
        constraints = [models.UniqueConstraint(
            fields=["lead"], condition=models.Q(status="open"),
            name="visit_task_one_open_per_lead")]

    def __str__(self) -> str:
        return f"{self.lead_id} #{self.sequence}"


class VisitPhoto(models.Model):
    """A photo taken on a visit (JPEG or PNG, recognised by content)."""

    task = models.ForeignKey(VisitTask, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="leads/%Y/%m/")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")

    def __str__(self) -> str:
        return self.original_name or self.sha256[:16]


class LeadEvent(models.Model):
    """One step on a lead, with who and when (the lead's own record; the audit log has it too)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=16, choices=LeadAction.choices)
    data = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("线索办理记录")
        verbose_name_plural = _("线索办理记录")

    def __str__(self) -> str:
        return f"{self.lead_id} {self.action}"
