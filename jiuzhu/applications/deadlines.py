"""Due dates and alerts of an application (期限与预警), in working days."""

from __future__ import annotations

from datetime import date

from jiuzhu.calendars.limits import step_limits
from jiuzhu.calendars.selectors import add_calendar_days, add_working_days, alert_for, worse

from .choices import Alert, Step
from .models import Application

STEP_LIMIT_NAMES = {
    Step.ACCEPTANCE: "acceptance", Step.SUPPLEMENT: "supplement",
    Step.INVESTIGATION: "investigation", Step.APPRAISAL: "appraisal",
    Step.OPINION: "opinion", Step.NOTICE: "notice", Step.DECISION: "decision",
}


def start_step(application: Application, step: str, on: date) -> None:
    """Start ``step`` on ``on``: set its due date (not saved)."""
    application.step = step
    application.step_started_on = on
    limits = step_limits(application.region.code)
    if step == Step.NONE:
        application.due_date = None
        return
    limit = getattr(limits, STEP_LIMIT_NAMES[step])
    if step == Step.NOTICE:
        application.due_date = add_calendar_days(on, limit)
    else:
        deadline = add_working_days(on, limit)
        application.due_date = deadline.due
        application.deadlines_provisional = application.deadlines_provisional or deadline.provisional


def start_total(application: Application, on: date) -> None:
    limits = step_limits(application.region.code)
    application.accepted_on = on
    deadline = add_working_days(on, limits.total)
    application.final_due_date = deadline.due
    application.deadlines_provisional = deadline.provisional


def extend_total(application: Application) -> None:
    limits = step_limits(application.region.code)
    assert application.accepted_on is not None
    deadline = add_working_days(application.accepted_on, limits.total_limit(extended=True))
    application.final_due_date = deadline.due
    application.deadlines_provisional = application.deadlines_provisional or deadline.provisional


def compute_alert(application: Application, today: date) -> str:
    """The worse of the current step's alert and the total's."""
    if application.step == Step.NONE:
        return Alert.NONE
    limits = step_limits(application.region.code)
    step_name = STEP_LIMIT_NAMES[application.step]
    level = alert_for(started=application.step_started_on, limit=getattr(limits, step_name),
                      today=today, calendar_days=application.step == Step.NOTICE,
                      yellow=application.step != Step.NOTICE).level
    if application.accepted_on is not None:
        total_limit = limits.total_limit(extended=application.extended)
        yellow_after = limits.total_yellow_after(extended=application.extended)
        own = item_limit(application)
        if own is not None:
            extra = limits.extension if application.extended else 0
            total_limit = own + extra
            yellow_after = own * limits.total_yellow // limits.total + extra
        total = alert_for(started=application.accepted_on, limit=total_limit, today=today,
                          yellow_after=yellow_after)
        level = worse(level, total.level)
    return level


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
    extended, instead of the dibao total."""
    limit = item_limit(application)
    if limit is None or application.accepted_on is None:
        return
    limits = step_limits(application.region.code)
    extra = limits.extension if application.extended else 0
    deadline = add_working_days(application.accepted_on, limit + extra)
    application.final_due_date = deadline.due
    application.deadlines_provisional = application.deadlines_provisional or deadline.provisional
