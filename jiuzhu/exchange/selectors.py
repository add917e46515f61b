"""Reads of import jobs: a job is seen by the person who uploaded it (and superusers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiuzhu.core.errors import ErrorCode, ServiceError

from . import progress
from .choices import ImportStatus
from .models import ImportJob


def import_jobs_for(*, user: Any) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("created_by", "region").defer("errors")
    return qs if user.is_superuser else qs.filter(created_by=user)


def import_job_get(*, user: Any, pk: int) -> ImportJob:
    job = import_jobs_for(user=user).defer(None).filter(pk=pk).first()
    if job is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("导入任务不存在"))
    return job


@dataclass(frozen=True)
class Progress:
    """How far a job is: households validated, then written, out of the total."""

    phase: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        """Validation is the first half of the bar, writing the second."""
        if self.phase in (ImportStatus.DONE, ImportStatus.FAILED):
            return 100
        if not self.total:
            return 0
        share = min(self.done, self.total) * 50 // self.total
        return share + (50 if self.phase == ImportStatus.WRITING else 0)


def import_job_progress(*, job: ImportJob) -> Progress:
    if job.status == ImportStatus.WRITING:
        return Progress(job.status, progress.written_get(job.pk), job.total_rows)
    return Progress(job.status, job.processed_rows, job.total_rows)
