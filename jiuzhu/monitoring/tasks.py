from __future__ import annotations

from django_tasks import task

from .models import RefreshRun


@task()
def refresh_task(run_id: int) -> int:
    """看板快照刷新: one RefreshRun; returns the regions refreshed."""
    from .services import refresh_execute

    run = RefreshRun.objects.select_related("region").get(pk=run_id)
    if run.status == "done":
        return run.done
    return refresh_execute(run).done
