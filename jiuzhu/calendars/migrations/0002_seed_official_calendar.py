"""Seed the working-day calendar from chinese_calendar, so every new database has it."""

from django.db import migrations

from jiuzhu.calendars.official import OFFICIAL_YEARS, official_year


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("calendars", "CalendarDay")
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    rows = [
        CalendarDay(date=day.date, is_workday=day.is_workday, kind=day.kind, name=day.name,
                    source="chinese_calendar")
        for year in OFFICIAL_YEARS for day in official_year(year) if day.date not in existing
    ]
    CalendarDay.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
