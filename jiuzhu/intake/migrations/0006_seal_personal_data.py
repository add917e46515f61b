"""Encrypt the ID numbers and phones written before encryption at rest (core.crypto)."""

from django.db import migrations


def seal(apps, schema_editor):
    from jiuzhu.core.crypto import reseal

    reseal(apps.get_model("intake", "Request"))


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_alter_request_agent_id_number_and_more")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=True)]
