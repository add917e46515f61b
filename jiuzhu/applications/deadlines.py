"""Due dates and alerts of an application (期限与预警), in working days."""

from __future__ import annotations

from datetime import date

from jiuzhu.calendars.alerts import row_alert, yellow_from
from jiuzhu.calendars.limits import step_limits
from jiuzhu.calendars.selectors import add_calendar_days, add_working_days

from .choices import Step
from .models import Application

STEP_LIMIT_NAMES: dict[str, str] = {
    Step.ACCEPTANCE: "acceptance", Step.SUPPLEMENT: "supplement",
    Step.INVESTIGATION: "investigation", Step.APPRAISAL: "appraisal",
    Step.OPINION: "opinion", Step.NOTICE: "notice", Step.DECISION: "decision",
}


def start_step(application: Application, step: str, on: date) -> None:
    """Start ``step`` on ``on``: set its due date and first yellow day (not saved)."""
    application.step = step
    application.step_started_on = on
    limits = step_limits(application.region.code)
    if step == Step.NONE:
        application.due_date = None
        application.yellow_on = None
        return
    limit = getattr(limits, STEP_LIMIT_NAMES[step])
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
    own = item_limit(application)
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
    limits = step_limits(application.region.code)
    step = None
    if application.step != Step.NOTICE:
        step = yellow_from(application.step_started_on,
                           getattr(limits, STEP_LIMIT_NAMES[application.step]))
    total = None
    if application.accepted_on is not None:
        limit, yellow_after = total_rule(application)
        total = yellow_from(application.accepted_on, limit, yellow_after=yellow_after)
    return step, total
