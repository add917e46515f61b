"""Background tasks of verification (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from .models import VerificationRequest
from .services import verification_run


@task()
def verification_run_task(request_id: int) -> str:
    """Query every source of a request that has not answered yet; returns its status."""
    request = VerificationRequest.objects.get(pk=request_id)
    return verification_run(request=request).status
