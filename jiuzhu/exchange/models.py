from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import FINISHED_STATUSES, ImportStatus


class ImportJobQuerySet(VisibleQuerySet):
    path_fields = ("region__path",)


class ImportJob(models.Model):
    """An Excel import of households (Excel 导入任务): the file, who sent it, how it went.

    ``total_rows`` and ``processed_rows`` count households (one row of the 家庭 sheet each);
    ``errors`` is the error report, a list of ``{sheet, row, column, household_id, message}``.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("导入人所属区划"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED, db_index=True)
    total_rows = models.PositiveIntegerField(_("家庭数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理家庭数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误报告"), default=list, blank=True)
    summary = models.JSONField(_("统计"), default=dict, blank=True)
    message = models.CharField(_("结果说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # last sign of life of the worker while validating and after each staged chunk of the
    # write (which also beats in its progress file); a job silent too long lost its worker
    # (core.jobs)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def interrupted(self) -> bool:
        """Failed because its worker died (nothing written): it may be started again."""
        return self.status == ImportStatus.FAILED and bool((self.summary or {}).get("interrupted"))
