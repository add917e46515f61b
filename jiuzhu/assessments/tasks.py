from __future__ import annotations

from django_tasks import task

from .choices import BatchStatus
from .models import BatchRun


@task()
def batch_run_task(run_id: int) -> int:
    """批量重新核算: run (or resume) one BatchRun; returns households processed."""
    from .services import batch_execute

    run = BatchRun.objects.select_related("region").get(pk=run_id)
    if run.status == BatchStatus.DONE:
        return run.processed
    return batch_execute(run=run).processed
