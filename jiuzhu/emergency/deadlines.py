"""Response deadlines of the four colours (响应时限) and the alert of a case.

* red: ``red_hours`` clock hours from the level's time (holidays and nights included);
* yellow/blue/green: the end of the day ``n`` working days after the level's date
  (``jiuzhu.calendars`` working-day arithmetic, holidays skipped);
* alert: ``red`` when not responded and past ``respond_by``, or the papers of help paid
  first not done after ``papers_due``; ``yellow`` when not responded and two thirds of the
  time have gone; else ``none``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from jiuzhu.calendars.selectors import add_working_days
from jiuzhu.rules.emergency import EmergencyParameters, emergency_parameters

from .choices import Alert

DEFAULT_COUNTY = "990102"


def parameters_of(county: str, on: date) -> EmergencyParameters:
    return emergency_parameters(county, on)


def end_of_day(day: date) -> datetime:
    """23:59:59 of ``day`` in the local time zone."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def respond_by(level: str, level_at: datetime, *, county: str = DEFAULT_COUNTY,
               params: EmergencyParameters | None = None) -> datetime:
    """When a case of ``level`` assessed at ``level_at`` must have been responded to."""
    local = timezone.localtime(level_at)
    params = params or parameters_of(county, local.date())
    if level == "red":
        return level_at + timedelta(hours=params.red_hours)
    due = add_working_days(local.date(), params.working_days(level)).due
    return end_of_day(due)


def papers_due(paid_on: date, *, county: str = DEFAULT_COUNTY,
               params: EmergencyParameters | None = None) -> date:
    """The day the temporary-assistance file of help paid first is due (补办手续期限)."""
    params = params or parameters_of(county, paid_on)
    return add_working_days(paid_on, params.papers_working_days).due


def alert(case: Any, now: datetime | None = None) -> str:
    """``none`` / ``yellow`` / ``red`` for ``case`` at ``now``."""
    now = now or timezone.now()
    if case.papers_due and not case.papers_done_at and \
            timezone.localtime(now).date() > case.papers_due:
        return Alert.RED
    if case.responded_at is None and case.closed_at is None:
        if now > case.respond_by:
            return Alert.RED
        span = case.respond_by - case.level_at
        if span.total_seconds() > 0 and (now - case.level_at) * 3 >= span * 2:
            return Alert.YELLOW
    return Alert.NONE


def overdue(case: Any, now: datetime | None = None) -> bool:
    return alert(case, now) == Alert.RED
