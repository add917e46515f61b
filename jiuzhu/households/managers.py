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

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.core.fields import SealedQuerySet

_VisibleManager = models.Manager.from_queryset(VisibleQuerySet)
_SealedManager = models.Manager.from_queryset(SealedQuerySet)


class _Live:
    """Without the staged rows (mixed into a manager)."""

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(staged_by__isnull=True)  # type: ignore[misc]


class LiveHouseholdManager(_Live, _VisibleManager):  # type: ignore[valid-type,misc]
    """Households without the staged ones."""


class LiveMemberManager(_Live, _SealedManager):  # type: ignore[valid-type,misc]
    """Members without the staged ones."""


def staged_condition() -> models.Q:
    """The condition of the partial index on ``staged_by`` (only staged rows are in it)."""
    return models.Q(staged_by__isnull=False)
