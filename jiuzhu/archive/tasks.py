"""Building a closed case's archive package on the task worker (after the closing commits)."""

from __future__ import annotations

from django_tasks import task


@task()
def archive_build_task(kind: str, case_id: int, closing: str) -> int | None:
    """Build the package of one closing event (nothing if it is already archived); the new
    package's id."""
    from .services import package_build_missing

    package = package_build_missing(kind=kind, case_id=case_id, closing=closing)
    return package.pk if package is not None else None
