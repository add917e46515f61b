"""Writes of the working-day calendar (工作日历), and the daily recompute registry.

This module is also the app's public face: the deadline arithmetic and alerts (which
live in ``selectors.py``) and the time limits (``limits.py``) are importable from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
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
from .models import CalendarDay
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
    "daily_functions", "daily_run", "is_workday", "register_daily", "step_limits",
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
