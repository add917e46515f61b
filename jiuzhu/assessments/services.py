"""Assessing registered households (核算): one at a time with a stored record, or a whole
region in bulk as a resumable background task."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jobs import stale_before
from jiuzhu.households.models import Household
from jiuzhu.households.serializers import household_to_dict
from jiuzhu.regions.choices import RegionLevel
from jiuzhu.regions.models import Region
from jiuzhu.rules.engine import assess_arrays
from jiuzhu.rules.explain import assess
from jiuzhu.rules.vetoes import VETO_CODES

from .choices import BatchStatus
from .columnar import ColumnarChunk, read_chunk
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
        rules_version=rules_version(str(snapshot.get("region_code") or "")[:6], on),
        input_hash=input_hash(snapshot),
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
#
# A run reads its region chunk by chunk in primary-key order (``columnar.read_chunk``: one
# query per table, binary COPY into numpy on PostgreSQL), assesses the chunk's arrays and
# upserts their standings (binary COPY into a temporary table and one INSERT … ON
# CONFLICT on PostgreSQL), committing the standings with the run's cursor. A run over a
# province or a city is split by county into parts, one task each.

STANDING_COLUMNS = ("household_id", "region_path", "assessment_date", "parameters_effective",
                    "rules_version", "eligible", "benefit_fen", "per_capita_fen", "circle",
                    "index_hundredths", "vetoes", "assessed_at")
#: A run over a region of these levels is split into one part per county.
SPLIT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY)
#: The seconds of a run's steps, summed over its chunks (``BatchRun.timings``).
BATCH_STEPS = ("read_households", "read_members", "read_supporters", "read_vehicles",
               "build", "engine", "write", "commit")


def batch_create(*, actor: Any, region: Region, on: date | None = None,
                 chunk_size: int = 20000) -> BatchRun:
    """Queue the re-assessment of every active household under ``region``; above a county,
    as one part per county with households (``BatchRun.parts``)."""
    if not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, _("区划不存在"))
    if not actor.has_perm("assessments.run_batch"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能发起批量核算"))
    on = on or timezone.localdate()
    created_by = actor if getattr(actor, "pk", None) else None
    counties: list[tuple[Region, int]] = []
    if region.level in SPLIT_LEVELS:
        for county in Region.objects.within(region).filter(level=RegionLevel.COUNTY):
            count = Household.objects.within(county).filter(status="active").count()
            if count:
                counties.append((county, count))
    with transaction.atomic():
        if counties:
            total = sum(count for _county, count in counties)
        else:
            total = Household.objects.within(region).filter(status="active").count()
        run = BatchRun.objects.create(region=region, assessment_date=on, total=total,
                                      chunk_size=chunk_size, created_by=created_by)
        BatchRun.objects.bulk_create([
            BatchRun(region=county, assessment_date=on, total=count, chunk_size=chunk_size,
                     created_by=created_by, parent=run)
            for county, count in counties])
        audit_record(actor=actor, action="assess", obj=region,
                     detail={"batch": run.pk, "households": total, "parts": len(counties)},
                     region_path=region.path)
    return run


def batch_execute(*, run: BatchRun,
                  progress: Callable[[BatchRun], None] | None = None) -> BatchRun:
    """Process the run in this process. A run of parts runs its unfinished parts one after
    the other (``batch_enqueue_parts`` hands them to workers instead); a run of its own
    goes chunk by chunk from its cursor, each chunk committing with the cursor, so a run
    interrupted anywhere resumes without losing or repeating work."""
    parts = list(run.parts.select_related("region").exclude(status=BatchStatus.DONE)
                 .order_by("-total", "pk"))
    if parts or run.parts.exists():
        _batch_started(run)

        def part_progress(_part: BatchRun) -> None:
            run.refresh_from_db(fields=["processed", "total", "heartbeat_at"])
            if progress:
                progress(run)

        for part in parts:
            batch_execute(run=part, progress=part_progress)
        _batch_settle(run.pk)
        run.refresh_from_db()
        return run
    _batch_started(run)
    committing = 0.0  # the previous chunk's commit, counted with the next chunk
    try:
        while True:
            chunk = read_chunk(path_prefix=run.region.path, after_pk=run.cursor,
                               limit=run.chunk_size, assessment_date=run.assessment_date)
            count = len(chunk.household_pks)
            if count == 0:
                break
            tick = time.perf_counter()
            result = assess_arrays(chunk.batch)
            steps = {**chunk.timings, "engine": time.perf_counter() - tick,
                     "commit": committing}
            tick = time.perf_counter()
            with transaction.atomic():
                standings_write(chunk=chunk, result=result, run=run)
                now = timezone.now()
                run.cursor = int(chunk.household_pks[-1])
                run.processed += count
                run.heartbeat_at = now
                steps["write"] = time.perf_counter() - tick
                run.timings = _timings_add(run.timings, steps)
                run.save(update_fields=["cursor", "processed", "heartbeat_at", "timings"])
                if run.parent_id:  # the whole run's progress is the sum of its parts'
                    BatchRun.objects.filter(pk=run.parent_id).update(
                        processed=F("processed") + count, heartbeat_at=now)
                tick = time.perf_counter()
            committing = time.perf_counter() - tick
            if progress:
                progress(run)
    except Exception as exc:
        BatchRun.objects.filter(pk=run.pk).update(status=BatchStatus.FAILED, error=str(exc)[:2000])
        if run.parent_id:
            BatchRun.objects.filter(pk=run.parent_id).update(
                status=BatchStatus.FAILED, error=f"{run.region.name}：{exc}"[:2000])
        raise
    run.status = BatchStatus.DONE
    run.finished_at = timezone.now()
    run.total = max(run.total, run.processed)
    run.timings = _timings_add(run.timings, {"commit": committing})
    run.save(update_fields=["status", "finished_at", "total", "timings"])
    if run.parent_id:
        _batch_settle(run.parent_id)
    return run


def _batch_started(run: BatchRun) -> None:
    now = timezone.now()
    BatchRun.objects.filter(pk=run.pk).update(
        status=BatchStatus.RUNNING, error="", finished_at=None, heartbeat_at=now,
        started_at=Coalesce(F("started_at"), Value(now)))
    run.refresh_from_db()


def _timings_add(timings: dict[str, float] | None, steps: dict[str, float]) -> dict[str, float]:
    out = dict(timings or {})
    for name, seconds in steps.items():
        out[name] = round(out.get(name, 0.0) + seconds, 4)
    return out


def _batch_settle(run_pk: int) -> BatchRun:
    """A run of parts after one of them stopped: its progress and timings the sum of its
    parts', done when every part is (locked, as parts finish in several workers)."""
    with transaction.atomic():
        run = BatchRun.objects.select_for_update().get(pk=run_pk)
        parts = list(BatchRun.objects.filter(parent_id=run_pk)
                     .values("status", "processed", "timings"))
        run.processed = sum(p["processed"] for p in parts)
        timings: dict[str, float] = {}
        for part in parts:
            timings = _timings_add(timings, part["timings"] or {})
        run.timings = timings
        fields = ["processed", "timings"]
        if parts and all(p["status"] == BatchStatus.DONE for p in parts):
            run.status = BatchStatus.DONE
            run.error = ""
            run.finished_at = timezone.now()
            run.total = max(run.total, run.processed)
            fields += ["status", "error", "finished_at", "total"]
        run.save(update_fields=fields)
    return run


def batch_enqueue_parts(*, run: BatchRun) -> int:
    """Hand a run's unfinished parts to the task workers (``jiuzhu db_worker``), largest
    first; several workers take them in parallel. A part a live worker is running is left
    to it. Returns how many were queued."""
    from .tasks import batch_run_task

    _batch_started(run)
    alive = stale_before()
    queued = 0
    for part in run.parts.exclude(status=BatchStatus.DONE).order_by("-total", "pk"):
        if (part.status == BatchStatus.RUNNING and part.heartbeat_at is not None
                and part.heartbeat_at >= alive):
            continue
        batch_run_task.enqueue(run_id=part.pk)
        queued += 1
    if not queued:
        _batch_settle(run.pk)
    return queued


def batch_claim(*, run: BatchRun) -> bool:
    """Take a run for this worker: not if it is done, nor running in a worker that still
    beats (a part queued twice runs once)."""
    now = timezone.now()
    return bool(BatchRun.objects.filter(pk=run.pk).exclude(status=BatchStatus.DONE)
                .exclude(status=BatchStatus.RUNNING, heartbeat_at__gte=stale_before())
                .update(status=BatchStatus.RUNNING, heartbeat_at=now, error=""))


_PG_EPOCH = date(2000, 1, 1)
#: The temporary table a chunk's standings are copied into (PostgreSQL), and its types.
_LOAD_COLUMNS = (("household_id", "bigint", ">i8"), ("parameters_effective", "date", ">i4"),
                 ("eligible", "boolean", "?"), ("benefit_fen", "bigint", ">i8"),
                 ("per_capita_fen", "bigint", ">i8"), ("circle", "smallint", ">i2"),
                 ("index_hundredths", "integer", ">i4"), ("vetoes", "integer", ">i4"))
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, extension length
_COPY_TRAILER = b"\xff\xff"


def standings_binary(pks: np.ndarray, result: Any) -> bytes:
    """A chunk's standings in PostgreSQL's binary COPY format, built as one numpy record
    array (field count, then each field's length and big-endian value)."""
    layout: list[tuple[str, str]] = [("fields", ">i2")]
    for name, _sql, wire in _LOAD_COLUMNS:
        layout += [(f"length_{name}", ">i4"), (name, wire)]
    rows = np.empty(len(pks), dtype=np.dtype(layout))
    rows["fields"] = len(_LOAD_COLUMNS)
    for name, _sql, wire in _LOAD_COLUMNS:
        rows[f"length_{name}"] = np.dtype(wire).itemsize
    days = np.asarray([(s.effective - _PG_EPOCH).days for s in result.parameter_sets],
                      dtype=np.int32)
    rows["household_id"] = pks
    rows["parameters_effective"] = days[result.parameter_set_index] if len(days) else 0
    rows["eligible"] = np.asarray(result.eligible, dtype=bool)
    rows["benefit_fen"] = result.benefit
    rows["per_capita_fen"] = result.per_capita
    rows["circle"] = result.circle
    rows["index_hundredths"] = result.index
    rows["vetoes"] = result.vetoes
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def standings_write(*, chunk: ColumnarChunk, result: Any, run: BatchRun) -> None:
    """Upsert the standings of a chunk: on PostgreSQL binary COPY into a temporary table,
    then one INSERT … ON CONFLICT taking each household's region path from its row;
    executemany elsewhere."""
    now = timezone.now()
    code = run.region.code
    version = rules_version(code[:6] if len(code) >= 6 else None, run.assessment_date)
    table = Standing._meta.db_table
    columns = ", ".join(STANDING_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in STANDING_COLUMNS[1:])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pks = chunk.household_pks
            if len(pks) == 0:
                return
            # A chunk's commit need not wait for its WAL to reach the disk: a crash loses at
            # most the last chunks together with the cursor that counts them, and the run
            # resumes from the cursor that did reach it.
            cursor.execute("SET LOCAL synchronous_commit TO off")
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS standing_batch_load ("
                + ", ".join(f"{name} {sql}" for name, sql, _wire in _LOAD_COLUMNS)
                + ") ON COMMIT DELETE ROWS")
            with cursor.cursor.copy("COPY standing_batch_load FROM STDIN (FORMAT binary)") as copy:
                copy.write(standings_binary(pks, result))
            # each household's region path from its row (the range keeps the join to the chunk)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT l.household_id, h.region_path, %s, "
                "l.parameters_effective, %s, l.eligible, l.benefit_fen, l.per_capita_fen, "
                "l.circle, l.index_hundredths, l.vetoes, %s FROM standing_batch_load l "
                "JOIN households_household h ON h.id = l.household_id "
                "AND h.id BETWEEN %s AND %s "
                f"ON CONFLICT (household_id) DO UPDATE SET {updates}",
                [run.assessment_date, version, now, int(pks.min()), int(pks.max())])
            if len(connection.atomic_blocks) > 1:  # chunks sharing an outer transaction
                cursor.execute("DELETE FROM standing_batch_load")
        else:
            count = len(chunk.household_pks)
            effective = [result.parameter_sets[i].effective
                         for i in result.parameter_set_index.tolist()]
            rows = list(zip(
                chunk.household_pks.tolist(), chunk.region_paths or [],
                [run.assessment_date] * count, effective, [version] * count,
                np.asarray(result.eligible, dtype=bool).tolist(),
                result.benefit.tolist(), result.per_capita.tolist(), result.circle.tolist(),
                result.index.tolist(), result.vetoes.tolist(), [now] * count,
                strict=True,
            ))
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
