from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import DayKind, DaySource, FactKind


class CalendarDay(models.Model):
    """One day of the working-day calendar (工作日历).

    Every day of a year the calendar knows has a row; a day without a row lies in a year
    the calendar does not know, and counts by the plain weekend rule (provisionally).
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    kind = models.CharField(_("类别"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True, default="")
    source = models.CharField(_("来源"), max_length=16, choices=DaySource.choices)
    note = models.CharField(_("调整原因"), max_length=200, blank=True, default="")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("修改人"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name or self.get_kind_display()}"


class StepFact(models.Model):
    """A processing-time fact (办理时效): one step of a case that **ended**, written once in
    the transaction that ended it (never recomputed when a page is read), with its start and
    end and the working days between them by the holiday calendar — so timeliness over a
    year of cases is one query. ``kind``: ``application`` (申请的环节), ``intake_item``
    (一门受理事项的部门办理), ``emergency`` (急难个案). Written through
    :func:`jiuzhu.calendars.services.record_step` (idempotent per kind, object, step and
    start day); existing cases are filled by ``jiuzhu backfill_step_facts``."""

    kind = models.CharField(_("类别"), max_length=16, choices=FactKind.choices)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    region_path = models.CharField(max_length=128, db_index=True)
    township_path = models.CharField(max_length=128, blank=True, default="")
    item_code = models.CharField(_("事项"), max_length=16, blank=True, default="")
    department = models.CharField(_("部门"), max_length=8, blank=True, default="")
    step = models.CharField(_("环节"), max_length=20)
    step_label = models.CharField(_("环节名称"), max_length=32, blank=True, default="")
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"))
    working_days = models.PositiveIntegerField(_("用时（工作日）"))
    due_on = models.DateField(_("期限"), null=True, blank=True)
    on_time = models.BooleanField(_("按时"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["ended_on", "id"]
        verbose_name = _("办理时效")
        verbose_name_plural = _("办理时效")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "step", "started_on"],
                                               name="stepfact_once_per_step_run")]
        indexes = [models.Index(fields=["kind", "ended_on"]),
                   models.Index(fields=["kind", "step", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.step} {self.started_on}→{self.ended_on}"
