"""Reads of assessments: the ranking ("most difficult first") and circle counts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.regions.models import Region

from .models import Assessment, BatchRun, Standing


def standings_visible_to(user: Any) -> VisibleQuerySet[Standing]:
    return Standing.objects.visible_to(user).filter(household__status="active")


def ranking(*, user: Any, region: Region | None = None, circle: int | None = None) -> QuerySet[Standing]:
    """Index descending, then per-capita income ascending, then household number."""
    qs = standings_visible_to(user).select_related("household", "household__region")
    if region is not None:
        qs = qs.within(region)
    if circle is not None:
        qs = qs.filter(circle=circle)
    return qs.order_by("-index_hundredths", "per_capita_fen", "household__household_id")


def circle_counts(*, user: Any, region: Region) -> list[dict[str, Any]]:
    """Households per circle for each child region of ``region`` (and the total)."""
    children = list(region.children.order_by("code"))
    base = standings_visible_to(user).within(region)
    aggregates = {f"c{c}": Count("pk", filter=Q(circle=c)) for c in (1, 2, 3, 4, 0)}
    rows = []
    for child in children:
        counts = base.within(child).aggregate(**aggregates)
        rows.append({"region": child, **counts, "total": sum(counts.values())})
    total = base.aggregate(**aggregates)
    rows.append({"region": None, **total, "total": sum(total.values())})
    return rows


def latest_assessment(*, household) -> Assessment | None:
    return household.assessments.order_by("-created_at", "-id").first()


def batch_runs_visible_to(user: Any) -> QuerySet[BatchRun]:
    return BatchRun.objects.visible_to(user).select_related("region", "created_by")
