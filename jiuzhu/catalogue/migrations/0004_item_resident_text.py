"""The plain-language text for residents (给居民的说明) of every catalogue item, filled
from the YAML into every version whose text is empty (an administrator's own text is never
overwritten)."""

from django.db import migrations, models

from jiuzhu.catalogue.loader import fill_texts


def fill(apps, schema_editor):
    fill_texts(apps.get_model("catalogue", "Item"), fields=("resident_text",))


class Migration(migrations.Migration):

    dependencies = [("catalogue", "0003_fill_texts")]

    operations = [
        migrations.AddField(
            model_name="item",
            name="resident_text",
            field=models.TextField(blank=True, verbose_name="给居民的说明"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
