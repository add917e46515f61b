"""The approved parameter sets installed into the engine (``rules.parameters`` overlays).

The engine is pure and calls nothing back: this module installs the sets into it. The
approving process installs at once, after commit (:func:`install_after_commit`). Every
other process asks :func:`refresh_if_due` — a cheap stamp of the approved sets (their count
and highest id) compared with what it installed, at most every
``JIUZHU_PARAMETERS_CHECK_SECONDS`` (default 5) — at three places:

- before each web request (``jiuzhu.policy.middleware.ParameterOverlays``);
- before each task of a ``db_worker`` and, forced, at the start of a management command
  that computes with parameters (``core.jobs.work_starting``, registered in
  ``PolicyConfig.ready``).

So a set approved in one web worker reaches the others and the workers within seconds,
and a restarted process at its first request or task. The tests set ``None``: only a
forced refresh asks (no test counts an extra query); a set is installed when its approval
commits and ``jiuzhu/conftest.py`` removes it after the test."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from time import monotonic
from typing import Any

from django.conf import settings
from django.core.exceptions import SynchronousOnlyOperation
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max

from jiuzhu.core.access import SYSTEM
from jiuzhu.rules import parameters

from .choices import DraftState
from .models import ParameterSetDraft

_installed: str | None = None
_checked_at: float | None = None


def check_seconds() -> float | None:
    """``JIUZHU_PARAMETERS_CHECK_SECONDS`` (default 5); ``None``: only when forced."""
    configured = getattr(settings, "JIUZHU_PARAMETERS_CHECK_SECONDS", 5)
    return None if configured is None else float(configured)


def refresh_if_due(force: bool = False) -> None:
    """Install the approved sets if their stamp changed — when ``force``d, or when
    ``JIUZHU_PARAMETERS_CHECK_SECONDS`` have passed since this process last checked (the
    first call of a process always checks). Never raises for a database that cannot
    answer (:func:`refresh_from_database`)."""
    global _checked_at
    now = monotonic()
    if not force:
        seconds = check_seconds()
        if seconds is None or (_checked_at is not None and now - _checked_at < seconds):
            return
    _checked_at = now
    refresh_from_database()


def forget() -> None:
    """As after a restart: nothing installed, never checked (the next
    :func:`refresh_if_due` asks the database)."""
    global _installed, _checked_at
    _installed = None
    _checked_at = None
    parameters.remove_overlays()


def _approved() -> Any:
    return ParameterSetDraft.objects.visible_to(SYSTEM).filter(state=DraftState.APPROVED)


def stamp() -> str:
    found = _approved().aggregate(n=Count("id"), last=Max("id"))
    return f"{found['n']}:{found['last'] or 0}"


def refresh_from_database() -> None:
    """Install the approved sets when their stamp differs from what is installed. A
    database that cannot answer (not migrated yet, an async context, a test without a
    database) installs nothing and keeps what is installed."""
    if connection.needs_rollback:
        return
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                current = stamp()
        else:
            current = stamp()
    except (DatabaseError, SynchronousOnlyOperation, RuntimeError):
        return  # RuntimeError: a test without the database (pytest-django refuses access)
    if current != _installed:
        install_all(current)


def overlay_values(rows: Any) -> dict[str, dict[str, dict[date, tuple[Any, str]]]]:
    """county → name → effective date → (value, reference) of ``rows`` (approved sets, a
    later decision on the same date winning)."""
    result: dict[str, dict[str, dict[date, tuple[Any, str]]]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: (r.effective_on, r.decided_at or r.entered_at, r.pk)):
        county = row.region.code
        for name, value in row.values.items():
            template = parameters.template_of(county, name, row.effective_on)
            result[county].setdefault(name, {})[row.effective_on] = (
                parameters.normalise(template, value), row.reference)
    return result


def install_all(current: str | None = None) -> None:
    """Install every approved set (replacing what was installed)."""
    global _installed
    current = current if current is not None else stamp()
    rows = list(_approved().select_related("region"))
    values = overlay_values(rows)
    for county in {*values, *(c for c in parameters.counties())}:
        try:
            parameters.install_overlay(county, values.get(county, {}), version=current)
        except parameters.ParameterError:
            continue
    _installed = current


def install_after_commit() -> None:
    transaction.on_commit(install_all)
