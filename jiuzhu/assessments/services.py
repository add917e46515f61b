"""Assessing registered households (核算): one at a time with a stored record, or a whole
region in bulk as a resumable background task."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.models import Household
from jiuzhu.households.serializers import household_to_dict
from jiuzhu.regions.models import Region
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.explain import assess
from jiuzhu.rules.vetoes import VETO_CODES

from .choices import BatchStatus
from .loader import load_chunk
from .models import Assessment, BatchRun, Monitoring, Standing
from .versioning import rules_version


def input_hash(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def household_snapshot(household: Household, *, on: date) -> dict[str, Any]:
    """The household as the engine reads it on the date ``on``."""
    return {**household_to_dict(household), "assessment_date": on.isoformat()}


def what_if(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Assess a household dict without saving anything (the what-if panel)."""
    return assess([snapshot])[0]


@transaction.atomic
def assessment_run(*, actor: Any, household: Household, on: date | None = None) -> Assessment:
    """Assess one registered household, store the record and its current standing."""
    on = on or timezone.localdate()
    snapshot = household_snapshot(household, on=on)
    result = assess([snapshot])[0]
    if "errors" in result:
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息不完整，无法核算"), result["errors"])
    record = Assessment.objects.create(
        household=household, assessment_date=on,
        parameters_effective=date.fromisoformat(result["parameters_effective"]),
        rules_version=rules_version(), input_hash=input_hash(snapshot),
        input_snapshot=snapshot, result=result, eligible=result["eligible"],
        benefit_monthly=Decimal(result["benefit_monthly"]),
        per_capita_monthly_income=Decimal(result["per_capita_monthly_income"]),
        circle=result["circle"], hardship_index=Decimal(result["hardship_index"]),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Standing.objects.update_or_create(household=household, defaults={
        "region_path": household.region_path, "assessment_date": on,
        "parameters_effective": result["parameters_effective"],
        "rules_version": record.rules_version, "eligible": record.eligible,
        "benefit_fen": int(Decimal(result["benefit_monthly"]) * 100),
        "per_capita_fen": int(Decimal(result["per_capita_monthly_income"]) * 100),
        "circle": record.circle,
        "index_hundredths": int(Decimal(result["hardship_index"]) * 100),
        "vetoes": _veto_mask(result["vetoes"]),
        "assessed_at": timezone.now(),
    })
    audit_record(actor=actor, action="assess", obj=household,
                 detail={"assessment": record.pk, "benefit": result["benefit_monthly"]})
    return record


def assessment_reproduce(*, assessment: Assessment) -> dict[str, Any]:
    """Recompute a stored assessment from its snapshot with today's rules."""
    return assess([assessment.input_snapshot])[0]


def _veto_mask(codes: list[str]) -> int:
    """The inverse of ``jiuzhu.rules.vetoes.veto_codes``."""
    return sum(1 << VETO_CODES.index(code) for code in codes)


# --- batch re-assessment ----------------------------------------------------------------

STANDING_COLUMNS = ("household_id", "region_path", "assessment_date", "parameters_effective",
                    "rules_version", "eligible", "benefit_fen", "per_capita_fen", "circle",
                    "index_hundredths", "vetoes", "assessed_at")


def batch_create(*, actor: Any, region: Region, on: date | None = None,
                 chunk_size: int = 20000) -> BatchRun:
    """Queue the re-assessment of every active household under ``region``."""
    if not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("区划不存在"))
    if not actor.has_perm("assessments.run_batch"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能发起批量核算"))
    total = Household.objects.within(region).filter(status="active").count()
    run = BatchRun.objects.create(region=region, assessment_date=on or timezone.localdate(),
                                  total=total, chunk_size=chunk_size,
                                  created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="assess", obj=region,
                 detail={"batch": run.pk, "households": total}, region_path=region.path)
    return run


def batch_execute(*, run: BatchRun,
                  progress: Callable[[BatchRun], None] | None = None) -> BatchRun:
    """Process the run chunk by chunk from its cursor; each chunk commits with the cursor,
    so a run interrupted anywhere resumes without losing or repeating work."""
    BatchRun.objects.filter(pk=run.pk).update(status=BatchStatus.RUNNING,
                                              started_at=run.started_at or timezone.now())
    run.refresh_from_db()
    try:
        while True:
            chunk = load_chunk(path_prefix=run.region.path, after_pk=run.cursor,
                               limit=run.chunk_size, assessment_date=run.assessment_date)
            if len(chunk.household_pks) == 0:
                break
            result = assess_arrays(chunk.batch)
            with transaction.atomic():
                standings_write(chunk=chunk, result=result, run=run)
                run.cursor = int(chunk.household_pks[-1])
                run.processed += len(chunk.household_pks)
                run.heartbeat_at = timezone.now()
                run.save(update_fields=["cursor", "processed", "heartbeat_at"])
            if progress:
                progress(run)
    except Exception as exc:
        BatchRun.objects.filter(pk=run.pk).update(status=BatchStatus.FAILED, error=str(exc)[:2000])
        raise
    run.status = BatchStatus.DONE
    run.finished_at = timezone.now()
    run.total = max(run.total, run.processed)
    run.save(update_fields=["status", "finished_at", "total"])
    return run


def standings_write(*, chunk, result, run: BatchRun) -> None:
    """Upsert the standings of a chunk: COPY into a temporary table on PostgreSQL,
    executemany elsewhere."""
    now = timezone.now()
    version = rules_version()
    effective = [result.parameter_sets[i].effective for i in result.parameter_set_index.tolist()]
    rows = list(zip(
        chunk.household_pks.tolist(), chunk.region_paths,
        [run.assessment_date] * len(chunk.region_paths), effective,
        [version] * len(chunk.region_paths),
        np.asarray(result.eligible, dtype=bool).tolist(),
        result.benefit.tolist(), result.per_capita.tolist(), result.circle.tolist(),
        result.index.tolist(), result.vetoes.tolist(), [now] * len(chunk.region_paths),
        strict=True,
    ))
    table = Standing._meta.db_table
    columns = ", ".join(STANDING_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in STANDING_COLUMNS[1:])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS standing_load "
                           f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
            with cursor.cursor.copy(f"COPY standing_load ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM standing_load "
                           f"ON CONFLICT (household_id) DO UPDATE SET {updates}")
            cursor.execute("TRUNCATE standing_load")
        else:
            placeholders = ", ".join(["%s"] * len(STANDING_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
                f"ON CONFLICT (household_id) DO UPDATE SET {updates}", rows)


def batch_resume(*, actor: Any, run: BatchRun) -> bool:
    """Continue an interrupted run from its cursor (for those who may start runs); audited.
    Returns whether it was queued (a finished run is not)."""
    from .tasks import batch_run_task

    if not BatchRun.objects.visible_to(actor).filter(pk=run.pk).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("批量核算不存在"))
    if not actor.has_perm("assessments.run_batch"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能继续批量核算"))
    if run.status == BatchStatus.DONE:
        return False
    audit_record(actor=actor, action="assess", obj=run.region,
                 detail={"batch": run.pk, "resume_from": run.cursor}, region_path=run.region.path)
    transaction.on_commit(lambda: batch_run_task.enqueue(run_id=run.pk))
    return True


def batch_resume_stale(*, older_than_minutes: int = 10) -> list[int]:
    """Runs whose worker stopped beating: queue them again from their cursor."""
    from .tasks import batch_run_task

    limit = timezone.now() - timedelta(minutes=older_than_minutes)
    stale = list(BatchRun.objects.filter(status=BatchStatus.RUNNING, heartbeat_at__lt=limit)
                 .values_list("pk", flat=True))
    for pk in stale:
        batch_run_task.enqueue(run_id=pk)
    return stale


def batch_runs_fail_stale(*, before: datetime) -> int:
    """Mark failed the runs whose worker has been silent since ``before`` (registered on
    :data:`jiuzhu.core.jobs.stale_runs`): every committed chunk is kept (the cursor), so
    the page offers 从中断处继续 from there."""
    from django.db.models.functions import Coalesce

    count = 0
    stale = (BatchRun.objects.filter(status=BatchStatus.RUNNING)
             .annotate(seen=Coalesce("heartbeat_at", "started_at", "created_at"))
             .filter(seen__lt=before))
    for run in stale:
        error = _("工作进程中断：已核算并保存 %(done)s / %(total)s 户，可从中断处继续") % {
            "done": run.processed, "total": run.total}
        if BatchRun.objects.filter(pk=run.pk, status=BatchStatus.RUNNING).update(
                status=BatchStatus.FAILED, error=error, finished_at=timezone.now()):
            count += 1
    return count


# --- monitoring (纳入监测): circle 4 for a household outside every circle ---------------------

@transaction.atomic
def enter_monitoring(*, actor: Any, household: Household, reason: str,
                     source: str = "") -> Monitoring:
    """Keep ``household`` under monitoring (纳入监测): while its own circle is 0 (圈外) it
    counts in circle 4 on the circle pages and counts (``selectors.with_counted_circle``);
    re-assessment keeps it. ``source`` says where it comes from (an emergency case number,
    a lead). Already monitored: the open monitoring is returned unchanged. Audited."""
    require(actor, household.region_path, "assessments.monitor", what=_("家庭"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(ErrorCode.VALIDATION, _("请说明纳入监测的原因"),
                           [{"path": "reason", "message": _("请说明纳入监测的原因")}])
    Household.objects.select_for_update().filter(pk=household.pk).first()
    current = Monitoring.objects.filter(household=household, ended_at__isnull=True).first()
    if current is not None:
        return current
    monitoring = Monitoring.objects.create(
        household=household, region_path=household.region_path, reason=reason,
        source=(source or "")[:64], started_at=timezone.now(),
        started_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="create", obj=monitoring,
                 detail={"household": household.household_id,
                         "reason": reason, "source": monitoring.source})
    return monitoring


@transaction.atomic
def end_monitoring(*, actor: Any, monitoring: Monitoring, reason: str) -> Monitoring:
    """End a monitoring (结束监测) with a reason; the household counts in its own circle again."""
    require(actor, monitoring.region_path, "assessments.monitor", what=_("监测记录"))
    monitoring = Monitoring.objects.select_for_update().get(pk=monitoring.pk)
    reason = (reason or "").strip()
    if monitoring.ended_at is not None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该家庭的监测已经结束"))
    if not reason:
        raise ServiceError(ErrorCode.VALIDATION, _("请说明结束监测的原因"),
                           [{"path": "reason", "message": _("请说明结束监测的原因")}])
    monitoring.ended_at = timezone.now()
    monitoring.ended_by = actor if getattr(actor, "pk", None) else None
    monitoring.end_reason = reason
    monitoring.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit_record(actor=actor, action="update", obj=monitoring,
                 detail={"household": monitoring.household.household_id,
                         "reason": reason})
    return monitoring


def standing_move(household: Household, *, actor: Any = None) -> None:
    """``households.events.on_moved``: a household's standing lies where the household lies
    (another village or grid), so who sees the standing and the region filters of the
    ranking and the dashboard agree with the household's."""
    Standing.objects.filter(household_id=household.pk).exclude(
        region_path=household.region_path).update(region_path=household.region_path)
