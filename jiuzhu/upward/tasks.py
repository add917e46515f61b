"""Background tasks of upward reporting (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def submission_build_task(submission_id: int) -> str:
    """Build one queued exchange file; returns its final state."""
    from .services import submission_broke, submission_build

    try:
        return submission_build(submission_id=submission_id).state
    except Exception as error:  # the page says it failed; the worker's log has the rest
        submission_broke(submission_id, error)
        raise
