"""Background runs whose worker died (#14 item 8).

An import, a batch re-assessment or a dashboard refresh marks itself running and beats
(a ``heartbeat_at`` column, or for the import's one-transaction write its progress file)
while it works. A worker killed mid-run leaves it "running" for ever; so every app with
such runs registers a sweep on :data:`stale_runs` in its ``AppConfig.ready()``::

    stale_runs.register(import_jobs_fail_stale)   # (*, before: datetime) -> int

and :func:`sweep` calls them all with ``before`` = now − ``JOB_STALE_MINUTES``: each marks
its runs whose last sign of life is older than that failed, saying what was written, so the
page shows 失败 with a 重新开始 button.

The sweep runs when a task worker starts a task (the first task of a worker process, then
at most once a minute: :func:`on_task_started`, connected to django-tasks' ``task_started``
in ``CoreConfig.ready``), and with ``jiuzhu sweep_runs`` (cron, or after restarting workers).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from .hooks import Hook

logger = logging.getLogger(__name__)

#: Callbacks ``(*, before: datetime) -> int``: fail the runs silent since ``before``.
stale_runs = Hook("core.stale_runs")

#: Callbacks ``(*, force: bool)``: work outside a web request starts — before each task of a
#: database-backend worker (``jiuzhu db_worker``, before the sweep), and forced once at the
#: start of a management command that computes (``jiuzhu reassess``, the benchmarks). What
#: the work reads must be current (``policy``: the parameter sets approved elsewhere).
work_starting = Hook("core.work_starting")

#: A run silent for this long has lost its worker (every run beats at least every minute
#: or so; a chunk of a batch re-assessment takes seconds).
JOB_STALE_MINUTES = 10
#: The least time between two sweeps of one worker process.
SWEEP_EVERY_SECONDS = 60


def stale_before(now: datetime | None = None) -> datetime:
    minutes = int(getattr(settings, "JOB_STALE_MINUTES", JOB_STALE_MINUTES))
    return (now or timezone.now()) - timedelta(minutes=minutes)


def sweep(*, before: datetime | None = None) -> int:
    """Fail every run silent since ``before`` (default: ``JOB_STALE_MINUTES`` ago);
    returns how many. One app's sweep failing does not stop the others."""
    before = before or stale_before()
    total = 0
    for callback in stale_runs.callbacks:
        try:
            total += int(callback(before=before) or 0)
        except Exception:
            logger.exception("sweep of stale runs failed: %s", callback)
    if total:
        logger.warning("%s background run(s) whose worker died marked failed", total)
    return total


_last_sweep: float | None = None


def on_task_started(sender: Any = None, **kwargs: Any) -> None:
    """django-tasks' ``task_started`` (sent by the worker before each task): sweep on the
    first task of this process, then at most every ``SWEEP_EVERY_SECONDS``. Only in a
    worker of the database backend (``jiuzhu db_worker``), not for tasks run in place.
    First, every time, :data:`work_starting`."""
    from django_tasks_db import DatabaseBackend

    global _last_sweep
    if not (isinstance(sender, type) and issubclass(sender, DatabaseBackend)):
        return
    work_starting(force=False)
    now = time.monotonic()
    if _last_sweep is not None and now - _last_sweep < SWEEP_EVERY_SECONDS:
        return
    _last_sweep = now
    sweep()
