"""Encrypt the ID numbers and phones written before encryption at rest (core.crypto)."""

from django.db import migrations


def seal(apps, schema_editor):
    from jiuzhu.core.crypto import reseal

    reseal(apps.get_model("leads", "Lead"))


class Migration(migrations.Migration):
    dependencies = [("leads", "0004_alter_lead_id_number_alter_lead_phone_and_more")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=True)]
