"""Excel import and export of households (数据交换).

An import is all or nothing: the whole file is read and every household validated first,
with the same ``household_validate`` the registry form uses, plus the duplicates only the
file can show; only a file without a single error is written, in one transaction, through
``household_register``.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.masking import mask_id_number, mask_phone
from jiuzhu.households.models import Household
from jiuzhu.households.serializers import household_to_dict
from jiuzhu.households.services import household_register, household_validate

from . import progress
from .choices import ImportStatus
from .layout import SHEETS
from .models import ImportJob
from .reader import (
    ParsedHousehold,
    ParsedWorkbook,
    RowError,
    UnreadableWorkbook,
    upload_problem,
    workbook_read,
)
from .writer import WriteCounts, workbook_write

logger = logging.getLogger(__name__)

#: Households between two progress updates of a running import.
PROGRESS_EVERY = 200
#: Errors kept in a job's report (the count is always complete).
MAX_REPORTED_ERRORS = 10_000
#: Households fetched (with their members, supporters, vehicles) per batch of an export.
EXPORT_CHUNK = 1000


# --- import -------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, actor: Any, upload: UploadedFile) -> ImportJob:
    """Store an uploaded workbook as an import job and queue its processing."""
    if not actor.has_perm("households.import_household"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权导入家庭数据"))
    problem = upload_problem(upload, upload.size or 0, settings.IMPORT_MAX_BYTES)
    if problem:
        raise ServiceError(ErrorCode.BAD_REQUEST, problem, [{"path": "file", "message": problem}])
    job = ImportJob(created_by=actor, region=actor.region, original_name=(upload.name or "")[:255],
                    size=upload.size or 0)
    job.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import import_job_process

    import_job_process.enqueue(job_id=job_id)


def import_job_run(*, job_id: int) -> ImportJob:
    """Process a queued import job: read, validate everything, then write or report.

    A job is processed once: a second run of the same job (a retried task) does nothing.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, started_at=now, heartbeat_at=now)
    job = ImportJob.objects.select_related("created_by__region", "region").get(pk=job_id)
    if not claimed:
        return job
    try:
        _run(job)
    except Exception:
        logger.exception("import job %s failed", job_id)
        _finish_failed(job, [RowError("", None, "", "导入时发生系统错误，未写入任何数据；请联系管理员")],
                       {})
    finally:
        progress.written_clear(job_id)
    job.refresh_from_db()
    return job


def _run(job: ImportJob) -> None:
    actor = job.created_by
    if actor is None or not actor.is_active or not actor.has_perm("households.import_household"):
        _finish_failed(job, [RowError("", None, "", "导入人账号已停用或无导入权限")], {})
        return
    started = time.monotonic()
    try:
        with job.file.open("rb") as source:
            parsed = workbook_read(source)
    except UnreadableWorkbook as exc:
        _finish_failed(job, [RowError("", None, "", str(exc))], {})
        return
    parsed_at = time.monotonic()
    summary: dict[str, Any] = {"households": len(parsed.households), "members": parsed.members,
                               "supporters": parsed.supporters, "vehicles": parsed.vehicles,
                               "seconds_parse": round(parsed_at - started, 3)}
    job.total_rows = len(parsed.households)
    job.save(update_fields=["total_rows"])

    errors = _validate(job, parsed, actor)
    validated_at = time.monotonic()
    summary["seconds_validate"] = round(validated_at - parsed_at, 3)
    if errors:
        _finish_failed(job, errors, summary)
        return

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING,
                                               processed_rows=job.total_rows,
                                               heartbeat_at=timezone.now())
    progress.written_set(job.pk, 0)  # the write beats in this file
    try:
        _write(job, parsed, actor, summary, validated_at)
    except _WriteRefused as refused:
        summary["seconds_write"] = round(time.monotonic() - validated_at, 3)
        _finish_failed(job, refused.errors, summary)


def _validate(job: ImportJob, parsed: ParsedWorkbook, actor: Any) -> list[RowError]:
    errors = list(parsed.errors)
    if not parsed.households and not errors:
        errors.append(RowError(SHEETS[0].name, None, "", "文件中没有家庭数据"))
    # A cell that could not be read is reported once, not again as the missing field
    # validation then finds in its place.
    unreadable = {(e.sheet, e.row, e.column) for e in parsed.errors}
    for done, household in enumerate(parsed.households, start=1):
        try:
            household_validate(actor=actor, data=registry_data(household))
        except ServiceError as exc:
            errors.extend(e for e in _located(household, exc)
                          if (e.sheet, e.row, e.column) not in unreadable)
        if done % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done,
                                                       heartbeat_at=timezone.now())
    return _in_order(errors)


#: A 家庭编号 beginning with this only links the rows of the file (新1, 新2 …); the
#: registry numbers the household (H + region code + serial).
NEW_HOUSEHOLD_PREFIX = "新"


def registry_data(household: ParsedHousehold) -> dict[str, Any]:
    """The household as the registry takes it: without its 家庭编号 when that is a new
    household's key in the file (``NEW_HOUSEHOLD_PREFIX``), so it is numbered on import."""
    if str(household.household_id).startswith(NEW_HOUSEHOLD_PREFIX):
        return {k: v for k, v in household.data.items() if k != "household_id"}
    return household.data


def _located(household: ParsedHousehold, exc: ServiceError) -> list[RowError]:
    if not exc.errors:
        return [household.locate("", exc.message)]
    return [household.locate(e.get("path", ""), e.get("message", exc.message)) for e in exc.errors]


def _in_order(errors: list[RowError]) -> list[RowError]:
    """Without repeats, in sheet, row and column order."""
    sheets = {sheet.name: index for index, sheet in enumerate(SHEETS)}
    columns = {sheet.name: {c.label: i for i, c in enumerate(sheet.columns)} for sheet in SHEETS}
    unique = list(dict.fromkeys(errors))
    unique.sort(key=lambda e: (sheets.get(e.sheet, -1), e.row or 0,
                               columns.get(e.sheet, {}).get(e.column, -1)))
    return unique


class _WriteRefused(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("import refused while writing")
        self.errors = errors


def _write(job: ImportJob, parsed: ParsedWorkbook, actor: Any, summary: dict[str, Any],
           validated_at: float) -> None:
    reason = f"Excel 导入（任务 {job.pk}：{job.original_name}）"[:100]
    with transaction.atomic():
        for done, household in enumerate(parsed.households, start=1):
            try:
                household_register(actor=actor, data=registry_data(household), reason=reason)
            except ServiceError as exc:
                # Something changed since validation (another import, a registration).
                raise _WriteRefused(_located(household, exc)) from exc
            if done % PROGRESS_EVERY == 0:
                progress.written_set(job.pk, done)
        summary["seconds_write"] = round(time.monotonic() - validated_at, 3)
        message = f"已导入 {summary['households']} 户家庭、{summary['members']} 名成员"
        audit_record(actor=actor, action="import", obj=job, region_path=_region_path(job),
                     detail={"job": job.pk, "file": job.original_name, "status": "done",
                             **_counts(summary)})
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE, processed_rows=job.total_rows, error_count=0, errors=[],
            summary=summary, message=message, finished_at=timezone.now())


def _counts(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: summary[k] for k in ("households", "members", "supporters", "vehicles")
            if k in summary}


def _region_path(job: ImportJob) -> str:
    return job.region.path if job.region is not None else ""


@transaction.atomic
def _finish_failed(job: ImportJob, errors: list[RowError], summary: dict[str, Any]) -> None:
    if len(errors) == 1 and errors[0].row is None:
        message = f"导入失败，未写入任何数据：{errors[0].message}"
    else:
        message = f"发现 {len(errors)} 处错误，未写入任何数据。请按错误报告修改后重新上传。"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error_count=len(errors),
        errors=[e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]],
        summary=summary, message=message[:300], finished_at=timezone.now())
    audit_record(actor=job.created_by, action="import", obj=job, region_path=_region_path(job),
                 detail={"job": job.pk, "file": job.original_name, "status": "failed",
                         "errors": len(errors), **_counts(summary)})


# --- runs whose worker died ------------------------------------------------------------

INTERRUPTED = ("导入中断：处理该任务的工作进程已停止（例如被终止），未写入任何数据"
               "（导入要么全部写入，要么不写入）。可以重新开始。")


def _last_sign_of_life(job: ImportJob) -> datetime | None:
    moments = [m for m in (job.created_at, job.started_at, job.heartbeat_at) if m is not None]
    written = progress.written_at(job.pk)
    if written is not None:
        moments.append(datetime.fromtimestamp(written, tz=UTC))
    return max(moments) if moments else None


def import_jobs_fail_stale(*, before: datetime, pk: int | None = None) -> int:
    """Fail the imports validating or writing whose worker has been silent since
    ``before`` (registered on :data:`jiuzhu.core.jobs.stale_runs`). The write is one
    transaction, so a dead worker wrote nothing: the job says so and may be restarted."""
    count = 0
    running = ImportJob.objects.filter(
        status__in=[ImportStatus.VALIDATING, ImportStatus.WRITING]).select_related("region")
    if pk is not None:
        running = running.filter(pk=pk)
    for job in running:
        seen = _last_sign_of_life(job)
        if seen is not None and seen >= before:
            continue
        with transaction.atomic():
            failed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportStatus.FAILED, error_count=1, finished_at=timezone.now(),
                errors=[RowError("", None, "", INTERRUPTED).as_dict()], message=INTERRUPTED[:300],
                summary={**(job.summary or {}), "interrupted": True, "written": 0,
                         "interrupted_in": job.status})
            if failed:
                audit_record(actor=None, action="import", obj=job, region_path=_region_path(job),
                             detail={"job": job.pk, "file": job.original_name,
                                     "status": "interrupted", "written": 0})
        if failed:
            progress.written_clear(job.pk)
            count += 1
    return count


def import_job_restart(*, actor: Any, job: ImportJob) -> ImportJob:
    """Queue again an import whose worker died (nothing was written): by whom may import
    and sees the job; audited."""
    if not actor.has_perm("households.import_household") or \
            not ImportJob.objects.visible_to(actor).filter(pk=job.pk).exists():
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权重新开始该导入"))
    with transaction.atomic():
        restarted = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED,
                                             summary__interrupted=True).update(
            status=ImportStatus.QUEUED, processed_rows=0, error_count=0, errors=[], message="",
            started_at=None, finished_at=None, heartbeat_at=None,
            summary={"restarted": int((job.summary or {}).get("restarted", 0)) + 1})
        if not restarted:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                               _("只有因工作进程中断而失败的导入可以重新开始"))
        audit_record(actor=actor, action="import", obj=job, region_path=_region_path(job),
                     detail={"job": job.pk, "file": job.original_name, "status": "restarted"})
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    return job


# --- export -------------------------------------------------------------------------------


def households_export(*, actor: Any, households: QuerySet[Household], dest: IO[bytes],
                      filters: dict[str, str] | None = None) -> WriteCounts:
    """Write the households to ``dest`` as a workbook in the import layout, so that an edited
    export can be imported again; a few queries per thousand households, not one per row.

    Not one transaction: on SQLite that would hold the write lock for the whole export."""
    rows = (households.select_related("region")
            .prefetch_related("members", "supporters", "vehicles")
            .iterator(chunk_size=EXPORT_CHUNK))
    # Full ID numbers and phones only for the roles allowed (households.export_full_id);
    # others get them masked (such a workbook cannot be imported again).
    full = bool(actor.has_perm("households.export_full_id"))
    dicts = (household_to_dict(h) for h in rows)
    counts = workbook_write(dest, dicts if full else (_masked(d) for d in dicts))
    audit_record(actor=actor, action="export", region_path=getattr(actor, "region_path", ""),
                 detail={"households": counts.households, "members": counts.members,
                         "rows": counts.households + counts.members,
                         "field": "id_number" if full else "masked",
                         "filters": filters or {}})
    return counts


def _masked(data: dict[str, Any]) -> dict[str, Any]:
    """A household dict with its members' ID numbers and its phone masked."""
    members = [{**m, "id_number": mask_id_number(m.get("id_number"))}
               for m in data.get("members") or []]
    out = {**data, "members": members}
    if data.get("phone"):
        out["phone"] = mask_phone(data["phone"])
    return out
