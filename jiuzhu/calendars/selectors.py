"""Reads of the working-day calendar (工作日历): deadline arithmetic, alerts, pages.

Every computation reads the days it crosses in **one** query (:func:`calendar_window`).
A batch — the daily recompute of every open case — loads one window for all its cases and
passes it as ``calendar=``, so it costs one query in all. Calendar rows are not cached per
process: an administrator's edit must count in every worker process at once.

A day without a row lies in a year the calendar does not know: it counts by the plain
weekend rule, and a deadline that crosses it is *provisional* (暂定).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from jiuzhu.audit.models import AuditEvent

from .choices import ALERT_ORDER, AlertLevel, DayKind, DaySource
from .models import CalendarDay

ONE_DAY = timedelta(days=1)


def _span(working_days: int) -> timedelta:
    """Calendar days enough to hold ``working_days`` working days in any real year (the
    longest official break is 9 days in a row); beyond it another window is read."""
    return timedelta(days=2 * working_days + 31)


# --- the calendar snapshot ---------------------------------------------------------------

@dataclass(frozen=True)
class WorkCalendar:
    """The calendar's days ``first`` to ``last`` (inclusive), as read by one query."""

    first: date
    last: date
    workdays: Mapping[date, bool] = field(default_factory=dict)

    def covers(self, first: date, last: date) -> bool:
        return self.first <= first and last <= self.last

    def status(self, day: date) -> tuple[bool, bool]:
        """(is it a working day, does the calendar know its year)."""
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} 不在已读取的日历范围 {self.first}–{self.last} 内")
        known = self.workdays.get(day)
        if known is None:
            return day.weekday() < 5, False
        return known, True


def calendar_window(first: date, last: date) -> WorkCalendar:
    """The calendar from ``first`` to ``last``, in one query (none if the range is empty)."""
    if last < first:
        return WorkCalendar(first, last, {})
    rows = CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "is_workday")
    return WorkCalendar(first, last, dict(rows))


# --- deadline arithmetic -----------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """A due date (到期日); ``provisional`` when a day up to it lies in an unknown year."""

    due: date
    provisional: bool


def add_working_days(start: date, n: int, *, calendar: WorkCalendar | None = None) -> Deadline:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted).

    ``n == 0`` gives ``start``. ``calendar`` is used where it covers the days crossed.
    """
    if n < 0:
        raise ValueError("工作日数不能为负数")
    day, counted, provisional = start, 0, False
    window = calendar
    while counted < n:
        day += ONE_DAY
        if window is None or not window.covers(day, day):
            window = calendar_window(day, day + _span(n - counted))
        workday, known = window.status(day)
        provisional = provisional or not known
        counted += workday
    return Deadline(due=day, provisional=provisional)


def add_calendar_days(start: date, n: int) -> date:
    """The day ``n`` calendar days (自然日) after ``start``; reads nothing."""
    if n < 0:
        raise ValueError("天数不能为负数")
    return start + timedelta(days=n)


def working_days_between(a: date, b: date, *, calendar: WorkCalendar | None = None) -> int:
    """The working days after ``a`` up to and including ``b`` (0 when ``b`` is not after ``a``)."""
    if b <= a:
        return 0
    first = a + ONE_DAY
    window = calendar if calendar is not None and calendar.covers(first, b) else (
        calendar_window(first, b))
    return sum(window.status(first + timedelta(days=i))[0] for i in range((b - a).days))


def is_workday(day: date, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether ``day`` is a working day (one query unless ``calendar`` covers it)."""
    window = calendar if calendar is not None and calendar.covers(day, day) else (
        calendar_window(day, day))
    return window.status(day)[0]


def calendar_year_known(year: int) -> bool:
    """Whether the calendar has the days of ``year`` (seeded or entered)."""
    return CalendarDay.objects.filter(date__year=year).exists()


# --- alerts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Alert:
    """A time-limit alert (时限预警): its level, the due date and the time used so far
    (working days, or calendar days for a step counted in calendar days)."""

    level: str
    due: date
    provisional: bool
    elapsed: int

    @property
    def label(self) -> str:
        return str(AlertLevel(self.level).label)


def alert_for(*, started: date, limit: int, today: date, calendar_days: bool = False,
              yellow: bool = True, yellow_after: int | None = None,
              calendar: WorkCalendar | None = None) -> Alert:
    """The alert of a step (or the total) started on ``started`` with ``limit`` days.

    - **red** once the due date has passed (``today > due``): for a working-day limit that
      is ``elapsed > limit``, or a rest day right after the due date;
    - **yellow** (if ``yellow``) when past two thirds of the limit: ``3 * elapsed > 2 * limit``
      in exact integers — or past ``yellow_after`` days when given (the total: 24 of 30);
    - otherwise **none**.

    ``calendar_days`` counts calendar days (the notice step, which has no yellow).
    Working days are read in one query unless ``calendar`` covers them.
    """
    if calendar_days:
        deadline = Deadline(due=add_calendar_days(started, limit), provisional=False)
        elapsed = max((today - started).days, 0)
    else:
        first, last = started + ONE_DAY, max(today, started + _span(limit))
        if calendar is None or not calendar.covers(first, last):
            calendar = calendar_window(first, last)
        deadline = add_working_days(started, limit, calendar=calendar)
        elapsed = working_days_between(started, today, calendar=calendar)
    if today > deadline.due:
        level = AlertLevel.RED
    elif yellow and (elapsed > yellow_after if yellow_after is not None
                     else 3 * elapsed > 2 * limit):
        level = AlertLevel.YELLOW
    else:
        level = AlertLevel.NONE
    return Alert(level=level.value, due=deadline.due, provisional=deadline.provisional,
                 elapsed=elapsed)


AlertOrLevel = TypeVar("AlertOrLevel", Alert, str)


def _rank(alert: Alert | str) -> int:
    return ALERT_ORDER[AlertLevel(alert.level if isinstance(alert, Alert) else alert)]


def worse(a: AlertOrLevel, b: AlertOrLevel) -> AlertOrLevel:
    """The worse of two alerts (a case's step and total), or of two levels
    (``"none"`` < ``"yellow"`` < ``"red"``). Two alerts of one level: the earlier due date."""
    rank_a, rank_b = _rank(a), _rank(b)
    if rank_a != rank_b:
        return a if rank_a > rank_b else b
    if isinstance(a, Alert) and isinstance(b, Alert) and b.due < a.due:
        return b
    return a


# --- pages -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthCell:
    date: date
    is_workday: bool
    kind: str
    name: str
    known: bool
    manual: bool

    @property
    def kind_label(self) -> str:
        return str(DayKind(self.kind).label)


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: list[list[MonthCell | None]]
    provisional: bool
    workdays: int
    rest_days: int

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


def calendar_month(year: int, month: int) -> MonthGrid:
    """A month as weeks Monday to Sunday (one query); ``None`` pads the first and last week."""
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    first, last = date(year, month, 1), date(year, month, last_day)
    rows = {row.date: row for row in CalendarDay.objects.filter(date__range=(first, last))}
    cells: list[MonthCell | None] = [None] * first.weekday()
    for offset in range(last_day):
        day = first + timedelta(days=offset)
        row = rows.get(day)
        if row is None:
            workday = day.weekday() < 5
            cells.append(MonthCell(day, workday, DayKind.WEEKDAY if workday else DayKind.WEEKEND,
                                   "", known=False, manual=False))
        else:
            cells.append(MonthCell(day, row.is_workday, row.kind, row.name, known=True,
                                   manual=row.source == DaySource.MANUAL))
    cells += [None] * (-len(cells) % 7)
    weeks = [cells[i:i + 7] for i in range(0, len(cells), 7)]
    workdays = sum(1 for cell in cells if cell is not None and cell.is_workday)
    return MonthGrid(year=year, month=month, weeks=weeks,
                     provisional=len(rows) < last_day, workdays=workdays,
                     rest_days=last_day - workdays)


def calendar_exceptions(*, year: int) -> QuerySet[CalendarDay]:
    """The days of ``year`` that are not plain weekdays or weekends, and every manual edit."""
    return (CalendarDay.objects.filter(date__year=year)
            .filter(Q(kind__in=[DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY])
                    | Q(source=DaySource.MANUAL))
            .select_related("updated_by"))


def calendar_years() -> list[int]:
    """The years the calendar knows, in order."""
    return [d.year for d in CalendarDay.objects.dates("date", "year")]


@dataclass(frozen=True)
class CalendarEdit:
    """One manual edit of a day, as the audit log recorded it."""

    at: datetime
    actor_name: str
    day: str
    before: str
    after: str
    reason: str
    reset: bool


def _describe(state: Mapping[str, Any] | None) -> str:
    if not state:
        return ""
    try:
        label = str(DayKind(str(state.get("kind", ""))).label)
    except ValueError:
        label = str(state.get("kind", ""))
    return f"{label} {state.get('name') or ''}".strip()


def calendar_edits(*, year: int, limit: int = 100) -> list[CalendarEdit]:
    """The audit trail of manual edits to days of ``year``, newest first (one query)."""
    events = AuditEvent.objects.filter(
        object_type=CalendarDay._meta.label_lower, object_repr__startswith=f"{year:04d}-",
    ).order_by("-at", "-id")[:limit]
    return [CalendarEdit(at=event.at, actor_name=event.actor_name,
                         day=str(event.detail.get("date", "")),
                         before=_describe(event.detail.get("before")),
                         after=_describe(event.detail.get("after")),
                         reason=str(event.detail.get("reason", "")),
                         reset=bool(event.detail.get("reset")))
            for event in events]
