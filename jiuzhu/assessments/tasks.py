from __future__ import annotations

from django_tasks import task

from .choices import BatchStatus
from .models import BatchRun


@task()
def batch_run_task(run_id: int) -> int:
    """批量重新核算: run (or resume) one BatchRun; returns households processed. A run split
    by county queues one task per unfinished part instead (several ``jiuzhu db_worker``
    processes take them in parallel); a part already running in a live worker is skipped."""
    from .services import batch_claim, batch_enqueue_parts, batch_execute

    run = BatchRun.objects.select_related("region").get(pk=run_id)
    if run.status == BatchStatus.DONE:
        return run.processed
    if run.parts.exists():
        batch_enqueue_parts(run=run)
        return run.processed
    if not batch_claim(run=run):
        return run.processed
    return batch_execute(run=BatchRun.objects.select_related("region").get(pk=run_id)).processed
