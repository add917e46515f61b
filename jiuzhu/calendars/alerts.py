"""The current alert colour (时限预警) of anything with a due date, computed whenever it is
read — never a stored colour that waits for a nightly job.

A row with a time limit keeps its **due date** (到期日) and, where the limit has a yellow
phase, either its **first yellow day** (预警起始日, computed with the working-day calendar
when its step starts: :func:`yellow_from`) or a fixed **yellow window** (the last
``n`` working days before the due date: :func:`yellow_window`). Its colour on a day is
then plain date comparison:

- **red** once the day is after a due date;
- **yellow** once the day is on or after a first yellow day, or the due date lies within
  the window's working days of it;
- **none** otherwise.

These are the rules of :func:`.selectors.alert_for` (yellow past two thirds of the limit,
or past ``yellow_after`` days; red past the due date) expressed by dates, so that SQL can
list, sort and filter by the colour of today.

A model describes its due dates once, as :class:`Due` rules (``alert_dues()``); then

- ``Model.objects.….with_alert()`` annotates ``alert`` (and ``alert_rank``: red 0,
  yellow 1, none 2) in SQL — one calendar query at most, for the windows;
- the model attribute ``alert = current_alert()`` gives the same colour for a single row
  (the annotated value when the row was read with ``with_alert()``, else computed from
  the row's fields with the same rules).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any, cast

from django.db import models
from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.utils import timezone

from .choices import ALERT_ORDER, AlertLevel
from .selectors import WorkCalendar, _span, add_working_days, calendar_window

RED, YELLOW, NONE = AlertLevel.RED.value, AlertLevel.YELLOW.value, AlertLevel.NONE.value
RANK = {RED: 0, YELLOW: 1, NONE: 2}  # the order of a list: red first


# --- yellow thresholds -------------------------------------------------------------------

def yellow_after_days(limit: int, *, yellow_after: int | None = None) -> int:
    """The working days after which a step of ``limit`` days turns yellow: more than two
    thirds of the limit (``3 * elapsed > 2 * limit``), or more than ``yellow_after``."""
    return yellow_after if yellow_after is not None else 2 * limit // 3


def yellow_from(started: date, limit: int, *, yellow_after: int | None = None,
                calendar: WorkCalendar | None = None) -> date | None:
    """The first day a step started on ``started`` with a limit of ``limit`` working days
    is yellow: the day its ``yellow_after_days + 1``-th working day has passed. ``None``
    when that lies after the due date (the step goes from none straight to red)."""
    k = yellow_after_days(limit, yellow_after=yellow_after) + 1
    if k > limit:
        return None
    return add_working_days(started, k, calendar=calendar).due


def yellow_window(limit: int, *, yellow_after: int | None = None) -> int | None:
    """The same rule as a window: a step of ``limit`` working days is yellow while at most
    this many working days remain until its due date (``None``: never yellow)."""
    window = limit - yellow_after_days(limit, yellow_after=yellow_after) - 1
    return window if window >= 0 else None


def yellow_thresholds(today: date, windows: Iterable[int], *,
                      calendar: WorkCalendar | None = None) -> dict[int, date]:
    """For each window ``n``: the day before which a due date lies within ``n`` working
    days of ``today`` (the ``n + 1``-th working day after today). One calendar query."""
    wanted = sorted({n for n in windows if n is not None and n >= 0})
    if not wanted:
        return {}
    first, last = today, today + _span(wanted[-1] + 1)
    if calendar is None or not calendar.covers(first, last):
        calendar = calendar_window(first, last)
    return {n: add_working_days(today, n + 1, calendar=calendar).due for n in wanted}


# --- the colour of one set of dates ------------------------------------------------------

Deadline = tuple[date | None, date | int | None]


def alert_level(today: date, *deadlines: Deadline,
                calendar: WorkCalendar | None = None) -> str:
    """The colour on ``today`` of something with these ``(due, yellow)`` deadlines —
    ``yellow`` a first yellow day, a window of working days, or ``None``: red once today
    is after any due date, yellow once any yellow phase has begun, else none."""
    if any(due is not None and today > due for due, _yellow in deadlines):
        return RED
    windows = [y for due, y in deadlines if due is not None and isinstance(y, int)
               and not isinstance(y, bool)]
    thresholds = yellow_thresholds(today, windows, calendar=calendar) if windows else {}
    for due, yellow in deadlines:
        if due is None or yellow is None:
            continue
        if isinstance(yellow, date):
            if today >= yellow:
                return YELLOW
        elif yellow >= 0 and due < thresholds[yellow]:
            return YELLOW
    return NONE


def worst(levels: Iterable[str]) -> str:
    """The worst of several colours (``none`` for none)."""
    return max(levels, key=lambda level: ALERT_ORDER[AlertLevel(level)], default=NONE)


# --- the rules of a model, for SQL and for one row ---------------------------------------

@dataclass(frozen=True)
class Due:
    """One due date of a model: ``due`` (a field path, e.g. ``"due_date"`` or
    ``"application__final_due_date"``), its yellow phase — ``yellow`` a field path of the
    first yellow day, a window of working days before the due date (``int``), or ``None``
    — and ``when``, the rows it applies to (``None``: all)."""

    due: str
    yellow: str | int | None = None
    when: Q | None = None

    def via(self, relation: str, *, when: Q | None = None) -> Due:
        """The same rule read through a relation (``"application"``), for the rows ``when``."""
        yellow = f"{relation}__{self.yellow}" if isinstance(self.yellow, str) else self.yellow
        inner = prefixed(self.when, relation) if self.when is not None else None
        both = [q for q in (when, inner) if q is not None]
        return Due(due=f"{relation}__{self.due}", yellow=yellow,
                   when=reduce(operator.and_, both) if both else None)


def _lookup(child: Any) -> tuple[str, Any]:
    """A leaf of a ``Q``: (lookup, value)."""
    lookup, value = child
    return str(lookup), value


def prefixed(q: Q, relation: str) -> Q:
    """``q`` with every lookup read through ``relation``."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [prefixed(child, relation) if isinstance(child, Q)
                    else (f"{relation}__{_lookup(child)[0]}", _lookup(child)[1])
                    for child in q.children]
    return out


def alert_expression(dues: Sequence[Due], *, today: date | None = None,
                     calendar: WorkCalendar | None = None) -> Case:
    """The SQL colour of today (``"red"``, ``"yellow"``, ``"none"``) of the rows of a model
    with these due dates. Windows read the calendar once, here; the rest is comparison of
    the rows' dates with today's date."""
    today = today or timezone.localdate()
    thresholds = yellow_thresholds(
        today, [d.yellow for d in dues if isinstance(d.yellow, int)], calendar=calendar)
    red, yellow = [], []
    for rule in dues:
        applies = rule.when if rule.when is not None else Q()
        red.append(applies & Q(**{f"{rule.due}__lt": today}))
        if isinstance(rule.yellow, str):
            yellow.append(applies & Q(**{f"{rule.due}__isnull": False,
                                         f"{rule.yellow}__lte": today}))
        elif isinstance(rule.yellow, int) and rule.yellow >= 0:
            yellow.append(applies & Q(**{f"{rule.due}__lt": thresholds[rule.yellow]}))
    whens = [When(reduce(operator.or_, red), then=Value(RED))]
    if yellow:
        whens.append(When(reduce(operator.or_, yellow), then=Value(YELLOW)))
    return Case(*whens, default=Value(NONE), output_field=CharField(max_length=8))


def alert_rank(name: str = "alert") -> Case:
    """Red 0, yellow 1, none 2 of the annotation ``name``: ``order_by("alert_rank")``."""
    return Case(When(**{name: RED}, then=Value(RANK[RED])),
                When(**{name: YELLOW}, then=Value(RANK[YELLOW])),
                default=Value(RANK[NONE]), output_field=IntegerField())


class AlertQuerySetMixin:
    """``with_alert()`` for the queryset of a model with ``alert_dues()``: mix it into the
    model's queryset class (``class Q(AlertQuerySetMixin, VisibleQuerySet)``)."""

    def with_alert(self, today: date | None = None) -> Any:
        """Annotate ``alert`` (today's colour) and ``alert_rank`` (red 0, yellow 1, none 2),
        to list, filter (``.filter(alert="red")``) and sort by the current colour."""
        qs = cast("models.QuerySet[Any]", self)
        if "alert" in qs.query.annotations and today is None:
            return qs
        expression = alert_expression(qs.model.alert_dues(), today=today)  # type: ignore[attr-defined]
        return qs.annotate(alert=expression).annotate(alert_rank=alert_rank("alert"))


def _resolve(obj: Any, path: str) -> Any:
    for name in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


_LOOKUPS = {"exact": operator.eq, "in": lambda value, options: value in options,
            "isnull": lambda value, wanted: (value is None) == bool(wanted),
            "lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}


def matches(obj: Any, q: Q | None) -> bool:
    """Whether one row satisfies ``q`` — the lookups of :class:`Due` rules (``exact``,
    ``in``, ``isnull``, comparisons; ``and``/``or``/``not``), evaluated in Python."""
    if q is None:
        return True
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(matches(obj, child))
            continue
        lookup, wanted = _lookup(child)
        path, _, name = lookup.rpartition("__")
        if name not in _LOOKUPS:
            path, name = lookup, "exact"
        value = _resolve(obj, path)
        if name != "isnull" and value is None:
            results.append(False)
            continue
        results.append(bool(_LOOKUPS[name](value, wanted)))
    result = all(results) if q.connector == Q.AND else any(results)
    return not result if q.negated else result


def row_alert(obj: Any, dues: Sequence[Due], *, today: date | None = None) -> str:
    """The colour of one row by its model's rules, as :func:`alert_expression` gives it in
    SQL (no query unless a rule has a window or reads through a relation not loaded)."""
    today = today or timezone.localdate()
    deadlines: list[Deadline] = []
    for rule in dues:
        if not matches(obj, rule.when):
            continue
        yellow = _resolve(obj, rule.yellow) if isinstance(rule.yellow, str) else rule.yellow
        deadlines.append((_resolve(obj, rule.due), yellow))
    return alert_level(today, *deadlines)


class current_alert(property):  # noqa: N801 - used like ``property``
    """The model attribute ``alert``: the colour of today. The value annotated by
    ``with_alert()`` when the row was read so (or set by a service), else computed from
    the row's due dates with its model's ``alert_dues()`` — never a stored colour."""

    def __init__(self) -> None:
        super().__init__(self._get, self._set, doc=self.__doc__)

    @staticmethod
    def _get(instance: Any) -> str:
        value = instance.__dict__.get("_current_alert")
        if value is None:
            return row_alert(instance, type(instance).alert_dues())
        return str(value)

    @staticmethod
    def _set(instance: Any, value: str | None) -> None:
        instance.__dict__["_current_alert"] = value


def alert_label(level: str) -> str:
    """正常 / 黄色预警 / 红色预警（超时）."""
    return str(AlertLevel(level).label)


__all__ = [
    "NONE", "RANK", "RED", "YELLOW", "AlertQuerySetMixin", "Due", "alert_expression",
    "alert_label", "alert_level", "alert_rank", "current_alert", "matches", "prefixed",
    "row_alert", "worst", "yellow_after_days", "yellow_from", "yellow_thresholds",
    "yellow_window",
]

