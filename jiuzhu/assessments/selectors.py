"""Reads of assessments: the ranking ("most difficult first") and circle counts."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from jiuzhu.core.access import VisibleQuerySet
from jiuzhu.regions.models import Region

from .choices import MONITORING_CIRCLE
from .models import Assessment, BatchRun, Monitoring, Standing


def open_monitoring(household: Any = None) -> QuerySet[Monitoring]:
    """Monitorings not ended (of ``household`` when given)."""
    qs = Monitoring.objects.filter(ended_at__isnull=True)
    return qs.filter(household=household) if household is not None else qs


def with_counted_circle(qs: Any) -> Any:
    """Standings annotated with ``monitored`` (an open 纳入监测) and ``counted_circle``: the
    engine's circle, or 4 for a monitored household outside every circle (圈外)."""
    return qs.annotate(
        monitored=Exists(open_monitoring().filter(household=OuterRef("household"))),
    ).annotate(counted_circle=Case(
        When(Q(circle=0) & Q(monitored=True), then=Value(MONITORING_CIRCLE)),
        default=F("circle"), output_field=PositiveSmallIntegerField()))


def counted_circle(household: Any, circle: int) -> tuple[int, bool]:
    """The circle ``household`` counts in, given its own ``circle``, and whether it is
    monitored (one query)."""
    monitored = open_monitoring(household).exists()
    return (MONITORING_CIRCLE if circle == 0 and monitored else circle), monitored


def standings_visible_to(user: Any) -> VisibleQuerySet[Standing]:
    return Standing.objects.visible_to(user).filter(household__status="active")


def ranking(*, user: Any, region: Region | None = None, circle: int | None = None) -> QuerySet[Standing]:
    """Index descending, then per-capita income ascending, then household number; each row
    with its ``counted_circle`` (a monitored household outside every circle counts in 4),
    which the circle filter asks."""
    qs = with_counted_circle(standings_visible_to(user).select_related("household",
                                                                       "household__region"))
    if region is not None:
        qs = qs.within(region)
    if circle is not None:
        qs = qs.filter(counted_circle=circle)
    return qs.order_by("-index_hundredths", "per_capita_fen", "household__household_id")


def circle_counts(*, user: Any, region: Region) -> list[dict[str, Any]]:
    """Households per circle for each child region of ``region`` (and the total); a
    monitored household outside every circle counts in circle 4."""
    children = list(region.children.order_by("code"))
    base = with_counted_circle(standings_visible_to(user).within(region))
    aggregates = {f"c{c}": Count("pk", filter=Q(counted_circle=c)) for c in (1, 2, 3, 4, 0)}
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
