"""Reads of the dashboard (综合看板).

Every figure is a **measure** applied to a region: ``MEASURES[key].rows(ctx, param)`` is the
queryset of the list the figure links to (households, cases, items, leads, payments …) and
the figure is that queryset's count (or a sum over it) inside the region. The charts ask
the same querysets grouped by sub-region in one query each, and the list page
(``monitoring:list``) shows them row by row — so a figure equals its list, to the household.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiuzhu.applications.models import Application
from jiuzhu.assessments.models import Standing
from jiuzhu.core.access import SYSTEM, visible_path
from jiuzhu.core.months import add_months
from jiuzhu.core.routers import on_replica, replica_alias
from jiuzhu.emergency.choices import OPEN_STATES, Level
from jiuzhu.emergency.models import EmergencyCase
from jiuzhu.funds.choices import EntryKind
from jiuzhu.funds.models import Fund, LedgerEntry
from jiuzhu.households.models import Household
from jiuzhu.intake.choices import OPEN_ITEM_STATES
from jiuzhu.intake.models import RequestItem
from jiuzhu.leads.choices import LeadSource, LeadStatus, TaskStatus
from jiuzhu.leads.models import Lead, VisitTask
from jiuzhu.regions.choices import RegionLevel
from jiuzhu.regions.models import Region

from . import sources
from .models import MonthlySnapshot
from .present import figure_url, show
from .sources import PROGRAMMES

# --- the period a page speaks of ----------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class Ctx:
    """Today, the month the money speaks of and the start of the year; ``region``: the
    region the figure is asked for (a measure may narrow its inner queries to it first)."""

    today: date
    region: Region | None = None

    @property
    def month(self) -> date:
        return month_start(self.today)

    @property
    def last_month(self) -> date:
        return add_months(self.month, -1)

    @property
    def year_start(self) -> date:
        return date(self.today.year, 1, 1)

    def start_of_day(self, day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def ctx_for(today: date | None = None) -> Ctx:
    return Ctx(today or timezone.localdate())


def ctx_for_month(text: str) -> Ctx | None:
    """The period of a figure's ``mo`` (``YYYY-MM``): today for the current month or none,
    the first of an earlier month otherwise; ``None`` when it does not parse."""
    current = ctx_for()
    if not text:
        return current
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        return None
    return current if first == current.month else Ctx(first)


# --- measures --------------------------------------------------------------------------------

#: the kinds of list a figure links to (``views.LIST_KINDS`` shows each)
HOUSEHOLD, APPLICATION, ITEM, LEAD, CASE, PAYMENT, ENTRY, FUND, FACT = (
    "household", "application", "item", "lead", "case", "payment", "entry", "fund", "fact")


@dataclass(frozen=True)
class Measure:
    key: str
    kind: str
    label: Any
    rows: Callable[[Ctx, str], QuerySet[Any]]
    #: the field path of the row's region path (grouping and the region filter)
    path: str = "region_path"
    #: "count" or the field summed (integer: persons, fen)
    total: str = "count"
    needs_month: bool = False


MEASURES: dict[str, Measure] = {}


def measure(key: str, kind: str, label: Any, *, path: str = "region_path", total: str = "count",
            needs_month: bool = False) -> Callable[[Callable[[Ctx, str], QuerySet[Any]]],
                                                   Callable[[Ctx, str], QuerySet[Any]]]:
    def register(fn: Callable[[Ctx, str], QuerySet[Any]]) -> Callable[[Ctx, str], QuerySet[Any]]:
        MEASURES[key] = Measure(key, kind, label, fn, path, total, needs_month)
        return fn
    return register


def _households(ids: Any) -> QuerySet[Household]:
    return Household.objects.filter(pk__in=ids)


def _receiving(programme: str, region: Region | None) -> QuerySet[Any]:
    qs = sources.receiving_now(region)
    return qs if programme in ("", "all") else qs.filter(programme=programme)


def _covered_ids(ctx: Ctx, programme: str) -> Any:
    """Households receiving ``programme`` now (临时救助: paid this month), ``all``: any."""
    return _receiving(programme, ctx.region).values("household_id")


@measure("covered", HOUSEHOLD, _l("在保家庭（户）"))
def covered(ctx: Ctx, programme: str) -> QuerySet[Household]:
    return _households(_covered_ids(ctx, programme))


@measure("covered_persons", HOUSEHOLD, _l("在保人数"), total="member_count")
def covered_persons(ctx: Ctx, programme: str) -> QuerySet[Household]:
    return covered(ctx, programme)


@measure("paid_households", HOUSEHOLD, _l("当月发放家庭（户）"), needs_month=True)
def paid_households(ctx: Ctx, programme: str) -> QuerySet[Household]:
    qs = sources.paid_in(ctx.month)
    if programme not in ("", "all"):
        qs = qs.filter(programme=programme)
    return _households(qs.values("application__household_id"))


def _standings(ctx: Ctx) -> QuerySet[Any]:
    """Active households' standings with their monitoring circle — those of the asked
    region alone (the circle is computed for them only, not for the whole registry)."""
    qs = Standing.objects.filter(household__status="active")
    if ctx.region is not None:
        qs = qs.within(ctx.region)
    return sources.with_monitoring_circle(qs, ctx.region)


@measure("circle", HOUSEHOLD, _l("信息圈家庭（户）"))
def circle(ctx: Ctx, which: str) -> QuerySet[Household]:
    number = int(which) if which.isdigit() else -1
    return _households(_standings(ctx).filter(sources.in_monitoring_circle(number))
                       .values("household_id"))


def _nothing_standings(ctx: Ctx) -> QuerySet[Any]:
    """Standings (not vetoed) of households receiving nothing now."""
    receiving_ids = sources.receiving_now(ctx.region).values("household_id")
    return _standings(ctx).filter(sources.NOT_VETOED).exclude(household_id__in=receiving_ids)


@measure("circle_nothing", HOUSEHOLD, _l("3–4 圈未享受救助（户）"))
def circle_nothing(ctx: Ctx, which: str) -> QuerySet[Household]:
    return _households(_nothing_standings(ctx).filter(sources.in_monitoring_circle(3, 4))
                       .values("household_id"))


#: hardship index buckets (困难指数, 0–100): key → (from, below) in hundredths
INDEX_BUCKETS: tuple[tuple[str, str, int, int], ...] = (
    ("0", "0–20", 0, 2000), ("20", "20–40", 2000, 4000), ("40", "40–60", 4000, 6000),
    ("60", "60–80", 6000, 8000), ("80", "80–100", 8000, 10001))


@measure("index", HOUSEHOLD, _l("困难指数分布（户）"))
def index(ctx: Ctx, bucket: str) -> QuerySet[Household]:
    low, high = next(((lo, hi) for key, _label, lo, hi in INDEX_BUCKETS if key == bucket), (0, -1))
    return _households(_standings(ctx).filter(sources.NOT_VETOED, index_hundredths__gte=low,
                                           index_hundredths__lt=high).values("household_id"))


@measure("nothing", HOUSEHOLD, _l("未享受救助的家庭（按困难程度）"))
def nothing(ctx: Ctx, _param: str) -> QuerySet[Household]:
    return _households(_nothing_standings(ctx).filter(sources.in_monitoring_circle(1, 2, 3, 4))
                       .values("household_id"))


#: the order of "most difficult first": hardship index down, then income per head up
HARDEST_ORDER = ("-index_hundredths", "per_capita_fen", "household__household_id")


# timeliness (达川)
@measure("app_received", APPLICATION, _l("本年受理申请（件）"), path="household__region_path")
def app_received(ctx: Ctx, _param: str) -> QuerySet[Application]:
    return Application.objects.filter(submitted_at__gte=ctx.start_of_day(ctx.year_start))


@measure("app_decided", APPLICATION, _l("本年审批办结（件）"), path="household__region_path")
def app_decided(ctx: Ctx, _param: str) -> QuerySet[Application]:
    return Application.objects.filter(decided_at__gte=ctx.start_of_day(ctx.year_start))


@measure("items_received", ITEM, _l("本年一门受理事项（件）"))
def items_received(ctx: Ctx, _param: str) -> QuerySet[RequestItem]:
    return RequestItem.objects.filter(started_on__gte=ctx.year_start)


@measure("items_finished", ITEM, _l("本年办结事项（件）"))
def items_finished(ctx: Ctx, _param: str) -> QuerySet[RequestItem]:
    return RequestItem.objects.filter(finished_on__gte=ctx.year_start)


@measure("items_overdue", ITEM, _l("当前超时事项（件）"))
def items_overdue(ctx: Ctx, department: str) -> QuerySet[RequestItem]:
    qs = RequestItem.objects.filter(state__in=OPEN_ITEM_STATES).with_alert(ctx.today) \
        .filter(alert="red")
    return qs.filter(department_code=department) if department else qs


def _facts(ctx: Ctx, step: str) -> QuerySet[Any]:
    model = sources.step_fact_model()
    if model is None:
        return RequestItem.objects.none()
    qs = model.objects.filter(ended_on__gte=ctx.year_start)
    return qs.filter(step=step) if step else qs


@measure("facts", FACT, _l("本年办结环节（个）"))
def facts(ctx: Ctx, step: str) -> QuerySet[Any]:
    return _facts(ctx, step)


@measure("facts_on_time", FACT, _l("按时办结环节（个）"))
def facts_on_time(ctx: Ctx, step: str) -> QuerySet[Any]:
    qs = _facts(ctx, step)
    return qs.filter(on_time=True) if sources.step_fact_model() else qs


@measure("facts_late", FACT, _l("超时办结环节（个）"))
def facts_late(ctx: Ctx, step: str) -> QuerySet[Any]:
    qs = _facts(ctx, step)
    return qs.filter(on_time=False) if sources.step_fact_model() else qs


# discovery (全城发现)
@measure("leads", LEAD, _l("本年线索（条）"))
def leads(ctx: Ctx, source: str) -> QuerySet[Lead]:
    qs = Lead.objects.filter(created_at__gte=ctx.start_of_day(ctx.year_start))
    return qs.filter(source=source) if source else qs


@measure("unvisited", LEAD, _l("尚未走访的线索（条）"))
def unvisited(ctx: Ctx, _param: str) -> QuerySet[Lead]:
    visited = VisitTask.objects.filter(status=TaskStatus.DONE).values("lead_id")
    return Lead.objects.exclude(status=LeadStatus.CLOSED).exclude(pk__in=visited)


@measure("found", HOUSEHOLD, _l("主动发现的在保家庭（户）"))
def found(ctx: Ctx, _param: str) -> QuerySet[Household]:
    with_lead = Lead.objects.filter(household__isnull=False).values("household_id")
    return covered(ctx, "all").filter(pk__in=with_lead)


# emergency (沈河)
@measure("em_open", CASE, _l("在办急难个案（件）"))
def em_open(ctx: Ctx, level: str) -> QuerySet[EmergencyCase]:
    qs = EmergencyCase.objects.filter(state__in=OPEN_STATES)
    return qs.filter(level=level) if level else qs


@measure("em_responded", CASE, _l("本年已响应（件）"))
def em_responded(ctx: Ctx, _param: str) -> QuerySet[EmergencyCase]:
    return EmergencyCase.objects.filter(responded_at__gte=ctx.start_of_day(ctx.year_start))


@measure("em_on_time", CASE, _l("按时响应（件）"))
def em_on_time(ctx: Ctx, _param: str) -> QuerySet[EmergencyCase]:
    return em_responded(ctx, "").filter(responded_at__lte=F("respond_by"))


@measure("em_late", CASE, _l("超时响应（件）"))
def em_late(ctx: Ctx, _param: str) -> QuerySet[EmergencyCase]:
    return em_responded(ctx, "").filter(responded_at__gt=F("respond_by"))


@measure("fund_available", FUND, _l("基金可用余额（元）"), total="available")
def fund_available(ctx: Ctx, _param: str) -> QuerySet[Fund]:
    return Fund.objects.annotate(available=F("balance_fen") - F("committed_fen"))


@measure("fund_paid", ENTRY, _l("本月基金支付（元）"), total="amount_fen", needs_month=True)
def fund_paid(ctx: Ctx, _param: str) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, on__gte=ctx.month,
                                      on__lt=add_months(ctx.month, 1))


# money
def _payments(month_from: date, month_to: date, programme: str) -> QuerySet[Any]:
    """The payments (``paid_in``) of the months ``month_from``…``month_to``."""
    qs = sources.paid_in(month_from, month_to)
    return qs if programme in ("", "all") else qs.filter(programme=programme)


@measure("paid", PAYMENT, _l("当月发放金额（元）"), path="application__household__region_path",
         total="amount", needs_month=True)
def paid(ctx: Ctx, programme: str) -> QuerySet[Any]:
    return _payments(ctx.month, ctx.month, programme)


@measure("paid_last", PAYMENT, _l("上月发放金额（元）"), path="application__household__region_path",
         total="amount", needs_month=True)
def paid_last(ctx: Ctx, programme: str) -> QuerySet[Any]:
    return _payments(ctx.last_month, ctx.last_month, programme)


@measure("paid_ytd", PAYMENT, _l("本年累计发放（元）"), path="application__household__region_path",
         total="amount", needs_month=True)
def paid_ytd(ctx: Ctx, programme: str) -> QuerySet[Any]:
    return _payments(ctx.year_start, ctx.month, programme)


@measure("paid_persons", HOUSEHOLD, _l("当月发放人数"), total="member_count", needs_month=True)
def paid_persons(ctx: Ctx, programme: str) -> QuerySet[Household]:
    return paid_households(ctx, programme)


# --- regions --------------------------------------------------------------------------------

DRILLABLE = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def region_for(user: Any, code: str | None) -> Region | None:
    """The region a user asks for: their own when none is named; ``None`` when it does not
    exist or lies outside their subtree (a 404)."""
    if not code:
        region = getattr(user, "region", None)
        if region is None and getattr(user, "is_superuser", False):
            region = Region.objects.filter(parent__isnull=True).order_by("code").first()
        return region
    region = Region.objects.filter(code=code).first()
    if region is None or not visible_path(user, region.path):
        return None
    return region


def breadcrumbs(user: Any, region: Region) -> list[Region]:
    """The region's ancestors the user may reach, then the region."""
    return [r for r in region.ancestors() if visible_path(user, r.path)] + [region]


def sub_regions(region: Region) -> list[Region]:
    return list(region.children.order_by("code"))


def drills(region: Region) -> bool:
    """Whether the children of ``region`` have dashboards of their own (down to villages)."""
    return region.level in DRILLABLE


# --- computing ------------------------------------------------------------------------------


def _aggregate(m: Measure) -> Any:
    if m.total == "count":
        return Count("pk")
    return Coalesce(Sum(m.total, output_field=BigIntegerField()), 0,
                    output_field=BigIntegerField())


def within(qs: QuerySet[Any], m: Measure, region: Region) -> QuerySet[Any]:
    """The rows of ``qs`` inside ``region`` (by the measure's region path)."""
    if m.path == "region_path":
        return qs.within(region)  # type: ignore[attr-defined]
    prefix = m.path.removesuffix("__region_path")
    return qs.filter(**{f"{prefix}_id__in": Household.objects.within(region).values("pk")})


def list_rows(user: Any, m: Measure, ctx: Ctx, param: str, region: Region) -> QuerySet[Any]:
    """The list behind a figure: the measure's rows the user sees, inside ``region``."""
    base = m.rows(replace(ctx, region=region), param)
    if hasattr(base, "visible_to"):
        return within(base.visible_to(user), m, region)
    visible = base.model.objects.visible_to(user).values("pk")
    return within(base.filter(pk__in=visible), m, region)


def value_of(qs: QuerySet[Any], m: Measure) -> int:
    if m.total == "count":
        return qs.count()
    return int(qs.aggregate(v=_aggregate(m))["v"] or 0)


@lru_cache(maxsize=65536)
def path_and_ancestors(path: str) -> tuple[str, ...]:
    """``98/9801/980101/`` → ``98/``, ``98/9801/``, ``98/9801/980101/``: the regions a row
    of that path counts in."""
    out, at = [], path.find("/")
    while at != -1:
        out.append(path[:at + 1])
        at = path.find("/", at + 1)
    return tuple(out)


class Rollup:
    """The figures of ``root`` and of every region under it, each figure **one query**: its
    rows inside ``root`` (as ``user`` sees them) grouped by their own region path, then
    added up into every region that path lies in. The live dashboard of one region is a
    rollup of that region; the daily refresh is one rollup of the province shared by every
    snapshot under it (one pass over the registry, not one per region). Every figure of a
    region is a sum over the disjoint paths under it, so it equals its list."""

    def __init__(self, user: Any, root: Region) -> None:
        self.user, self.root = user, root
        self._cache: dict[tuple[Any, ...], Any] = {}

    def _households(self) -> QuerySet[Any]:
        """The ids of the households of the root the user sees (standings' figures)."""
        return Household.objects.visible_to(self.user).within(self.root).values("pk")

    def _once(self, key: tuple[Any, ...], fn: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def _rolled(self, rows: Any) -> dict[str, dict[Any, int]]:
        """``rows``: (path, group, value) → {region path: {group: value summed}}."""
        out: dict[str, dict[Any, int]] = {}
        for path, group, value in rows:
            for each in path_and_ancestors(path or ""):
                bucket = out.setdefault(each, {})
                bucket[group] = bucket.get(group, 0) + int(value or 0)
        return out

    def measure(self, key: str, param: str, ctx: Ctx) -> dict[str, int]:
        """A measure's figure per region path (``list_rows`` grouped by path)."""
        def run() -> dict[str, int]:
            m = MEASURES[key]
            qs = list_rows(self.user, m, ctx, param, self.root)
            rows = qs.order_by().values_list(m.path).annotate(v=_aggregate(m))
            return {path: groups[None] for path, groups in
                    self._rolled((path, None, v) for path, v in rows).items()}
        return self._once(("m", key, param, ctx.today), run)  # type: ignore[no-any-return]

    def _paid(self, first: date, last: date) -> QuerySet[Any]:
        m = MEASURES["paid"]
        return within(sources.paid_in(first, last).visible_to(self.user), m, self.root)  # type: ignore[attr-defined]

    def paid_households_by_month(self, first: date, last: date) -> dict[str, dict[Any, int]]:
        """``paid_households`` of every programme and month ``first``…``last`` in one query:
        the households (distinct) paid per (month, programme) — each equal to its list."""
        return self._once(("ph", first, last), lambda: self._rolled(  # type: ignore[no-any-return]
            (path, (month, programme), n) for path, month, programme, n in
            self._paid(first, last).order_by()
            .values_list("application__household__region_path", "month", "programme")
            .annotate(n=Count("application__household_id", distinct=True))))

    def paid_by_programme(self, first: date, last: date) -> dict[str, dict[Any, int]]:
        """Fen paid per programme in the months ``first``…``last`` — the sum of its list
        (``paid_ytd``)."""
        return self._once(("pp", first, last), lambda: self._rolled(  # type: ignore[no-any-return]
            self._paid(first, last).order_by()
            .values_list("application__household__region_path", "programme")
            .annotate(v=Sum("amount", output_field=BigIntegerField()))))

    def index_buckets(self, ctx: Ctx) -> None:
        """The ``index`` measure of every bucket in one query (a standing is one household:
        its rows grouped by the household's path, as the measure's list)."""
        if ("index", ctx.today) in self._cache:
            return
        bucket = Case(*(When(index_hundredths__gte=low, index_hundredths__lt=high,
                             then=Value(key)) for key, _label, low, high in INDEX_BUCKETS),
                      default=Value(""), output_field=CharField())
        rolled = self._rolled(
            _standings(replace(ctx, region=self.root))
            .filter(sources.NOT_VETOED, household_id__in=self._households()).order_by()
            .annotate(bucket=bucket).values_list("household__region_path", "bucket")
            .annotate(n=Count("pk")))
        for key, _label, _low, _high in INDEX_BUCKETS:
            self._cache[("m", "index", key, ctx.today)] = {
                path: groups.get(key, 0) for path, groups in rolled.items()}
        self._cache[("index", ctx.today)] = True

    def circles(self) -> dict[str, dict[Any, int]]:
        """Households per (monitoring circle, receiving nothing) — ``circle`` and
        ``circle_nothing`` in one query."""
        def run() -> dict[str, dict[Any, int]]:
            receiving_ids = sources.receiving_now(self.root).values("household_id")
            qs = (_standings(Ctx(timezone.localdate(), self.root))
                  .filter(household_id__in=self._households()).order_by()
                  .annotate(nothing=Case(When(household_id__in=receiving_ids, then=Value(0)),
                                         default=Value(1), output_field=IntegerField())))
            return self._rolled(
                (path, (code, nothing), n) for path, code, nothing, n in
                qs.values_list("household__region_path", "monitoring_code", "nothing")
                .annotate(n=Count("pk")))
        return self._once(("circles",), run)  # type: ignore[no-any-return]

    def hardest(self, limit: int) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
        """The ``limit`` most difficult households receiving nothing (not vetoed) of every
        path, one query (a window per path), sorted by path: the most difficult of a region
        are the first ``limit`` of those of the paths under it."""
        def run() -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
            order = [F(f[1:]).desc() if f.startswith("-") else F(f) for f in HARDEST_ORDER]
            qs = (_nothing_standings(Ctx(timezone.localdate(), self.root))
                  .filter(sources.in_monitoring_circle(1, 2, 3, 4),
                          household_id__in=self._households())
                  .annotate(rank=Window(RowNumber(), partition_by=F("household__region_path"),
                                        order_by=order))
                  .filter(rank__lte=limit)
                  .values("household_id", "household__household_id", "household__head_name",
                          "household__region__name", "household__region_path",
                          "index_hundredths", "per_capita_fen", "monitoring_circle"))
            rows = [(row["household__region_path"],
                     (-row["index_hundredths"], row["per_capita_fen"],
                      row["household__household_id"]), row) for row in qs]
            return sorted(rows, key=lambda r: r[0])
        return self._once(("hardest", limit), run)  # type: ignore[no-any-return]

    def fact_days(self, ctx: Ctx) -> dict[str, dict[tuple[str, str], list[int]]]:
        """The working days of this year's step facts per region path and step."""
        def run() -> dict[str, dict[tuple[str, str], list[int]]]:
            out: dict[str, dict[tuple[str, str], list[int]]] = {}
            if sources.step_fact_model() is None:
                return out
            qs = list_rows(self.user, MEASURES["facts"], ctx, "", self.root)
            for path, step, label, days in qs.values_list("region_path", "step", "step_label",
                                                         "working_days"):
                for each in path_and_ancestors(path or ""):
                    out.setdefault(each, {}).setdefault((step, label), []).append(
                        int(days or 0))
            return out
        return self._once(("facts", ctx.today), run)  # type: ignore[no-any-return]


@dataclass
class Table:
    key: str
    title: str
    chart: str  # "bar", "stack", "line", "pie" or "" (a table only)
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    rows_are_regions: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "chart": self.chart,
                "columns": self.columns, "rows": self.rows, "note": self.note,
                "regions": self.rows_are_regions}


def cell(value: Any, m: str = "", p: str = "", r: str = "", mo: str = "", fmt: str = "n") -> dict:
    return {"v": value, "m": m, "p": p, "r": r, "mo": mo, "fmt": fmt}


class Builder:
    """The figures of one region (and its children) read from a ``Rollup`` — its own for a
    live page, the province's shared one for the daily refresh."""

    def __init__(self, user: Any, region: Region, ctx: Ctx, rollup: Rollup | None = None
                 ) -> None:
        self.user, self.region, self.ctx = user, region, ctx
        self.rollup = rollup or Rollup(user, region)
        self.children = sub_regions(region)
        self.child_drills = drills(region)

    def _split(self, by_path: dict[str, Any], empty: Any) -> dict[str, Any]:
        """``{"": the region's, child code: the child's}`` of a per-path result."""
        out = {"": by_path.get(self.region.path, empty)}
        for child in self.children:
            out[child.code] = by_path.get(child.path, empty)
        return out

    def values(self, key: str, param: str = "", ctx: Ctx | None = None) -> dict[str, int]:
        """The figure of the region (key ``""``) and of each child (key its code)."""
        return self._split(self.rollup.measure(key, param, ctx or self.ctx), 0)

    def total(self, key: str, param: str = "") -> int:
        """The figure of the whole region."""
        return self.rollup.measure(key, param, self.ctx).get(self.region.path, 0)

    def paid_households_by_month(self, first: date, last: date) -> dict[date, dict[str, int]]:
        """Households paid per month and programme (``paid_households``)."""
        out: dict[date, dict[str, int]] = {}
        for (month, programme), n in self.rollup.paid_households_by_month(first, last).get(
                self.region.path, {}).items():
            out.setdefault(month, {})[programme] = n
        return out

    def paid_by_programme(self, month_from: date, month_to: date) -> dict[str, int]:
        """Fen paid per programme (and ``all``) over the months — the sum of ``paid_ytd``."""
        out = dict(self.rollup.paid_by_programme(month_from, month_to).get(self.region.path, {}))
        out["all"] = sum(out.values())
        return out

    def circle_counts(self) -> dict[str, dict[str, int]]:
        """Households per monitoring circle (``c1``…``c4``) and of circles 3–4 receiving
        nothing (``nothing``) of the region (key ``""``) and each child."""
        keys = [f"c{n}" for n in (1, 2, 3, 4)] + ["nothing"]
        out = {}
        for code, groups in self._split(self.rollup.circles(), {}).items():
            bucket = dict.fromkeys(keys, 0)
            for (circle_code, nothing), n in groups.items():
                if circle_code in (1, 2, 3, 4):
                    bucket[f"c{circle_code}"] += n
                    if circle_code in (3, 4) and nothing:
                        bucket["nothing"] += n
            out[code] = bucket
        return out

    def most_difficult(self, limit: int = 20) -> list[dict[str, Any]]:
        """The ``limit`` most difficult households of the region receiving nothing."""
        rows = self.rollup.hardest(limit)
        start = bisect_left(rows, self.region.path, key=lambda r: r[0])
        end = bisect_left(rows, self.region.path + "\U0010ffff", key=lambda r: r[0])
        return [row for _path, _key, row in
                heapq.nsmallest(limit, rows[start:end], key=lambda r: r[1])]

    def fact_days(self) -> dict[tuple[str, str], list[int]]:
        return self.rollup.fact_days(self.ctx).get(self.region.path, {})

    def mo(self, key: str, ctx: Ctx | None = None) -> str:
        return (ctx or self.ctx).month.strftime("%Y-%m") if MEASURES[key].needs_month else ""

    def region_table(self, key: str, title: str, chart: str,
                     columns: list[tuple[str, str, str]], note: str = "") -> Table:
        """Rows: each sub-region, then 合计; columns: (label, measure, param)."""
        fmt = {"amount": "fen", "available": "fen", "amount_fen": "fen"}
        table = Table(key, title, chart, [label for label, _m, _p in columns], note=note,
                      rows_are_regions=True)
        data = [(m, p, self.values(m, p)) for _label, m, p in columns]
        for child in self.children:
            table.rows.append({
                "label": child.name, "code": child.code if self.child_drills else "",
                "cells": [cell(v.get(child.code, 0), m, p, child.code, self.mo(m),
                               fmt.get(MEASURES[m].total, "n")) for m, p, v in data]})
        table.rows.append({"label": _("合计"), "code": "", "total": True,
                           "cells": [cell(v[""], m, p, self.region.code, self.mo(m),
                                          fmt.get(MEASURES[m].total, "n")) for m, p, v in data]})
        return table

    def category_table(self, key: str, title: str, chart: str, measure_key: str,
                       categories: list[tuple[str, str]], column: str) -> Table:
        """Rows: categories (param, label) of one measure for the whole region."""
        table = Table(key, title, chart, [column])
        for param, label in categories:
            value = self.total(measure_key, param)
            table.rows.append({"label": label, "code": "", "cells": [
                cell(value, measure_key, param, self.region.code, self.mo(measure_key))]})
        return table


def _percentile(values: list[int], q: float) -> float:
    if not values:
        return 0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 1)


def chart_coverage(b: Builder) -> dict[str, Any]:
    tables = [
        b.region_table("households", _("在保家庭（户）"), "stack",
                       [(str(name), "covered", code) for code, name in PROGRAMMES]),
        b.region_table("persons", _("在保人数"), "stack",
                       [(str(name), "covered_persons", code) for code, name in PROGRAMMES]),
    ]
    trend = Table("trend", _("近24个月发放家庭（户）"), "line", [str(name) for _c, name in PROGRAMMES])
    by_month = b.paid_households_by_month(add_months(b.ctx.month, -23), b.ctx.month)
    for n in range(23, -1, -1):
        month = add_months(b.ctx.month, -n)
        counts = by_month.get(month, {})
        trend.rows.append({"label": month.strftime("%Y-%m"), "code": "", "cells": [
            cell(counts.get(code, 0), "paid_households", code, b.region.code,
                 month.strftime("%Y-%m")) for code, _name in PROGRAMMES]})
    tables.append(trend)
    return {"key": "coverage", "title": _("保障覆盖"),
            "note": _("临时救助为本月救助家庭；其余为当前在保家庭。"), "tables": tables}


def chart_circles(b: Builder) -> dict[str, Any]:
    counts = b.circle_counts()
    columns = [_("第%(n)s圈") % {"n": n} for n in (1, 2, 3, 4)] + [_("3–4 圈未享受救助")]
    table = Table("circles", _("各圈家庭（户）"), "stack", columns, rows_are_regions=True)

    def cells(code: str, values: dict[str, int]) -> list[dict[str, Any]]:
        return [*(cell(values[f"c{n}"], "circle", str(n), code) for n in (1, 2, 3, 4)),
                cell(values["nothing"], "circle_nothing", "", code)]

    for child in b.children:
        table.rows.append({"label": child.name, "code": child.code if b.child_drills else "",
                           "cells": cells(child.code, counts[child.code])})
    table.rows.append({"label": _("合计"), "code": "", "total": True,
                       "cells": cells(b.region.code, counts[""])})
    return {"key": "circles", "title": _("信息圈（碑林）"),
            "note": _("否决（V01–V14）的家庭不计入任何圈。"), "tables": [table]}


def chart_hardship(b: Builder) -> dict[str, Any]:
    b.rollup.index_buckets(b.ctx)
    dist = b.category_table("index", _("困难指数分布（户）"), "bar", "index",
                            [(key, label) for key, label, _lo, _hi in INDEX_BUCKETS], _("户数"))
    hardest = Table("hardest", _("最困难且未享受救助的20户"), "",
                    [_("家庭编号"), _("户主"), _("所在村（社区）"), _("困难指数"), _("信息圈")])
    for row in b.most_difficult(20):
        hardest.rows.append({"label": row["household__household_id"], "code": "",
                             "household": row["household_id"], "cells": [
                                 cell(row["household__head_name"], fmt="t"),
                                 cell(row["household__region__name"], fmt="t"),
                                 cell(f"{row['index_hundredths'] / 100:.2f}", fmt="t"),
                                 cell(row["monitoring_circle"], fmt="t")]})
    total = b.total("nothing")
    return {"key": "hardship", "title": _("困难程度（金乡）"), "tables": [dist, hardest],
            "links": [{"label": _("全部未享受救助的圈内家庭（按困难程度）"),
                       "cell": cell(total, "nothing", "", b.region.code)}]}


def chart_timeliness(b: Builder) -> dict[str, Any]:
    per_region = b.region_table("received", _("本年受理与办结（件）"), "bar", [
        (_("受理申请"), "app_received", ""), (_("审批办结"), "app_decided", ""),
        (_("一门受理事项"), "items_received", ""), (_("事项办结"), "items_finished", ""),
        (_("环节按时"), "facts_on_time", ""), (_("环节超时"), "facts_late", "")])
    steps = Table("steps", _("各环节用时（工作日）"), "bar",
                  [_("办结环节"), _("按时"), _("超时"), _("中位数"), _("第90百分位")])
    model = sources.step_fact_model()
    if model is not None:
        for (step, label), values in sorted(b.fact_days().items()):
            steps.rows.append({"label": label or step, "code": "", "cells": [
                cell(b.total("facts", step), "facts", step, b.region.code),
                cell(b.total("facts_on_time", step), "facts_on_time", step, b.region.code),
                cell(b.total("facts_late", step), "facts_late", step, b.region.code),
                cell(_percentile(values, 0.5), fmt="d"), cell(_percentile(values, 0.9), fmt="d")]})
    else:
        steps.note = _("环节用时数据尚未生成。")
    from jiuzhu.catalogue.models import Department

    departments = [(d.code, d.name) for d in Department.objects.order_by("id")]
    overdue = b.category_table("overdue", _("当前超时事项（按部门）"), "bar", "items_overdue",
                               departments, _("超时件数"))
    overdue.rows = [row for row in overdue.rows if row["cells"][0]["v"]] or overdue.rows[:0]
    if not overdue.rows:
        overdue.note = _("当前没有超时事项。")
    return {"key": "timeliness", "title": _("办理时效（达川）"),
            "tables": [per_region, steps, overdue]}


def chart_discovery(b: Builder) -> dict[str, Any]:
    sources_table = b.category_table("sources", _("本年线索来源（条）"), "pie", "leads",
                                     [(s.value, str(s.label)) for s in LeadSource], _("线索"))
    per_region = b.region_table("found", _("主动发现"), "bar", [
        (_("本年线索"), "leads", ""), (_("尚未走访"), "unvisited", ""),
        (_("在保家庭"), "covered", "all"), (_("其中主动发现"), "found", "")])
    for row in per_region.rows:
        total, found_n = row["cells"][2]["v"], row["cells"][3]["v"]
        row["cells"].append(cell(f"{(100 * found_n / total):.1f}%" if total else "—", fmt="t"))
    per_region.columns.append(_("主动发现占比"))
    return {"key": "discovery", "title": _("主动发现（全城发现）"),
            "tables": [sources_table, per_region]}


def chart_emergency(b: Builder) -> dict[str, Any]:
    levels = b.category_table("levels", _("在办急难个案（按等级）"), "pie", "em_open",
                              [(lv.value, str(lv.label)) for lv in Level], _("件数"))
    per_region = b.region_table("response", _("响应与资金"), "bar", [
        (_("在办个案"), "em_open", ""), (_("本年已响应"), "em_responded", ""),
        (_("按时响应"), "em_on_time", ""), (_("超时响应"), "em_late", ""),
        (_("基金可用余额（元）"), "fund_available", ""), (_("本月基金支付（元）"), "fund_paid", "")])
    return {"key": "emergency", "title": _("急难救助（沈河）"), "tables": [levels, per_region]}


def chart_money(b: Builder) -> dict[str, Any]:
    per_region = b.region_table("payroll", _("本月发放金额（元）"), "stack",
                                [(str(name), "paid", code) for code, name in PROGRAMMES])
    summary = Table("programmes", _("按项目"), "bar",
                    [_("本月（元）"), _("上月（元）"), _("本年累计（元）"), _("发放人数"),
                     _("人均（元）")])
    ytd = b.paid_by_programme(b.ctx.year_start, b.ctx.month)
    for code, name in [*PROGRAMMES, ("all", _("合计"))]:
        month_v = b.values("paid", code)[""] if code != "all" else b.total("paid", code)
        persons = b.total("paid_persons", code)
        average = f"{month_v / persons / 100:.2f}" if persons else "—"
        summary.rows.append({"label": str(name), "code": "", "total": code == "all", "cells": [
            cell(month_v, "paid", code, b.region.code, b.mo("paid"), "fen"),
            cell(b.total("paid_last", code), "paid_last", code, b.region.code, b.mo("paid"),
                 "fen"),
            cell(ytd.get(code, 0), "paid_ytd", code, b.region.code, b.mo("paid"), "fen"),
            cell(persons, "paid_persons", code, b.region.code, b.mo("paid")),
            cell(average, fmt="t")]})
    return {"key": "money", "title": _("资金发放"), "tables": [per_region, summary]}


CHARTS = (chart_coverage, chart_circles, chart_hardship, chart_timeliness, chart_discovery,
          chart_emergency, chart_money)


def compute(user: Any, region: Region, today: date | None = None, *,
            only: str = "", rollup: Rollup | None = None) -> dict[str, Any]:
    """Every figure of ``region``'s dashboard as the user sees it (JSON-ready); ``only``:
    the chart of that key alone; ``rollup``: the figures of a region above (the daily
    refresh shares one over the province), else the region's own."""
    ctx = ctx_for(today)
    builder = Builder(user, region, ctx, rollup)
    charts = []
    for chart in CHARTS:
        if only and chart.__name__ != f"chart_{only}":
            continue
        data = chart(builder)
        data["tables"] = [t.as_dict() if isinstance(t, Table) else t for t in data["tables"]]
        charts.append(data)
    return {"region": region.code, "month": ctx.month.strftime("%Y-%m"),
            "today": ctx.today.isoformat(), "computed_at": timezone.now().isoformat(),
            "charts": charts}


#: levels answered from snapshots (a township holds thousands of households); villages are
#: computed live
SNAPSHOT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY,
                   RegionLevel.TOWNSHIP)


def param_label(key: str, param: str) -> str:
    """The Chinese name of a figure's parameter (programme, circle, source, level …)."""
    if not param or param == "all":
        return ""
    names: dict[str, Any] = dict(PROGRAMMES)
    if key == "circle":
        return _("第%(n)s圈") % {"n": param}
    if key == "index":
        names = {k: label for k, label, _lo, _hi in INDEX_BUCKETS}
    elif key == "leads":
        names = dict(LeadSource.choices)
    elif key == "em_open":
        names = dict(Level.choices)
    elif key == "items_overdue":
        from jiuzhu.catalogue.models import Department

        names = dict(Department.objects.values_list("code", "name"))
    elif key.startswith("facts"):
        model = sources.step_fact_model()
        if model is not None:
            names = dict(model.objects.filter(step=param).values_list("step", "step_label")[:1])
    return str(names.get(param, param))


def snapshot_of(region: Region, month: date) -> MonthlySnapshot | None:
    return MonthlySnapshot.objects.using(replica_alias()).filter(region=region, month=month).first()


def figures(user: Any, region: Region, *, live: bool = False, only: str = "") -> dict[str, Any]:
    """The dashboard of ``region``: from this month's snapshot for a province, city or
    county (computed by the daily task as the system, whose figures are the user's when the
    region lies in the user's subtree), else computed now (``only``: that chart alone). One
    code path: ``compute``."""
    ctx = ctx_for()
    if not live and region.level in SNAPSHOT_LEVELS:
        snapshot = snapshot_of(region, ctx.month)
        if snapshot is not None and snapshot.figures.get("charts"):
            data = dict(snapshot.figures)
            data["snapshot"] = True
            return data
    with on_replica():  # a page's figures: read from the replica when there is one
        data = compute(user, region, only=only)
    data["snapshot"] = False
    return data


def computed_at(data: dict[str, Any]) -> datetime | None:
    try:
        return timezone.localtime(datetime.fromisoformat(data["computed_at"]))
    except (KeyError, ValueError):
        return None


#: the home page's headline figures: (chart, table, column) of the dashboard and the same
#: figure as a measure (key, param, format) when no snapshot holds it
HEADLINE: tuple[tuple[str, str, int, str, str, str, Any], ...] = (
    ("discovery", "found", 2, "covered", "all", "n", _l("在保家庭（户）")),
    ("circles", "circles", 4, "circle_nothing", "", "n", _l("3–4 圈未享受救助（户）")),
    ("emergency", "response", 0, "em_open", "", "n", _l("在办急难个案（件）")),
    ("money", "programmes", 0, "paid", "all", "fen", _l("本月发放金额（元）")),
)


def summary(user: Any) -> dict[str, Any]:
    """A few headline figures of the user's region for the home page (工作台): read from
    this month's snapshot when there is one, else these four figures alone computed now
    (never the whole dashboard on a home page)."""
    region = region_for(user, None)
    if region is None or not user.has_perm("monitoring.view_dashboard"):
        return {}
    ctx = ctx_for()
    snapshot = snapshot_of(region, ctx.month) if region.level in SNAPSHOT_LEVELS else None
    tables: dict[tuple[str, str], dict[str, Any]] = {}
    if snapshot is not None:
        for chart in snapshot.figures.get("charts", []):
            for table in chart["tables"]:
                tables[(chart["key"], table["key"])] = table
    builder: Builder | None = None
    headline: list[dict[str, Any]] = []
    for chart_key, table_key, column, key, param, fmt, label in HEADLINE:
        table = tables.get((chart_key, table_key))
        total = next((row for row in table["rows"] if row.get("total")), None) if table else None
        if total is not None:
            figure = total["cells"][column]
        else:
            builder = builder or Builder(user, region, ctx)
            figure = cell(builder.total(key, param), key, param, region.code, builder.mo(key),
                          fmt)
        headline.append({"label": str(label), "cell": figure, "text": show(figure),
                         "href": figure_url(figure)})
    when = computed_at(snapshot.figures) if snapshot is not None else timezone.localtime()
    return {"region": region, "headline": headline, "computed_at": when,
            "snapshot": snapshot is not None}


def refresh_regions(root: Region) -> list[Region]:
    """The regions under ``root`` (itself included) kept as snapshots."""
    return [root, *Region.objects.within(root).filter(level__in=SNAPSHOT_LEVELS)
            .exclude(pk=root.pk).order_by("path")] if root.level in SNAPSHOT_LEVELS else []


__all__ = ["MEASURES", "SYSTEM", "compute", "figures", "summary"]
