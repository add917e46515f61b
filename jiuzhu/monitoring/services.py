"""Writes of the dashboard: refreshing the monthly snapshots (the daily task, or a staff
member's 立即刷新 through the task worker, with progress)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM, require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region

from . import selectors
from .models import MonthlySnapshot, RefreshRun

logger = logging.getLogger(__name__)


def snapshot_save(region: Region, *, today: Any = None,
                  rollup: selectors.Rollup | None = None) -> MonthlySnapshot:
    """Compute ``region``'s figures as the system and keep them as this month's snapshot
    (``rollup``: one shared by the regions of a refresh, over the root above them)."""
    data = selectors.compute(SYSTEM, region, today, rollup=rollup)
    month = selectors.ctx_for(today).month
    snapshot, _created = MonthlySnapshot.objects.update_or_create(
        region=region, month=month, defaults={
            "region_path": region.path, "figures": data, "computed_at": timezone.now()})
    return snapshot


@transaction.atomic
def refresh_request(*, actor: Any, region: Region) -> RefreshRun:
    """立即刷新: a run for ``region``'s subtree, executed by the task worker after commit."""
    require(actor, region.path, "monitoring.refresh_snapshots", what=_("区划"))
    regions = selectors.refresh_regions(region)
    if not regions:
        raise ServiceError(ErrorCode.VALIDATION,
                           _("%(region)s 的看板实时计算，无需刷新") % {"region": region.name},
                           [{"path": "region", "message": _("只有省、市、县、乡镇的看板使用快照")}])
    run = RefreshRun.objects.create(region=region, region_path=region.path,
                                    total=len(regions),
                                    created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="create", obj=run,
                 detail={"region": region.code, "regions": len(regions)})
    from .tasks import refresh_task

    transaction.on_commit(lambda: refresh_task.enqueue(run_id=run.pk))
    return run


def refresh_execute(run: RefreshRun) -> RefreshRun:
    """Recompute every snapshot of the run, counting progress as it goes."""
    regions = selectors.refresh_regions(run.region)
    RefreshRun.objects.filter(pk=run.pk).update(status="running", total=len(regions), done=0,
                                                heartbeat_at=timezone.now())
    rollup = selectors.Rollup(SYSTEM, run.region)  # one pass over the subtree
    try:
        for done, region in enumerate(regions, start=1):
            snapshot_save(region, rollup=rollup)
            RefreshRun.objects.filter(pk=run.pk).update(done=done, heartbeat_at=timezone.now())
    except Exception as error:  # reported on the page, then re-raised for the worker's log
        RefreshRun.objects.filter(pk=run.pk).update(status="failed", error=str(error)[:500],
                                                    finished_at=timezone.now())
        raise
    RefreshRun.objects.filter(pk=run.pk).update(status="done", finished_at=timezone.now())
    run.refresh_from_db()
    return run


def refresh_runs_fail_stale(*, before: datetime) -> int:
    """Mark failed the refreshes whose worker has been silent since ``before`` (registered
    on :data:`jiuzhu.core.jobs.stale_runs`); the snapshots saved stay, 立即刷新 starts anew."""
    from django.db.models.functions import Coalesce

    count = 0
    stale = (RefreshRun.objects.filter(status="running")
             .annotate(seen=Coalesce("heartbeat_at", "created_at")).filter(seen__lt=before))
    for run in stale:
        error = _("工作进程中断：已刷新 %(done)s / %(total)s 个区划，可点击“立即刷新”重新开始") % {
            "done": run.done, "total": run.total}
        count += RefreshRun.objects.filter(pk=run.pk, status="running").update(
            status="failed", error=error[:500], finished_at=timezone.now())
    return count


def refresh_daily() -> int:
    """The daily task: this month's snapshot of every province, city, county and township,
    one pass over each province (``selectors.Rollup``)."""
    count = 0
    for root in Region.objects.filter(parent__isnull=True).order_by("code"):
        rollup = selectors.Rollup(SYSTEM, root)
        for region in selectors.refresh_regions(root):
            snapshot_save(region, rollup=rollup)
            count += 1
    return count
