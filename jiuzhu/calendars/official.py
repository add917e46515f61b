"""The official holiday arrangements (国务院办公厅节假日安排) as read from chinese_calendar.

Pure functions, no Django: the data migration and :func:`services.calendar_seed` both use
them. chinese_calendar knows a fixed range of years (2004–2026 in version 1.11.0); a later
year must wait for a newer release or be entered by an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday

from .choices import ADJUSTED_WORKDAY_NAME, DayKind

# The names the State Council's notices use (chinese_calendar abbreviates three of them).
_OFFICIAL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
_CHINESE_NAMES = {holiday.value: _OFFICIAL_NAMES.get(holiday.chinese, holiday.chinese)
                  for holiday in Holiday}
OFFICIAL_YEARS = range(min(chinese_calendar.holidays).year,
                       max(chinese_calendar.holidays).year + 1)


class UnknownYear(ValueError):
    """chinese_calendar has no arrangement for this year."""


@dataclass(frozen=True)
class OfficialDay:
    date: date
    is_workday: bool
    kind: str
    name: str


def plain_day(day: date) -> OfficialDay:
    """A day by the plain rule: Monday to Friday work, Saturday and Sunday rest."""
    if day.weekday() < 5:
        return OfficialDay(day, True, DayKind.WEEKDAY.value, "")
    return OfficialDay(day, False, DayKind.WEEKEND.value, "")


def official_day(day: date) -> OfficialDay:
    """The official status of one day of a year chinese_calendar knows."""
    if day.year not in OFFICIAL_YEARS:
        raise UnknownYear(
            f"chinese_calendar 只包含 {OFFICIAL_YEARS.start}–{OFFICIAL_YEARS.stop - 1} 年的"
            f"节假日安排，没有 {day.year} 年的")
    holiday = chinese_calendar.holidays.get(day)
    if holiday is not None:
        return OfficialDay(day, False, DayKind.HOLIDAY.value, _CHINESE_NAMES.get(holiday, holiday))
    if day in chinese_calendar.workdays and day.weekday() >= 5:
        return OfficialDay(day, True, DayKind.ADJUSTED_WORKDAY.value, ADJUSTED_WORKDAY_NAME)
    return plain_day(day)


def year_days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def official_year(year: int) -> list[OfficialDay]:
    """Every day of ``year`` with its official status; :class:`UnknownYear` if unknown."""
    return [official_day(day) for day in year_days(year)]
