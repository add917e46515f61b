"""Indexes of the registry search (selectors.household_search), on PostgreSQL only.

- "Anywhere in" (a query of three characters or more: ``LIKE '%q%'``): pg_trgm GIN
  indexes (``gin_trgm_ops``) on members' names, heads' names and addresses.
- "Starts with" (one or two characters: ``LIKE 'q%'``) on the given name (the name without
  its first character): B-tree indexes on ``SUBSTRING(name, 2)`` with ``text_pattern_ops``,
  which serve ``LIKE`` whatever the database's collation. The whole name's start is served
  by the ``varchar_pattern_ops`` indexes Django already keeps for ``db_index`` fields.

The extension needs ``CREATE EXTENSION pg_trgm`` to succeed: pg_trgm is a trusted extension
(PostgreSQL 13+), so the database's owner may create it; otherwise a superuser creates it
beforehand (``CREATE EXTENSION pg_trgm;`` in this database) and this migration finds it.
SQLite gets nothing (it scans; a county's registry is small enough)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "member_name_trgm":
        "households_member USING gin (name gin_trgm_ops)",
    "household_head_name_trgm":
        "households_household USING gin (head_name gin_trgm_ops)",
    "household_address_trgm":
        "households_household USING gin (address gin_trgm_ops)",
    # the expression as the selector writes it: SUBSTRING("name", 2)
    "member_given_name":
        "households_member ((SUBSTRING(name, 2)) text_pattern_ops)",
    "household_head_given_name":
        "households_household ((SUBSTRING(head_name, 2)) text_pattern_ops)",
}


class PostgresOnly(migrations.RunSQL):
    """RunSQL on PostgreSQL; nothing on another database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0006_staged_import"),
    ]

    operations = [
        TrigramExtension(),
        *(PostgresOnly(f"CREATE INDEX {name} ON {target}", f"DROP INDEX {name}")
          for name, target in INDEXES.items()),
    ]
