"""The audit table partitioned by month on PostgreSQL (issue #15 item 7; nothing on SQLite).

The table is rebuilt under the chain's advisory lock: auditing — and with it every audited
write — waits until the migration commits (minutes per few million events: a maintenance
window). Reversible: backward rebuilds one plain table with ``PRIMARY KEY (id)``. Django's
model is unchanged (``id`` stays its primary key). See ``jiuzhu/audit/partitions.py``."""

from django.db import migrations


def partition(apps, schema_editor):
    from jiuzhu.audit.partitions import partition_table

    partition_table(schema_editor.connection)


def unpartition(apps, schema_editor):
    from jiuzhu.audit.partitions import unpartition_table

    unpartition_table(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_reveal_action"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
