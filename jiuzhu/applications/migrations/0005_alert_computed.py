"""The alert colour is computed from the due dates and today whenever it is read: the
stored colour goes, the first yellow day of the step and of the total is kept instead."""

from django.db import migrations, models


def fill_yellow_dates(apps, schema_editor):
    from jiuzhu.applications.deadlines import yellow_dates

    Application = apps.get_model("applications", "Application")
    for application in (Application.objects.exclude(step="none").select_related("region")
                        .iterator()):
        try:
            yellow_on, final_yellow_on = yellow_dates(application)
        except LookupError:  # a county without time limits: no yellow, red still shows
            continue
        Application.objects.filter(pk=application.pk).update(
            yellow_on=yellow_on, final_yellow_on=final_yellow_on)


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0004_state_from_table"),
        ("calendars", "0002_seed_official_calendar"),
        ("catalogue", "0003_fill_texts"),
    ]

    operations = [
        migrations.RemoveField(model_name="application", name="alert"),
        migrations.AddField(
            model_name="application", name="yellow_on",
            field=models.DateField(blank=True, null=True, verbose_name="环节预警起始日")),
        migrations.AddField(
            model_name="application", name="final_yellow_on",
            field=models.DateField(blank=True, null=True, verbose_name="办结预警起始日")),
        migrations.RunPython(fill_yellow_dates, migrations.RunPython.noop),
    ]
