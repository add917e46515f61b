"""Background tasks of the calendar app (django-tasks): the daily alert recompute."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task

from .services import daily_run

logger = logging.getLogger(__name__)

DAILY_AT = time(1, 0)  # 01:00 local time (settings.TIME_ZONE)


def next_daily_run(now: datetime | None = None) -> datetime:
    """The next 01:00 local time strictly after ``now`` (aware)."""
    local = timezone.localtime(now or timezone.now())
    candidate = timezone.make_aware(datetime.combine(local.date(), DAILY_AT))
    if candidate <= local:
        candidate = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1),
                                                         DAILY_AT))
    return candidate


@task()
def recompute_alerts_daily() -> dict[str, str]:
    """Run every function registered with ``services.register_daily``, then enqueue the
    next run for 01:00 tomorrow. Returns ``{function: "ok" | "failed: …"}``."""
    try:
        return daily_run()
    finally:
        daily_schedule()


def _pending_exists(backend_alias: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    return (DBTaskResult.objects
            .filter(task_path=recompute_alerts_daily.module_path, backend_name=backend_alias,
                    status=TaskResultStatus.READY)
            .exists())


def daily_schedule(*, now: datetime | None = None) -> TaskResult | None:
    """Enqueue :func:`recompute_alerts_daily` for the next 01:00 unless one is pending.

    Idempotent: with the database backend (django-tasks-db), a ready result of the task
    already waiting means nothing is enqueued. A backend that cannot defer tasks (the
    immediate backend of the tests) schedules nothing. Returns the new result, or None.
    """
    backend = recompute_alerts_daily.get_backend()
    if not backend.supports_defer:
        logger.info("task backend %s cannot defer tasks; daily recompute not scheduled",
                    backend.alias)
        return None
    with transaction.atomic():
        is_database = type(backend).__module__.startswith("django_tasks_db")
        if is_database and _pending_exists(backend.alias):
            return None
        return recompute_alerts_daily.using(run_after=next_daily_run(now)).enqueue()
