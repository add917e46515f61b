"""Writes of the working-day calendar (工作日历), and the daily recompute registry.

This module is also the app's public face: the deadline arithmetic and alerts (which
live in ``selectors.py``) and the time limits (``limits.py``) are importable from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError

from .choices import (
    ADJUSTED_WORKDAY_NAME,
    WEEKDAY_ONLY_KINDS,
    WEEKEND_ONLY_KINDS,
    WORKING_KINDS,
    DayKind,
    DaySource,
)
from .limits import StepLimit, StepLimits, UnknownCounty, step_limits
from .models import CalendarDay, StepFact
from .official import OFFICIAL_YEARS, UnknownYear, official_day, official_year, plain_day, year_days
from .selectors import (
    Alert,
    Deadline,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    alert_for,
    calendar_window,
    is_workday,
    working_days_between,
    worse,
)

__all__ = [
    "Alert", "Deadline", "SeedResult", "StepLimit", "StepLimits", "UnknownCounty",
    "WorkCalendar", "add_calendar_days", "add_working_days", "alert_for", "calendar_day_problems",
    "calendar_day_reset", "calendar_day_set", "calendar_seed", "calendar_window",
    "daily_functions", "daily_run", "fact_sources", "facts_backfill", "is_workday",
    "record_step", "register_daily", "register_fact_source", "step_limits",
    "unregister_daily", "working_days_between", "worse",
]

logger = logging.getLogger(__name__)

DEFAULT_SEED_YEARS = OFFICIAL_YEARS  # 2004–2026 with chinesecalendar 1.11.0
_COMPARED = ("is_workday", "kind", "name", "source")


@dataclass(frozen=True)
class SeedResult:
    created: int
    updated: int
    unchanged: int
    kept_manual: int


@transaction.atomic
def calendar_seed(*, years: Iterable[int] = DEFAULT_SEED_YEARS) -> SeedResult:
    """Fill the calendar for ``years`` from chinese_calendar (every day gets a row).

    Idempotent; a day an administrator edited (source ``manual``) is never overwritten.
    A year chinese_calendar does not know raises :class:`~.official.UnknownYear` and
    writes nothing.
    """
    years = sorted(set(years))
    official = [day for year in years for day in official_year(year)]  # raises before writing
    if not official:
        return SeedResult(0, 0, 0, 0)
    existing = {row.date: row for row in CalendarDay.objects.filter(
        date__range=(official[0].date, official[-1].date)).select_for_update()}
    to_create, to_update, unchanged, kept_manual = [], [], 0, 0
    for day in official:
        wanted = {"is_workday": day.is_workday, "kind": day.kind, "name": day.name,
                  "source": DaySource.CHINESE_CALENDAR.value}
        row = existing.get(day.date)
        if row is None:
            to_create.append(CalendarDay(date=day.date, **wanted))
        elif row.source == DaySource.MANUAL:
            kept_manual += 1
        elif any(getattr(row, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(row, name, value)
            to_update.append(row)
        else:
            unchanged += 1
    CalendarDay.objects.bulk_create(to_create, batch_size=500)
    CalendarDay.objects.bulk_update(to_update, list(_COMPARED), batch_size=500)
    return SeedResult(len(to_create), len(to_update), unchanged, kept_manual)


def _default_day(day: date):
    """The status a day has without a manual edit: official if known, else the weekend rule."""
    try:
        return official_day(day), DaySource.CHINESE_CALENDAR
    except UnknownYear:
        return plain_day(day), DaySource.RULE


def _fill_year(year: int) -> None:
    """Give every day of a year the calendar does not know a row (weekend rule), so that
    an administrator's first edit makes the year known — and nothing else of it changes."""
    if CalendarDay.objects.filter(date__year=year).exists():
        return
    rows = []
    for day in year_days(year):
        default, source = _default_day(day)
        rows.append(CalendarDay(date=day, is_workday=default.is_workday, kind=default.kind,
                                name=default.name, source=source))
    CalendarDay.objects.bulk_create(rows, batch_size=500)


def _snapshot(row: CalendarDay) -> dict[str, Any]:
    return {"is_workday": row.is_workday, "kind": row.kind, "name": row.name,
            "source": row.source}


def calendar_day_problems(*, day: date, kind: str, name: str, reason: str) -> list[dict[str, str]]:
    """What is wrong with a manual edit, as ``[{"path": field, "message": …}]`` (all at once)."""
    problems = []
    if not (reason or "").strip():
        problems.append({"path": "reason", "message": _("请填写调整原因")})
    if kind not in DayKind.values:
        problems.append({"path": "kind", "message": _("未知的日期类别")})
    elif kind in WEEKDAY_ONLY_KINDS and day.weekday() >= 5:
        problems.append({"path": "kind", "message":
                         _("星期六、星期日不能设为普通工作日；需要上班请选“调休上班日”")})
    elif kind in WEEKEND_ONLY_KINDS and day.weekday() < 5:
        problems.append({"path": "kind", "message":
                         _("星期一至星期五不能设为周末休息日或调休上班日；放假请选“节假日”")})
    if kind == DayKind.HOLIDAY and not (name or "").strip():
        problems.append({"path": "name", "message": _("请填写节假日名称")})
    return problems


@transaction.atomic
def calendar_day_set(*, actor: Any, day: date, kind: str, name: str = "",
                     reason: str) -> CalendarDay:
    """Set one day's status by hand (人工调整), with a reason; recorded in the audit log.

    ``kind`` decides whether it is a working day. The first edit in a year the calendar
    does not know fills that year by the weekend rule, which makes it known.
    """
    problems = calendar_day_problems(day=day, kind=kind, name=name, reason=reason)
    if problems:
        raise ServiceError(ErrorCode.VALIDATION, "；".join(p["message"] for p in problems),
                           problems)
    reason, name = reason.strip(), (name or "").strip()
    if kind == DayKind.ADJUSTED_WORKDAY and not name:
        name = ADJUSTED_WORKDAY_NAME
    _fill_year(day.year)
    row = CalendarDay.objects.select_for_update().get(date=day)
    before = _snapshot(row)
    row.is_workday = kind in WORKING_KINDS
    row.kind = kind
    row.name = name if kind in (DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY) else ""
    row.source = DaySource.MANUAL
    row.note = reason[:200]
    row.updated_by = actor if getattr(actor, "pk", None) else None
    row.save()
    audit_record(actor=actor, action="update", obj=row,
                 detail={"date": day.isoformat(), "before": before, "after": _snapshot(row),
                         "reason": reason})
    return row


@transaction.atomic
def calendar_day_reset(*, actor: Any, day: date, reason: str) -> CalendarDay:
    """Undo a manual edit: the day takes its official (or weekend-rule) status again."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(ErrorCode.VALIDATION, _("请填写恢复原因"),
                           [{"path": "reason", "message": _("请填写恢复原因")}])
    try:
        row = CalendarDay.objects.select_for_update().get(date=day)
    except CalendarDay.DoesNotExist:
        raise ServiceError(ErrorCode.NOT_FOUND, _("日历中没有 %(day)s") % {"day": day.isoformat()}) from None
    if row.source != DaySource.MANUAL:
        raise ServiceError(ErrorCode.VALIDATION, _("%(day)s 没有人工调整，无需恢复") % {"day": day.isoformat()})
    before = _snapshot(row)
    default, source = _default_day(day)
    row.is_workday, row.kind, row.name = default.is_workday, default.kind, default.name
    row.source = source
    row.note = reason[:200]
    row.updated_by = actor if getattr(actor, "pk", None) else None
    row.save()
    audit_record(actor=actor, action="update", obj=row,
                 detail={"date": day.isoformat(), "before": before, "after": _snapshot(row),
                         "reason": reason, "reset": True})
    return row


# --- the daily recompute registry ----------------------------------------------------------

DailyFunction = Callable[[], Any]
_daily: list[DailyFunction] = []


def register_daily(fn: DailyFunction) -> DailyFunction:
    """Register ``fn`` (called with no arguments) to run every day at 01:00, e.g. the
    workflow's "recompute every open case's alert". Call it from ``AppConfig.ready()``;
    registering the same function twice registers it once. Usable as a decorator."""
    if fn not in _daily:
        _daily.append(fn)
    return fn


def unregister_daily(fn: DailyFunction) -> None:
    if fn in _daily:
        _daily.remove(fn)


def daily_functions() -> tuple[DailyFunction, ...]:
    return tuple(_daily)


def _name(fn: DailyFunction) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def daily_run() -> dict[str, str]:
    """Run every registered daily function now, in registration order.

    One failing function does not stop the others: it is logged, and reported as
    ``"failed: <error>"`` in the result (``{function name: "ok" | "failed: …"}``).
    """
    outcome: dict[str, str] = {}
    for fn in daily_functions():
        name = _name(fn)
        try:
            fn()
        except Exception as error:
            logger.exception("daily function %s failed", name)
            outcome[name] = f"failed: {type(error).__name__}: {error}"
        else:
            outcome[name] = "ok"
    return outcome


# --- processing-time facts (办理时效) ----------------------------------------------------------

_FACT_FIELDS = ("kind", "object_id", "region_path", "township_path", "item_code", "department",
                "step", "step_label", "started_on", "ended_on", "working_days", "due_on",
                "on_time", "ended_at")


def _fact(fields: dict[str, Any], calendar: WorkCalendar | None = None) -> StepFact:
    unknown = set(fields) - set(_FACT_FIELDS)
    if unknown:
        raise TypeError(f"record_step: unknown fields {sorted(unknown)}")
    values = dict(fields)
    started, ended = values["started_on"], values["ended_on"]
    if values.get("working_days") is None:
        values["working_days"] = working_days_between(started, ended, calendar=calendar)
    if values.get("on_time") is None and values.get("due_on") is not None:
        values["on_time"] = ended <= values["due_on"]
    if values.get("ended_at") is None:
        from django.utils import timezone

        values["ended_at"] = timezone.now()
    values["step_label"] = str(values.get("step_label") or "")[:32]
    return StepFact(**values)


def record_step(**fields: Any) -> StepFact:
    """Keep the fact of one step that ended (call it in the transaction that ends the step).

    ``kind``, ``object_id``, ``region_path``, ``step``, ``started_on``, ``ended_on`` are
    required; ``working_days`` is counted by the holiday calendar (the working days after
    the start up to and including the end) and ``on_time`` is ``ended_on <= due_on`` unless
    given. Idempotent: a fact of the same kind, object, step and start day is kept as it
    was written first (a step is recorded once, when it ends) and returned.
    """
    key = {name: fields[name] for name in ("kind", "object_id", "step", "started_on")}
    existing = StepFact.objects.filter(**key).first()
    if existing is not None:
        return existing
    fact = _fact(fields)
    with transaction.atomic():  # a savepoint: a concurrent twin loses quietly
        StepFact.objects.bulk_create([fact], ignore_conflicts=True)
    return StepFact.objects.filter(**key).first() or fact


#: ``facts()`` yields the fact fields (dicts for :func:`record_step`) of every existing case
#: of one kind, from its step records; ``count()`` how many cases there are (for progress).
FactSource = tuple[Callable[[], Iterable[dict[str, Any]]], Callable[[], int]]
_fact_sources: dict[str, FactSource] = {}


def register_fact_source(kind: str, facts: Callable[[], Iterable[dict[str, Any]]],
                         count: Callable[[], int]) -> None:
    """An app above the calendar registers how its existing cases' step facts are built
    (from ``AppConfig.ready()``; the calendar imports no app above it)."""
    _fact_sources[kind] = (facts, count)


def fact_sources() -> dict[str, FactSource]:
    return dict(_fact_sources)


#: facts built from records this close to a case's first live fact are that live step
LIVE_MARGIN = timedelta(seconds=5)


def facts_backfill(kind: str, rows: Iterable[dict[str, Any]], *, batch: int = 1000,
                   progress: Callable[[int], None] | None = None) -> int:
    """Write the facts of ``rows`` that are not kept yet (by kind, object, step and start
    day), in batches; returns how many were added. Idempotent: a second run adds none. Of
    a case with live facts, only the steps that ended before its first live fact are added."""
    rows = iter(rows)
    added = seen = 0
    calendar = None
    while True:
        chunk = [row for _i, row in zip(range(batch), rows, strict=False)]
        if not chunk:
            return added
        seen += len(chunk)
        first = min(row["started_on"] for row in chunk)
        last = max(row["ended_on"] for row in chunk)
        if calendar is None or not calendar.covers(first, last):
            calendar = calendar_window(first, last)
        ids = {row["object_id"] for row in chunk}
        rows_kept = StepFact.objects.filter(kind=kind, object_id__in=ids) \
            .values_list("object_id", "step", "started_on", "ended_at")
        kept = {(o, s, d) for o, s, d, _at in rows_kept}
        # A case already recorded live keeps its live facts: only the steps that ended
        # before its first live fact are built from its records (a service run with an
        # earlier "today" — the demo's history — dates its facts by that day, its records
        # by the clock, so the two would not meet on the key).
        live_from: dict[int, Any] = {}
        for object_id, _s, _d, ended_at in rows_kept:
            if object_id not in live_from or ended_at < live_from[object_id]:
                live_from[object_id] = ended_at
        new = []
        for row in chunk:
            key = (row["object_id"], row["step"], row["started_on"])
            first_live = live_from.get(row["object_id"])
            if first_live is not None and row.get("ended_at") is not None \
                    and row["ended_at"] >= first_live - LIVE_MARGIN:
                continue
            if key not in kept:
                kept.add(key)
                new.append(_fact({**row, "kind": kind}, calendar))
        with transaction.atomic():
            StepFact.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        added += len(new)
        if progress is not None:
            progress(seen)
