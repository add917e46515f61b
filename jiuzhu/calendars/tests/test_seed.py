from datetime import date, timedelta

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command

from jiuzhu.calendars.choices import DayKind, DaySource
from jiuzhu.calendars.models import CalendarDay
from jiuzhu.calendars.official import OFFICIAL_YEARS, UnknownYear
from jiuzhu.calendars.services import calendar_day_set, calendar_seed

pytestmark = pytest.mark.django_db


def _days(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def test_the_migration_seeded_every_day_chinese_calendar_knows():
    assert (OFFICIAL_YEARS.start, OFFICIAL_YEARS.stop - 1) == (2004, 2026)
    assert CalendarDay.objects.filter(date__year=2004).count() == 366
    assert CalendarDay.objects.filter(date__year=2026).count() == 365
    assert CalendarDay.objects.count() == sum(len(list(_days(y))) for y in OFFICIAL_YEARS)
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert set(CalendarDay.objects.values_list("source", flat=True)) == {"chinese_calendar"}


@pytest.mark.parametrize("year", [2025, 2026])
def test_seeding_matches_chinese_calendar(year):
    CalendarDay.objects.filter(date__year=year).delete()
    result = calendar_seed(years=[year])
    assert result.created == len(list(_days(year)))
    rows = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    for day in _days(year):
        row = rows[day]
        assert row.is_workday == chinese_calendar.is_workday(day), day
        if day in chinese_calendar.holidays:
            assert row.kind == DayKind.HOLIDAY and row.name, day
        elif day.weekday() >= 5 and row.is_workday:
            assert (row.kind, row.name) == (DayKind.ADJUSTED_WORKDAY, "调休上班"), day
        else:
            assert row.kind == (DayKind.WEEKDAY if day.weekday() < 5 else DayKind.WEEKEND), day


def _status(day: date) -> tuple[bool, str, str]:
    row = CalendarDay.objects.get(date=day)
    return row.is_workday, row.kind, row.name


def test_2026_spring_festival():
    # Holiday Sunday 15 to Monday 23 February; Saturdays 14 and 28 February are worked.
    for offset in range(9):
        assert _status(date(2026, 2, 15) + timedelta(days=offset)) == (False, "holiday", "春节")
    assert _status(date(2026, 2, 14)) == (True, "adjusted_workday", "调休上班")
    assert _status(date(2026, 2, 28)) == (True, "adjusted_workday", "调休上班")
    assert _status(date(2026, 2, 13)) == (True, "weekday", "")
    assert _status(date(2026, 2, 24)) == (True, "weekday", "")
    assert _status(date(2026, 3, 1)) == (False, "weekend", "")
    # New Year 2026: Sunday 4 January is worked.
    assert _status(date(2026, 1, 4)) == (True, "adjusted_workday", "调休上班")


def test_2025_national_day():
    # 1–8 October off (the 6th is the Mid-autumn Festival); Sunday 28 September and
    # Saturday 11 October are worked.
    names = {6: "中秋节"}
    for day in range(1, 9):
        assert _status(date(2025, 10, day)) == (False, "holiday", names.get(day, "国庆节"))
    assert _status(date(2025, 9, 28)) == (True, "adjusted_workday", "调休上班")
    assert _status(date(2025, 10, 11)) == (True, "adjusted_workday", "调休上班")
    assert _status(date(2025, 10, 9)) == (True, "weekday", "")
    assert _status(date(2025, 10, 12)) == (False, "weekend", "")


def test_reseeding_keeps_manual_edits_and_repairs_the_rest(administrator):
    calendar_day_set(actor=administrator, day=date(2026, 3, 16), kind="holiday",
                     name="台风停工", reason="县政府通知")
    calendar_day_set(actor=administrator, day=date(2026, 2, 16), kind="weekday",
                     name="", reason="本县窗口春节照常上班")
    CalendarDay.objects.filter(date=date(2026, 2, 17)).update(is_workday=True, kind="weekday")

    result = calendar_seed(years=[2026])

    assert (result.created, result.updated, result.kept_manual) == (0, 1, 2)
    assert _status(date(2026, 3, 16)) == (False, "holiday", "台风停工")
    assert _status(date(2026, 2, 16)) == (True, "weekday", "")
    assert CalendarDay.objects.get(date=date(2026, 2, 16)).source == DaySource.MANUAL
    assert _status(date(2026, 2, 17)) == (False, "holiday", "春节")
    again = calendar_seed(years=[2026])
    assert (again.created, again.updated, again.unchanged, again.kept_manual) == (0, 0, 363, 2)


def test_seed_command_is_idempotent_and_refuses_unknown_years(capsys):
    CalendarDay.objects.filter(date__year__in=[2025, 2026]).delete()
    call_command("calendar_seed", "--years", "2025", "2026")
    assert "新增 730 天" in capsys.readouterr().out
    call_command("calendar_seed", "--years", "2025", "2026")
    assert "新增 0 天，更新 0 天，未变 730 天" in capsys.readouterr().out
    count = CalendarDay.objects.count()
    with pytest.raises(CommandError, match="2027"):
        call_command("calendar_seed", "--years", "2026", "2027")
    assert CalendarDay.objects.count() == count


def test_seeding_an_unknown_year_writes_nothing():
    with pytest.raises(UnknownYear):
        calendar_seed(years=[2026, 2027])
    assert not CalendarDay.objects.filter(date__year=2027).exists()
