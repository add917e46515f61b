"""Encrypt the bank account numbers written before encryption at rest (core.crypto)."""

from django.db import migrations


def seal(apps, schema_editor):
    from jiuzhu.core.crypto import reseal

    reseal(apps.get_model("payments", "BankAccount"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_alter_bankaccount_account_number")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=True)]
