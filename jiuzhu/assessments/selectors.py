"""Reads of assessments: the ranking ("most difficult first") and circle counts.

Two circles are read here. ``counted_circle`` is the engine's ``circle`` (stored on
``Standing``, as the spec and its examples define it) with a monitored household outside
every circle counted in 4. The **monitoring circle** (``with_monitoring_circle``, 碑林
信息圈) is what the monitoring register, the circle counts and the dashboard use: it looks
at what the household *receives* before the calculation —

1. receiving dibao (urban or rural) or special hardship (特困) today → 1;
2. recognised low-income (MZ02 receiving) → 2;
3. otherwise, vetoed by the calculation (any of V01–V14 in ``Standing.vetoes``) →
   ``vetoed``: circle 0, listed apart (否决), never in "most difficult first" — unless a
   worker entered it into monitoring (纳入监测, an emergency assessment's decision): then
   the calculation's circle below, 4 when outside;
4. otherwise the calculation: computed circle 1 or 2 → 2 (eligible by income but not
   receiving: a low-income household still to be helped), 3 → 3, 4 → 4, outside with an
   open 纳入监测 → 4, else 0 (outside).

What a household receives comes from ``applications`` through the hook
``prescription.register_receiving_households`` (this app does not import it).
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BooleanField,
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

from .choices import (
    CIRCLE_1_PROGRAMMES,
    CIRCLE_2_PROGRAMMES,
    MONITORING_CIRCLE,
    MONITORING_CIRCLE_LABELS,
    VETOED,
)
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


def with_monitoring_circle(qs: Any) -> Any:
    """Standings annotated with the monitoring circle (see the module's docstring):
    ``receiving_circle`` (1 dibao/tekun, 2 low-income, 0 nothing), ``vetoed`` (bool: a veto,
    receiving nothing, not monitored), ``monitoring_circle`` (1–4, 0 outside and for the vetoed), and
    ``monitored``/``counted_circle`` of ``with_counted_circle``."""
    from .prescription import receiving_households_q

    qs = with_counted_circle(qs).annotate(receiving_circle=Case(
        When(receiving_households_q(CIRCLE_1_PROGRAMMES), then=Value(1)),
        When(receiving_households_q(CIRCLE_2_PROGRAMMES), then=Value(2)),
        default=Value(0), output_field=PositiveSmallIntegerField()))
    return qs.annotate(
        vetoed=Case(When(Q(receiving_circle=0, monitored=False) & ~Q(vetoes=0),
                         then=Value(True)),
                    default=Value(False), output_field=BooleanField()),
    ).annotate(monitoring_circle=Case(
        When(receiving_circle__in=(1, 2), then=F("receiving_circle")),
        When(vetoed=True, then=Value(0)),
        When(circle__in=(1, 2), then=Value(2)),
        default=F("counted_circle"), output_field=PositiveSmallIntegerField()))


def monitoring_circle_label(row: Any) -> str:
    """The Chinese name of a row's monitoring circle (否决 for a vetoed household)."""
    from .choices import VETOED_LABEL

    if getattr(row, "vetoed", False):
        return str(VETOED_LABEL)
    return str(MONITORING_CIRCLE_LABELS.get(getattr(row, "monitoring_circle", row.circle), ""))


def counted_circle(household: Any, circle: int) -> tuple[int, bool]:
    """The circle ``household`` counts in, given its own ``circle``, and whether it is
    monitored (one query)."""
    monitored = open_monitoring(household).exists()
    return (MONITORING_CIRCLE if circle == 0 and monitored else circle), monitored


def standings_visible_to(user: Any) -> VisibleQuerySet[Standing]:
    return Standing.objects.visible_to(user).filter(household__status="active")


def ranking(*, user: Any, region: Region | None = None,
            circle: int | str | None = None) -> QuerySet[Standing]:
    """The monitoring register, most difficult first: index descending, then per-capita
    income ascending, then household number; each row with its ``monitoring_circle``
    (``with_monitoring_circle``), which the circle filter asks. Vetoed households are
    listed apart: left out unless ``circle="vetoed"`` asks for them alone."""
    qs = with_monitoring_circle(standings_visible_to(user).select_related(
        "household", "household__region"))
    if region is not None:
        qs = qs.within(region)
    if circle == VETOED:
        qs = qs.filter(vetoed=True)
    else:
        qs = qs.filter(vetoed=False)
        if circle is not None:
            qs = qs.filter(monitoring_circle=circle)
    return qs.order_by("-index_hundredths", "per_capita_fen", "household__household_id")


def circle_counts(*, user: Any, region: Region) -> list[dict[str, Any]]:
    """Households per monitoring circle (``c1``…``c4``, ``c0`` outside) and vetoed
    (``vetoed``, apart) for each child region of ``region`` (and the total)."""
    children = list(region.children.order_by("code"))
    base = with_monitoring_circle(standings_visible_to(user).within(region))
    aggregates = {f"c{c}": Count("pk", filter=Q(monitoring_circle=c, vetoed=False))
                  for c in (1, 2, 3, 4, 0)}
    # (an aggregate may not take the name of the annotation it filters on)
    aggregates["apart"] = Count("pk", filter=Q(vetoed=True))
    rows = []
    for child in [*children, None]:
        counts = (base.within(child) if child else base).aggregate(**aggregates)
        counts["vetoed"] = counts.pop("apart")
        rows.append({"region": child, **counts, "total": sum(counts.values())})
    return rows


def latest_assessment(*, household) -> Assessment | None:
    return household.assessments.order_by("-created_at", "-id").first()


def batch_runs_visible_to(user: Any) -> QuerySet[BatchRun]:
    return BatchRun.objects.visible_to(user).select_related("region", "created_by")
