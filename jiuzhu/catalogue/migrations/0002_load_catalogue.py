"""Load the demo service catalogue (39 items of 12 departments) into every new database."""

from django.db import migrations

from jiuzhu.catalogue.loader import load_catalogue


def load(apps, schema_editor):
    load_catalogue(apps.get_model("catalogue", "Department"), apps.get_model("catalogue", "Item"))


class Migration(migrations.Migration):

    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
