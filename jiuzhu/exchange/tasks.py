"""Background tasks of the exchange app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from .services import import_job_run


@task()
def import_job_process(job_id: int) -> str:
    """Process one uploaded import job (read, validate, write); returns its final status."""
    return import_job_run(job_id=job_id).status
