"""Encrypt the ID numbers and phones written before encryption at rest (core.crypto)."""

from django.db import migrations


def seal(apps, schema_editor):
    from jiuzhu.core.crypto import reseal

    for name in ("Member", "HistoricalMember", "Household", "HistoricalHousehold"):
        reseal(apps.get_model("households", name))


class Migration(migrations.Migration):
    dependencies = [("households", "0004_historicalmember_id_number_index_and_more")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=True)]
