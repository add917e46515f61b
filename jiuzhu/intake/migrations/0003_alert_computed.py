"""The alert colour is computed from the due date and today whenever it is read: the stored
colour (and its index) goes, the item's first yellow day is kept instead."""

from django.db import migrations, models

COUNTING = ("transferred", "accepted", "resubmitted")


def fill_yellow_on(apps, schema_editor):
    from jiuzhu.calendars.alerts import yellow_from

    RequestItem = apps.get_model("intake", "RequestItem")
    for row in RequestItem.objects.filter(state__in=COUNTING).only("pk", "started_on", "limit"):
        RequestItem.objects.filter(pk=row.pk).update(
            yellow_on=yellow_from(row.started_on, row.limit))


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0002_request_declared"),
        ("calendars", "0002_seed_official_calendar"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="requestitem", name="intake_requ_alert_062890_idx"),
        migrations.RemoveField(model_name="requestitem", name="alert"),
        migrations.AddField(
            model_name="requestitem", name="yellow_on",
            field=models.DateField(blank=True, null=True, verbose_name="预警起始日")),
        migrations.RunPython(fill_yellow_on, migrations.RunPython.noop),
    ]
