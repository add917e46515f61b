from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.access import VisibleQuerySet

from .choices import SubmissionState


class SubmissionQuerySet(VisibleQuerySet["Submission"]):
    def delete(self) -> Any:  # type: ignore[override]
        raise PermissionError("上报数据包不能删除")

    def update(self, **kwargs: Any) -> int:
        """Only a submission not yet produced changes (its progress, its files once);
        a produced one is unchangeable."""
        return models.QuerySet.update(self.exclude(state=SubmissionState.PRODUCED), **kwargs)


def _upload_to(instance: Submission, filename: str) -> str:
    return f"upward/{instance.month:%Y}/{filename}"


class Submission(models.Model):
    """One region's monthly exchange file (金民工程 / 低收入人口动态监测 上报数据包):
    JSON Lines + CSV + manifest, zipped, built by the task worker once the checks pass, and
    unchangeable once produced (no update or delete path)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("上报区划"))
    region_path = models.CharField(max_length=128, db_index=True)
    month = models.DateField(_("数据月份"))
    state = models.CharField(_("状态"), max_length=12, choices=SubmissionState.choices,
                             default=SubmissionState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("说明"), blank=True)
    problems = models.JSONField(_("待整改问题"), default=list, blank=True)
    manifest = models.JSONField(_("清单"), default=dict, blank=True)
    file = models.FileField(_("数据包"), upload_to=_upload_to, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"))
    produced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("生成人"))
    produced_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    #: The build's last sign of life (each progress step): a building submission silent for
    #: ``JOB_STALE_MINUTES`` lost its worker (``services.submissions_fail_stale``).
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "region__code"]
        verbose_name = _("上报数据包")
        verbose_name_plural = _("上报数据包")
        constraints = [models.UniqueConstraint(fields=["region", "month"],
                                               name="upward_submission_region_month")]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y-%m}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Submission.objects.filter(
                pk=self.pk, state=SubmissionState.PRODUCED).exists():
            raise PermissionError("上报数据包一经生成不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("上报数据包不能删除")

    @property
    def produced(self) -> bool:
        return self.state == SubmissionState.PRODUCED

    @property
    def finished(self) -> bool:
        return self.state in (SubmissionState.PRODUCED, SubmissionState.FAILED)
