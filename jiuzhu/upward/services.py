"""Writes of upward reporting: asking for a month's exchange file (the checks first; the
build is queued after the transaction commits) and building it (the task worker): checks
again, the records, JSON Lines + CSV + manifest with SM3 digests, zipped and stored
unchangeable, audited."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import require
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error
from jiuzhu.regions.models import Region

from . import exchange
from .checks import Problem, run_checks
from .choices import SubmissionState
from .models import Submission
from .selectors import recipients, records_for

#: Records built between two progress updates.
CHUNK = 500


def month_allowed(month: date) -> None:
    today = timezone.localdate()
    if (month.year, month.month) > (today.year, today.month):
        raise field_error("month", _("不能上报未来月份（%(month)s）") % {"month": f"{month:%Y-%m}"})


def problems_of(region: Region, month: date) -> list[Problem]:
    """What must be fixed before ``region``'s file for ``month`` may be produced."""
    cases = list(recipients(month, region=region))
    return run_checks(cases, region, month)


@transaction.atomic
def submission_request(*, actor: Any, region: Region, month: date) -> Submission:
    """Ask for ``region``'s exchange file of ``month``: refused (409, the problems listed)
    while a check fails, and once the month is produced; otherwise queued for the task
    worker after commit (a failed earlier attempt is queued again)."""
    require(actor, region.path, "upward.produce", what=_("区划"))
    month = month.replace(day=1)
    month_allowed(month)
    Region.objects.select_for_update().filter(pk=region.pk).exists()
    submission = Submission.objects.select_for_update().filter(region=region, month=month).first()
    if submission is not None and submission.state != SubmissionState.FAILED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
            "%(region)s %(month)s 的上报数据包已%(state)s，不能重复生成") % {
                "region": region.name, "month": f"{month:%Y-%m}",
                "state": submission.get_state_display()})
    problems = problems_of(region, month)
    if problems:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _(
            "有 %(count)s 个问题须先整改，整改后才能生成上报数据包") % {"count": len(problems)},
            [{"path": p.kind, "message": p.message} for p in problems])
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    if submission is None:
        submission = Submission.objects.create(
            region=region, region_path=region.path, month=month, requested_by=user,
            requested_at=now)
    else:
        submission.state, submission.progress, submission.message = SubmissionState.QUEUED, 0, ""
        submission.problems, submission.requested_by, submission.requested_at = [], user, now
        submission.save()
    audit_record(actor=actor, action="create", obj=submission,
                 detail={"month": f"{month:%Y-%m}", "what": "upward_request"})
    transaction.on_commit(lambda: _enqueue(submission.pk))
    return submission


def _enqueue(submission_id: int) -> None:
    from .tasks import submission_build_task

    submission_build_task.enqueue(submission_id=submission_id)


def _progress(submission: Submission, percent: int, **fields: Any) -> None:
    Submission.objects.filter(pk=submission.pk).update(progress=percent,
                                                       heartbeat_at=timezone.now(), **fields)


def submissions_fail_stale(*, before: datetime) -> int:
    """Mark failed the files whose build has been silent since ``before``: the worker died
    (registered on ``core.jobs.stale_runs``). Nothing was stored (the file is stored in the
    build's last transaction), and a failed file may be asked for again (生成上报数据包)."""
    from django.db.models.functions import Coalesce

    stale = (Submission.objects.filter(state=SubmissionState.BUILDING)
             .annotate(seen=Coalesce("heartbeat_at", "requested_at")).filter(seen__lt=before))
    count = 0
    for submission in stale:
        message = _("生成数据包的工作进程中断（进度 %(progress)s%%）：未保存任何文件，可重新生成") % {
            "progress": submission.progress}
        count += Submission.objects.filter(pk=submission.pk, state=SubmissionState.BUILDING).update(
            state=SubmissionState.FAILED, progress=0, message=message)
    return count


def submission_build(*, submission_id: int) -> Submission:
    """Build a queued submission (the task worker): the checks again (data may have changed
    since it was asked for: then it fails, listing them), the records chunk by chunk with
    progress, the files, the manifest, the zip; stored once, with an audit event."""
    submission = Submission.objects.select_related("region", "requested_by").get(pk=submission_id)
    if submission.state == SubmissionState.PRODUCED:
        return submission
    _progress(submission, 1, state=SubmissionState.BUILDING)
    region, month = submission.region, submission.month
    cases = list(recipients(month, region=region))
    problems = run_checks(cases, region, month)
    if problems:
        _progress(submission, 0, state=SubmissionState.FAILED, problems=[
            p.as_dict() for p in problems], message=_(
                "有 %(count)s 个问题须先整改，整改后才能生成上报数据包") % {"count": len(problems)})
        submission.refresh_from_db()
        return submission
    _progress(submission, 10)
    records: list[dict[str, Any]] = []
    for start in range(0, len(cases), CHUNK):
        records.extend(records_for(cases[start:start + CHUNK], month))
        _progress(submission, 10 + int(80 * min(start + CHUNK, len(cases)) / max(len(cases), 1)))
    files = {exchange.JSONL_NAME: exchange.jsonl_bytes(records),
             exchange.CSV_NAME: exchange.csv_bytes(records)}
    actor = submission.requested_by
    now = timezone.now()
    manifest = exchange.manifest(
        records, files, region_code=region.code, region_name=region.name, month=month,
        produced_by=actor.username if actor else "system",
        produced_by_name=(getattr(actor, "full_name", "") or actor.username) if actor else "system",
        produced_at=now)
    content = exchange.zip_bytes(files, manifest)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.state == SubmissionState.PRODUCED:
            return locked
        locked.file.save(f"upward-{region.code}-{month:%Y%m}.zip", ContentFile(content),
                         save=False)
        locked.sha256 = hashlib.sha256(content).hexdigest()
        locked.manifest, locked.state, locked.progress = manifest, SubmissionState.PRODUCED, 100
        locked.produced_by, locked.produced_at, locked.message = actor, now, ""
        locked.save()
        audit_record(actor=actor, action="create", obj=locked, region_path=region.path,
                     actor_name="" if actor else "system",
                     detail={"month": f"{month:%Y-%m}", "count": manifest["records"],
                             "total": manifest["amount_total"], "sha256": locked.sha256,
                             "what": "upward_file"})
    return locked


def submission_broke(submission_id: int, error: Exception) -> None:
    """A build that raised: failed, so it may be asked for again."""
    Submission.objects.filter(pk=submission_id).update(
        state=SubmissionState.FAILED, progress=0,
        message=_("生成出错：%(error)s") % {"error": str(error)[:300]})
