"""Due dates and alerts of an application (期限与预警), in working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jiuzhu.calendars.alerts import row_alert, yellow_from
from jiuzhu.calendars.limits import StepLimits, step_limits
from jiuzhu.calendars.selectors import add_calendar_days, add_working_days

from .choices import Step
from .models import Application

STEP_LIMIT_NAMES: dict[str, str] = {
    Step.ACCEPTANCE: "acceptance", Step.SUPPLEMENT: "supplement",
    Step.INVESTIGATION: "investigation", Step.APPRAISAL: "appraisal",
    Step.OPINION: "opinion", Step.NOTICE: "notice", Step.DECISION: "decision",
}


def item_step_limits(application: Application) -> StepLimits:
    """The county's step limits for the case's item: the dibao steps, or the item's own
    shorter ones where the county names them (MZ05: one working day each, as its total).
    A file with its own total (``total_limit_days``: papers completed after emergency help)
    runs the county's steps, each capped by that total (:func:`start_step`)."""
    limits = step_limits(application.region.code)
    if application.total_limit_days:
        return limits
    return limits.for_item(application.item_code)


def start_step(application: Application, step: str, on: date) -> None:
    """Start ``step`` on ``on``: set its due date and first yellow day (not saved). The
    step that ran until now ended: its processing-time fact is kept (``facts.py``)."""
    from .facts import step_ended

    step_ended(application, step, on)
    set_step(application, step, on)


def set_step(application: Application, step: str, on: date) -> None:
    """Set ``step``'s start, due date and first yellow day on ``application`` (not saved)."""
    application.step = step
    application.step_started_on = on
    limits = item_step_limits(application)
    if step == Step.NONE:
        application.due_date = None
        application.yellow_on = None
        return
    limit = getattr(limits, STEP_LIMIT_NAMES[step])
    if application.total_limit_days and step != Step.SUPPLEMENT:
        limit = min(limit, application.total_limit_days)
    if step == Step.NOTICE:  # calendar days, no yellow
        application.due_date = add_calendar_days(on, limit)
        application.yellow_on = None
    else:
        deadline = add_working_days(on, limit)
        application.due_date = deadline.due
        application.yellow_on = yellow_from(on, limit)
        application.deadlines_provisional = application.deadlines_provisional or deadline.provisional


def total_rule(application: Application) -> tuple[int, int]:
    """The total's limit and the working days after which it is yellow: the county's 30
    and 24 for dibao, the catalogue item's limit (and the same share) for other items;
    +15 each once extended."""
    limits = step_limits(application.region.code)
    extra = limits.extension if application.extended else 0
    own = application.total_limit_days or item_limit(application)
    if own is None:
        return limits.total + extra, limits.total_yellow + extra
    return own + extra, own * limits.total_yellow // limits.total + extra


def _set_total(application: Application) -> bool:
    assert application.accepted_on is not None
    limit, yellow_after = total_rule(application)
    deadline = add_working_days(application.accepted_on, limit)
    application.final_due_date = deadline.due
    application.final_yellow_on = yellow_from(application.accepted_on, limit,
                                              yellow_after=yellow_after)
    return deadline.provisional


def start_total(application: Application, on: date) -> None:
    application.accepted_on = on
    application.deadlines_provisional = _set_total(application)


def extend_total(application: Application) -> None:
    provisional = _set_total(application)
    application.deadlines_provisional = application.deadlines_provisional or provisional


def compute_alert(application: Application, today: date) -> str:
    """Today's colour: the worse of the current step's alert and the total's, from the
    due dates and first yellow days (the same rules as ``Application.with_alert()``)."""
    return row_alert(application, Application.alert_dues(), today=today)


def item_limit(application: Application) -> int | None:
    """The catalogue's time limit (working days) of a non-dibao item; None for MZ01, whose
    limits are the county's dibao limits."""
    if application.item_code == "MZ01":
        return None
    from jiuzhu.catalogue.selectors import item_in_force

    try:
        return int(item_in_force(application.item_code, application.accepted_on).limit)
    except Exception:  # noqa: BLE001 - an item missing from the catalogue keeps the county's
        return None


def item_total(application: Application) -> None:
    """For other items the total runs to the catalogue item's limit (办理时限), +15 once
    extended, instead of the dibao total (``total_rule``; kept for the callers)."""
    if application.accepted_on is None:
        return
    provisional = _set_total(application)
    application.deadlines_provisional = application.deadlines_provisional or provisional


def yellow_dates(application: Application) -> tuple[date | None, date | None]:
    """The first yellow day of the running step and of the total, from what the case keeps
    (for cases whose due dates were set before these days were kept: migration 0005)."""
    if application.step == Step.NONE:
        return None, None
    limits = item_step_limits(application)
    step = None
    if application.step != Step.NOTICE:
        step = yellow_from(application.step_started_on,
                           getattr(limits, STEP_LIMIT_NAMES[application.step]))
    total = None
    if application.accepted_on is not None:
        limit, yellow_after = total_rule(application)
        total = yellow_from(application.accepted_on, limit, yellow_after=yellow_after)
    return step, total


# --- deadlines a resident can read (receipt, case page, progress page) ---------------------

def known_years() -> frozenset[int]:
    """The years the working-day calendar knows (one query; pass it to a page's rows)."""
    from jiuzhu.calendars.models import CalendarDay

    return frozenset(d.year for d in CalendarDay.objects.dates("date", "year"))


def date_provisional(day: date | None, known: frozenset[int] | None = None) -> bool:
    """A due date in a year the working-day calendar does not know yet (counted by plain
    weekends): 暂定. The days before it lie in known years, as the calendar is seeded by year."""
    if day is None:
        return False
    if known is None:
        from jiuzhu.calendars.selectors import calendar_year_known

        return not calendar_year_known(day.year)
    return day.year not in known


@dataclass
class Shown:
    """What a page shows of a case's time limits: the final deadline (办结期限, or the
    decision date once decided: 办结日期) and the running step's deadline, each marked
    provisional (暂定) when it lies in a year the calendar does not know. (Not frozen: the
    intake's per-item view, ``intake.deadlines.ItemDeadline``, extends it.)"""

    final_label: str
    final_due: date | None
    final_provisional: bool
    final_text: str
    step_label: str
    step_due: date | None
    step_provisional: bool
    decided: bool


def shown(application: Application, known: frozenset[int] | None = None) -> Shown:
    """办结期限: the total's due date once accepted; before acceptance, the latest it can be
    (the acceptance deadline plus the total limit); while waiting for a supplement, the
    limit in words (it runs from the acceptance). After a decision: 办结日期, never 暂定."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .choices import OPEN_STATES

    if application.state not in OPEN_STATES:
        day = timezone.localtime(application.decided_at).date() if application.decided_at else None
        return Shown(_("办结日期"), day, False, "" if day else "—", "", None, False, True)
    limit, _yellow = total_rule(application)
    final, text = application.final_due_date, ""
    if final is None and application.step == Step.ACCEPTANCE and application.due_date:
        final = add_working_days(application.due_date, limit).due
    elif final is None:
        text = _("材料补齐并受理之日起 %(days)s 个工作日内") % {"days": limit}
    step_due = application.due_date if application.step != Step.NONE else None
    known = known_years() if known is None and (final or step_due) else known
    return Shown(_("办结期限"), final, date_provisional(final, known), text,
                 application.get_step_display() if step_due else "", step_due,
                 date_provisional(step_due, known), False)
