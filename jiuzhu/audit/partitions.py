"""The audit table by month on PostgreSQL (issue #15 item 7).

Migration ``0005_partition_by_month`` turns ``audit_auditevent`` into a table partitioned by
range of ``at``: one partition per calendar month (``audit_auditevent_y2026m12``, months of
``TIME_ZONE``) and a DEFAULT partition (``audit_auditevent_default``) for an event dated in a
month that has none. PostgreSQL wants the partition key in every unique index, so the key
is a unique index on ``(id, at)`` (``KEY``) — an index, not a ``PRIMARY KEY`` constraint:
``pg_restore --clean`` (``jiuzhu restore`` over a database) cannot drop the primary keys of
partitions (PostgreSQL 15: "cannot drop inherited constraint"), it drops a partitioned index
with its partitions' ones. Django keeps ``id`` as the model's primary key (the identity
hands out unique ids; nothing references audit events by foreign key). The hash chain is
ordered by id and does not care where a row is stored: ``jiuzhu audit verify`` walks every
partition in id order.

:func:`audit_partitions_ensure` (daily, ``calendars.services.register_daily``) creates the
partitions of this month and the next ``months_ahead``, and of every month that has events
in DEFAULT — those are moved into their month's new partition in the same transaction.
Both run under the chain's advisory lock (``chain.LOCK_KEY``): no event is linked while the
table changes. On SQLite nothing of this exists and :func:`audit_partitions_ensure` does
nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from jiuzhu.core.months import add_months

from .chain import LOCK_KEY

logger = logging.getLogger(__name__)

#: ``AuditEvent._meta.db_table`` (spelled out: the migration uses it without the model).
TABLE = "audit_auditevent"
DEFAULT = f"{TABLE}_default"
#: The unique index of the partitioned table, and the primary key of the plain one.
KEY = f"{TABLE}_id_at_uniq"
PKEY = f"{TABLE}_pkey"
_MONTH_NAME = re.compile(rf"^{TABLE}_y(\d{{4}})m(\d{{2}})$")
#: What a new table copies of its model table (``CREATE TABLE … (LIKE …)``): columns, NOT
#: NULL, CHECK constraints, defaults, storage; not the indexes (built after the copy).
_LIKE = ("INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION "
         "INCLUDING COMMENTS INCLUDING GENERATED")


# --- months -----------------------------------------------------------------------------------


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the month of ``moment`` in ``TIME_ZONE``."""
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).date().replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first`` to ``last``, both included."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_y{month:%Y}m{month:%m}"


def _bound(month: dt.date) -> str:
    """The month's first instant in ``TIME_ZONE`` as a SQL literal with its UTC offset (a
    partition bound is a constant; the session's time zone must not change it)."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return f"'{start.isoformat()}'"


def _bounds(month: dt.date) -> str:
    return f"FROM ({_bound(month)}) TO ({_bound(add_months(month, 1))})"


# --- what is there ----------------------------------------------------------------------------


def is_partitioned(cursor: Any, table: str = TABLE) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cursor.fetchone()
    return bool(row and row[0] == "p")


def month_partitions(cursor: Any) -> dict[dt.date, str]:
    """The monthly partitions of the audit table, by month (found by their names)."""
    cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                   "WHERE i.inhparent = to_regclass(%s)", [TABLE])
    found = {}
    for (name,) in cursor.fetchall():
        match = _MONTH_NAME.match(name)
        if match:
            found[dt.date(int(match[1]), int(match[2]), 1)] = name
    return found


def default_months(cursor: Any) -> list[dt.date]:
    """The months of the events that sit in the DEFAULT partition."""
    cursor.execute(f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE %s)::date "
                   f"FROM {_q(cursor, DEFAULT)} ORDER BY 1", [settings.TIME_ZONE])
    return [row[0] for row in cursor.fetchall()]


def _q(cursor: Any, name: str) -> str:
    return str(cursor.db.ops.quote_name(name))


def _columns(cursor: Any, table: str) -> str:
    cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) "
                   "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", [table])
    return ", ".join(_q(cursor, name) for (name,) in cursor.fetchall())


# --- the daily step ---------------------------------------------------------------------------


def _add_month(cursor: Any, month: dt.date) -> int:
    """Create ``month``'s partition; the events of that month in DEFAULT are moved into it
    (PostgreSQL refuses a partition whose rows sit in DEFAULT): the new table is filled
    from DEFAULT, those rows deleted there, then it is attached. Returns the rows moved."""
    table, default, part = _q(cursor, TABLE), _q(cursor, DEFAULT), _q(cursor, partition_name(month))
    within = f"at >= {_bound(month)} AND at < {_bound(add_months(month, 1))}"
    columns = _columns(cursor, TABLE)
    cursor.execute(f"CREATE TABLE {part} (LIKE {table} {_LIKE})")
    cursor.execute(f"INSERT INTO {part} ({columns}) SELECT {columns} FROM {default} "
                   f"WHERE {within}")
    moved = int(cursor.rowcount)
    if moved:
        cursor.execute(f"DELETE FROM {default} WHERE {within}")
    cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {part} FOR VALUES {_bounds(month)}")
    return moved


@dataclass(frozen=True)
class Ensured:
    created: tuple[str, ...] = ()
    moved: int = 0


#: How long the daily step waits for DEFAULT and the chain's lock (then it fails, is logged,
#: and the next day tries again: the months ahead are the slack).
LOCK_TIMEOUT = "10s"


def audit_partitions_ensure(months_ahead: int = 2, *, today: dt.date | None = None,
                            using: str = DEFAULT_DB_ALIAS) -> Ensured:
    """Create the missing monthly partitions of the audit table: this month, the next
    ``months_ahead``, and the months of the events in DEFAULT (moved into them), in one
    transaction. Nothing on SQLite or an unpartitioned table.

    When a month is missing, DEFAULT is locked first (a new partition takes it from DEFAULT;
    a reader of the audit log holding it must not keep the chain's lock waiting, and with it
    every audited write), then the chain's lock; each wait at most ``LOCK_TIMEOUT``."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return Ensured()
    this = (today or timezone.localdate()).replace(day=1)
    ahead = {add_months(this, n) for n in range(months_ahead + 1)}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if not is_partitioned(cursor):
            return Ensured()
        if not (ahead | set(default_months(cursor))) - set(month_partitions(cursor)):
            return Ensured()  # the usual day: no lock taken
        cursor.execute("SELECT current_setting('lock_timeout')")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
        cursor.execute(f"LOCK TABLE {_q(cursor, DEFAULT)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
        # Again under the locks: an event may have landed in DEFAULT meanwhile.
        missing = sorted((ahead | set(default_months(cursor))) - set(month_partitions(cursor)))
        moved = sum(_add_month(cursor, month) for month in missing)
    logger.info("audit partitions created: %s (%s events moved out of DEFAULT)",
                ", ".join(partition_name(m) for m in missing), moved)
    return Ensured(tuple(partition_name(m) for m in missing), moved)


def audit_partitions_daily() -> None:
    """The daily step (``calendars.services.register_daily``)."""
    audit_partitions_ensure()


# --- the migration: rebuild the table partitioned or plain ------------------------------------


def _rebuild(connection: Any, *, partitioned: bool, months_ahead: int = 2) -> None:
    """Rebuild the audit table partitioned by month (or back to a plain table): every row
    copied unchanged (ids, hashes), the same columns, indexes (names too), foreign keys,
    triggers, rules and grants; the identity's next value past the last id; the old table
    dropped. Call inside a transaction (a migration's)."""
    if connection.vendor != "postgresql":
        return
    old = f"{TABLE}_old"
    with connection.cursor() as cursor:
        q = connection.ops.quote_name
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute(f"LOCK TABLE {q(TABLE)} IN ACCESS EXCLUSIVE MODE")
        if is_partitioned(cursor) == partitioned:
            return
        oid = "to_regclass(%s)"
        cursor.execute(f"SELECT contype, conname FROM pg_constraint WHERE conrelid = {oid} "
                       "AND contype IN ('p', 'u', 'x')", [TABLE])
        unique = cursor.fetchall()
        if unique != ([("p", PKEY)] if partitioned else []):
            raise NotImplementedError(f"{TABLE}: unexpected unique constraints {unique}")
        # What the new table gets again, read before the old one is renamed (so that the
        # statements name the new table).
        cursor.execute("SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                       "JOIN pg_class i ON i.oid = x.indexrelid "
                       f"WHERE x.indrelid = {oid} AND NOT x.indisprimary AND i.relname <> %s "
                       "ORDER BY 1", [TABLE, KEY])
        indexes = cursor.fetchall()
        cursor.execute(f"SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       f"WHERE conrelid = {oid} AND contype = 'f' ORDER BY 1", [TABLE])
        foreign = cursor.fetchall()
        for name, _ in foreign:  # checks still deferred in this transaction: done now
            cursor.execute(f"SET CONSTRAINTS {q(name)} IMMEDIATE")
        cursor.execute(f"SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = {oid} "
                       "AND NOT tgisinternal ORDER BY tgname", [TABLE])
        triggers = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT pg_get_ruledef(oid) FROM pg_rewrite WHERE ev_class = {oid} "
                       "AND rulename <> '_RETURN' ORDER BY rulename", [TABLE])
        rules = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT a.privilege_type, a.grantee::regrole::text, a.is_grantable "
                       "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = "
                       f"{oid} AND a.grantee <> c.relowner AND a.grantee <> 0 "
                       "UNION ALL SELECT a.privilege_type, 'PUBLIC', false FROM pg_class c, "
                       f"aclexplode(c.relacl) a WHERE c.oid = {oid} AND a.grantee = 0",
                       [TABLE, TABLE])
        grants = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT min(at), max(at), max(id) FROM {q(TABLE)}")
        first, last, last_id = cursor.fetchone()

        # The old table out of the way: its name, its key's and indexes' names
        # (one namespace with tables), its identity's sequence.
        cursor.execute(f"ALTER TABLE {q(TABLE)} RENAME TO {q(old)}")
        if partitioned:
            cursor.execute(f"ALTER TABLE {q(old)} RENAME CONSTRAINT {q(PKEY)} TO "
                           f"{q(old + '_pkey')}")
        else:
            cursor.execute(f"DROP INDEX {q(KEY)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {q(name)}")
        if sequence:
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last_value, is_called = cursor.fetchone()
            cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {q(old + '_id_seq')}")

        cursor.execute(f"CREATE TABLE {q(TABLE)} (LIKE {q(old)} {_LIKE} INCLUDING IDENTITY)"
                       + (" PARTITION BY RANGE (at)" if partitioned else ""))
        if partitioned:
            cursor.execute(f"CREATE TABLE {q(DEFAULT)} PARTITION OF {q(TABLE)} DEFAULT")
            now = timezone.localdate().replace(day=1)
            start = month_of(first) if first else now
            end = max(add_months(now, months_ahead), month_of(last) if last else now)
            for month in months_between(start, end):
                cursor.execute(f"CREATE TABLE {q(partition_name(month))} PARTITION OF "
                               f"{q(TABLE)} FOR VALUES {_bounds(month)}")
        columns = _columns(cursor, old)
        cursor.execute(f"INSERT INTO {q(TABLE)} ({columns}) OVERRIDING SYSTEM VALUE "
                       f"SELECT {columns} FROM {q(old)}")
        if partitioned:
            cursor.execute(f"CREATE UNIQUE INDEX {q(KEY)} ON {q(TABLE)} (id, at)")
        else:
            cursor.execute(f"ALTER TABLE {q(TABLE)} ADD CONSTRAINT {q(PKEY)} PRIMARY KEY (id)")
        for _, definition in indexes:
            # a partitioned table's own index reads "ON ONLY t": built on every partition
            cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
        for name, definition in foreign:
            cursor.execute(f"ALTER TABLE {q(TABLE)} ADD CONSTRAINT {q(name)} {definition}")
        for definition in (*triggers, *rules):
            cursor.execute(definition)
        for privilege, grantee, grantable in grants:
            cursor.execute(f"GRANT {privilege} ON {q(TABLE)} TO {grantee}"
                           + (" WITH GRANT OPTION" if grantable else ""))
        if sequence:
            # Next id: past the last one stored and past every one handed out before.
            following = max(last_id or 0, last_value if is_called else last_value - 1) + 1
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                           [TABLE, following])
        cursor.execute(f"DROP TABLE {q(old)}")
        cursor.execute(f"ANALYZE {q(TABLE)}")


def partition_table(connection: Any, months_ahead: int = 2) -> None:
    """Migration 0005 forward: the audit table partitioned by month (PostgreSQL only)."""
    _rebuild(connection, partitioned=True, months_ahead=months_ahead)


def unpartition_table(connection: Any) -> None:
    """Migration 0005 backward: one plain table again, ``PRIMARY KEY (id)``."""
    _rebuild(connection, partitioned=False)
