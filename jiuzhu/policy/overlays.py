"""The approved parameter sets installed into the engine (``rules.parameters`` overlays).

Every process installs them before the engine first reads parameters, and again whenever a
cheap stamp of the approved sets (their count and highest id) has changed: the engine calls
:func:`refresh_from_database` through ``parameters.set_refresher`` at most every
``JIUZHU_PARAMETERS_CHECK_SECONDS`` (default 5), so a set approved in one web worker reaches
the others and the ``db_worker`` processes within seconds. The approving process installs at
once, after commit. The tests set ``None`` (no query added to any other test: a set is
installed when its approval commits, and ``jiuzhu/conftest.py`` removes it after the test)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
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


def connect(seconds: float | None = None) -> None:
    """Register the refresher with the engine (``PolicyConfig.ready``), to run at most every
    ``JIUZHU_PARAMETERS_CHECK_SECONDS`` (default 5). ``None`` in the settings (the tests)
    registers none: there a set is installed when its approval commits, and a test that
    wants the production behaviour connects with its own interval."""
    if seconds is None:
        configured = getattr(settings, "JIUZHU_PARAMETERS_CHECK_SECONDS", 5)
        if configured is None:
            parameters.set_refresher(None)
            return
        seconds = float(configured)
    parameters.set_refresher(refresh_from_database, seconds)


def forget() -> None:
    """As after a restart: nothing installed; with a refresher, the next read of parameters
    installs the approved sets."""
    global _installed
    _installed = None
    parameters.remove_overlays()
    connect()


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
