"""The closed month (月报关账): a region's figures of one month, stored once and never
changed (60-monitoring.md: "a month once closed keeps its figures")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet


class MonthlyReport(models.Model):
    """The 月报 of ``region`` for ``month`` as it stood when the month was closed.

    ``figures`` is the whole report (``selectors.compute``'s dict: every table, its rows per
    sub-region and the total, money in integer fen, the notes on the month before). A
    stored report is unchangeable: ``save`` refuses an update and ``delete`` refuses."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    month = models.DateField(_("统计月份"))
    figures = models.JSONField(_("统计数据"))
    closed_at = models.DateTimeField(_("关账时间"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("关账人"))
    closed_by_name = models.CharField(_("关账人姓名"), max_length=150, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "region_path"]
        verbose_name = _("已关账月报")
        verbose_name_plural = _("已关账月报")
        constraints = [models.UniqueConstraint(fields=["region", "month"],
                                               name="monthly_report_unique_region_month")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("a closed month's report is unchangeable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("a closed month's report is unchangeable")


class ReportDraft(models.Model):
    """A county's 月报 of a month not yet closed, computed by the daily task (and again on
    a worker's 重新计算): the page and the API read it instead of computing a county of
    hundreds of thousands of households on every view. Replaced, never edited by hand;
    closing the month computes the figures afresh and stores them in ``MonthlyReport``."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    month = models.DateField(_("统计月份"))
    figures = models.JSONField(_("统计数据"))
    computed_at = models.DateTimeField(_("计算时间"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "region_path"]
        verbose_name = _("月报草稿")
        verbose_name_plural = _("月报草稿")
        constraints = [models.UniqueConstraint(fields=["region", "month"],
                                               name="monthly_draft_unique_region_month")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m} draft"
