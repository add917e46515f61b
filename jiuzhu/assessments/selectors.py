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
    VETOED_CODE,
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


def _receiving_whens(region: Region | None = None) -> tuple[When, When]:
    """Receiving dibao or special hardship today → 1, recognised low-income → 2."""
    from .prescription import receiving_households_q

    return (When(receiving_households_q(CIRCLE_1_PROGRAMMES, region=region), then=Value(1)),
            When(receiving_households_q(CIRCLE_2_PROGRAMMES, region=region), then=Value(2)))


def monitoring_code_expression(region: Region | None = None) -> Case:
    """The monitoring circle as one flat SQL expression (each subquery written once):
    1–4, 0 outside, ``VETOED_CODE`` for a vetoed household — the order of the module's
    docstring: what the household receives, then a veto unless monitored, then the
    calculation (computed 1–2 → 2, 3 → 3, 4 → 4; monitored outside → 4)."""
    monitored = Exists(open_monitoring().filter(household=OuterRef("household")))
    return Case(
        *_receiving_whens(region),
        When(Q(vetoes=0, circle__in=(1, 2)), then=Value(2)),
        When(Q(vetoes=0, circle__in=(3, 4)), then=F("circle")),
        When(monitored, then=Case(When(circle__in=(1, 2), then=Value(2)),
                                  When(circle=0, then=Value(MONITORING_CIRCLE)),
                                  default=F("circle"),
                                  output_field=PositiveSmallIntegerField())),
        When(~Q(vetoes=0), then=Value(VETOED_CODE)),
        default=Value(0), output_field=PositiveSmallIntegerField())


def with_monitoring_circle(qs: Any, region: Region | None = None) -> Any:
    """Standings annotated with the monitoring circle (see the module's docstring):
    ``monitoring_code`` (1–4, 0 outside, ``VETOED_CODE`` vetoed: the one to filter and
    count on, its SQL written once — ``in_monitoring_circle``, ``NOT_VETOED``), and for
    showing a row ``monitoring_circle`` (1–4, 0 outside and for the vetoed), ``vetoed``
    (bool), ``receiving_circle`` (1 dibao/tekun, 2 low-income, 0 nothing) and
    ``monitored``/``counted_circle`` of ``with_counted_circle``. ``region``: every row of
    ``qs`` lies in it (what the households receive is then looked up there only)."""
    qs = with_counted_circle(qs).annotate(monitoring_code=monitoring_code_expression(region))
    return qs.annotate(
        receiving_circle=Case(*_receiving_whens(region), default=Value(0),
                              output_field=PositiveSmallIntegerField()),
        vetoed=Case(When(monitoring_code=VETOED_CODE, then=Value(True)), default=Value(False),
                    output_field=BooleanField()),
        monitoring_circle=Case(When(monitoring_code=VETOED_CODE, then=Value(0)),
                               default=F("monitoring_code"),
                               output_field=PositiveSmallIntegerField()))


#: Filters on ``with_monitoring_circle``'s ``monitoring_code``.
NOT_VETOED = ~Q(monitoring_code=VETOED_CODE)
IS_VETOED = Q(monitoring_code=VETOED_CODE)


def in_monitoring_circle(*circles: int) -> Q:
    """In one of the monitoring circles (never a vetoed household)."""
    return Q(monitoring_code__in=circles)


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
        qs = qs.filter(IS_VETOED)
    elif circle is not None:
        qs = qs.filter(in_monitoring_circle(int(circle)))
    else:
        qs = qs.filter(NOT_VETOED)
    return qs.order_by("-index_hundredths", "per_capita_fen", "household__household_id")


def circle_counts(*, user: Any, region: Region) -> list[dict[str, Any]]:
    """Households per monitoring circle (``c1``…``c4``, ``c0`` outside) and vetoed
    (``vetoed``, apart) for each child region of ``region`` (and the total)."""
    children = list(region.children.order_by("code"))
    base = (with_monitoring_circle(standings_visible_to(user).within(region), region)
            .order_by().values("monitoring_code"))
    rows = []
    for child in [*children, None]:
        found = {row["monitoring_code"]: row["n"] for row in
                 (base.within(child) if child else base).annotate(n=Count("pk"))}
        counts = {f"c{c}": found.get(c, 0) for c in (1, 2, 3, 4, 0)}
        counts["vetoed"] = found.get(VETOED_CODE, 0)
        rows.append({"region": child, **counts, "total": sum(counts.values())})
    return rows


def latest_assessment(*, household) -> Assessment | None:
    return household.assessments.order_by("-created_at", "-id").first()


def batch_runs_visible_to(user: Any) -> QuerySet[BatchRun]:
    """Whole runs (a run split by county stands for its parts)."""
    return (BatchRun.objects.visible_to(user).filter(parent__isnull=True)
            .select_related("region", "created_by"))
