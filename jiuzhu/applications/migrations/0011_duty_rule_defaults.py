"""四眼原则: every existing county gets its DutyRule with every rule on."""

from django.db import migrations


def create_defaults(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    DutyRule = apps.get_model("applications", "DutyRule")
    have = set(DutyRule.objects.values_list("region_id", flat=True))
    DutyRule.objects.bulk_create(
        DutyRule(region_id=county.pk, region_path=county.path)
        for county in Region.objects.filter(level="county").exclude(pk__in=have))


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0010_duty_rule"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
