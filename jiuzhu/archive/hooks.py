"""The archive listens to the closing events of the lower apps (registered in
``ArchiveConfig.ready``): each closing enqueues one build, after its transaction commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

from .choices import CLOSING_OF_ACTION, CaseKind, Closing

_held: ContextVar[bool] = ContextVar("archive_builds_held", default=False)


@contextmanager
def builds_held() -> Iterator[None]:
    """Closings inside enqueue no build: the demo loader closes hundreds of cases in bulk
    and archives a few itself; the daily catch-up (``closed.build_missing``) builds the
    rest."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def archive_later(kind: str, case_id: int, closing: str) -> None:
    """Enqueue the package's build once the closing transaction has committed (nothing if it
    rolls back, nothing while ``builds_held``)."""
    from .tasks import archive_build_task

    if _held.get():
        return

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
