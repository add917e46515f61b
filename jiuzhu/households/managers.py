"""Managers of the household registry: rows staged by an unfinished Excel import are
invisible to every query but the import's own.

An import writes its households and members in short transactions with ``staged_by``
set to its job's id, then publishes them all at once (``staged_by`` back to NULL) —
see ``jiuzhu/exchange/services.py``. ``objects`` (the default manager, used by views,
selectors, related managers, forms and the admin) shows only published rows;
``all_objects`` shows staged ones too and is for the import alone.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def live_manager(queryset_class: type[models.QuerySet]) -> Any:
    """A manager of ``queryset_class`` without the staged rows."""

    class LiveManager(models.Manager.from_queryset(queryset_class)):  # type: ignore[misc]
        def get_queryset(self) -> models.QuerySet:
            return super().get_queryset().filter(staged_by__isnull=True)

    LiveManager.__name__ = f"Live{queryset_class.__name__}Manager"
    return LiveManager()


def staged_condition() -> models.Q:
    """The condition of the partial index on ``staged_by`` (only staged rows are in it)."""
    return models.Q(staged_by__isnull=False)
