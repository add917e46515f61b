"""The archive listens to the closing events of the lower apps (registered in
``ArchiveConfig.ready``): each closing enqueues one build, after its transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .choices import CLOSING_OF_ACTION, CaseKind, Closing


def archive_later(kind: str, case_id: int, closing: str) -> None:
    """Enqueue the package's build once the closing transaction has committed (nothing if it
    rolls back)."""
    from .tasks import archive_build_task

    transaction.on_commit(lambda: archive_build_task.enqueue(
        kind=kind, case_id=case_id, closing=closing), robust=True)


def application_decided(application: Any, *, actor: Any, action: str) -> None:
    """``applications.events.on_decided``: approved, refused, not accepted, withdrawn."""
    closing = CLOSING_OF_ACTION.get(action)
    if closing is not None:
        archive_later(CaseKind.APPLICATION, application.pk, closing)


def application_stopped(application: Any, *, actor: Any, action: str) -> None:
    """``supervision.events.on_stopped``: 停发 — a package of its own (the next version)."""
    archive_later(CaseKind.APPLICATION, application.pk, Closing.STOPPED)


def emergency_closed(case: Any, *, actor: Any, action: str) -> None:
    """``emergency.events.on_closed``: the emergency case closed."""
    archive_later(CaseKind.EMERGENCY, case.pk, Closing.CLOSED)
