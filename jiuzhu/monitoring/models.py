"""综合看板: the figures of a region's dashboard kept per month (``MonthlySnapshot``), so a
province or county page answers from one row, and the runs that refresh them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet


class MonthlySnapshot(models.Model):
    """The dashboard figures of one region for one month, as computed at ``computed_at``
    (the same function computes them live for small regions: ``selectors.figures``)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    month = models.DateField(_("月份"))
    figures = models.JSONField(_("指标"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["region_path", "-month"]
        verbose_name = _("看板月度快照")
        verbose_name_plural = _("看板月度快照")
        constraints = [models.UniqueConstraint(fields=["region", "month"],
                                               name="monitoring_snapshot_region_month")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"


class RefreshRun(models.Model):
    """One refresh of the snapshots of a region's subtree (the daily task, or a staff
    member's 立即刷新), with its progress."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    status = models.CharField(_("状态"), max_length=16, default="pending")
    total = models.PositiveIntegerField(_("区划数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # last sign of life of the worker; a run silent too long lost it (core.jobs)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("看板刷新")
        verbose_name_plural = _("看板刷新")

    def __str__(self) -> str:
        return f"{self.region_id} {self.status} {self.done}/{self.total}"
