"""Items as data (issue #16 item 5): each item version's conditions for the 大处方, filled
for the 39 items from the rules library (jiuzhu/rules/items/conditions.yaml) into every
version that has none."""

from django.db import migrations, models

from jiuzhu.catalogue.loader import fill_conditions


def fill(apps, schema_editor):
    fill_conditions(apps.get_model("catalogue", "Item"))


class Migration(migrations.Migration):

    dependencies = [("catalogue", "0004_item_resident_text")]

    operations = [
        migrations.AddField(
            model_name="item",
            name="condition_eligible",
            field=models.TextField(blank=True, verbose_name="符合条件（表达式）"),
        ),
        migrations.AddField(
            model_name="item",
            name="condition_possible",
            field=models.TextField(blank=True, verbose_name="可能符合条件（表达式）"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
