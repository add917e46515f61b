"""The audit table by month on PostgreSQL (``partitions.py``, migration 0005): the table is
partitioned, an event of a month without its partition lands in DEFAULT and the daily step
moves it into the month's new partition, the hash chain and ``jiuzhu audit verify`` hold
across partitions, and the migration keeps every row (both ways). On SQLite: nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.utils import timezone

from jiuzhu.audit.models import AuditEvent
from jiuzhu.audit.partitions import (
    DEFAULT,
    KEY,
    TABLE,
    Ensured,
    add_months,
    audit_partitions_daily,
    audit_partitions_ensure,
    is_partitioned,
    month_partitions,
    partition_table,
    unpartition_table,
)
from jiuzhu.audit.services import audit_record
from jiuzhu.audit.tests.verifying import verify_result

POSTGRESQL = connection.vendor == "postgresql"
pg_only = pytest.mark.skipif(not POSTGRESQL, reason="range partitions are PostgreSQL's: on "
                                                    "SQLite the audit table stays one table")
UTC = dt.UTC




def _event(at: dt.datetime, name: str = "x") -> AuditEvent:
    """An event dated ``at`` (the chain links it like any other: by id)."""
    return AuditEvent.objects.create(at=at, actor_name=name, action="update")


def _where(event: AuditEvent) -> str:
    """The partition that holds the event."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s",
                       [event.pk])
        return str(cursor.fetchone()[0])


def _stored() -> list[tuple]:
    return list(AuditEvent.objects.order_by("id").values_list("id", "at", "prev_hash", "hash"))


@pg_only
@pytest.mark.django_db
def test_the_table_is_partitioned_by_month_with_djangos_indexes():
    with connection.cursor() as cursor:
        assert is_partitioned(cursor)
        months = month_partitions(cursor)
        constraints = connection.introspection.get_constraints(cursor, TABLE)
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhrelid = to_regclass(%s)",
                       [DEFAULT])
        assert cursor.fetchone()[0] == 1
    this = timezone.localdate().replace(day=1)
    assert {this, add_months(this, 1), add_months(this, 2)} <= set(months)
    # (id, at) unique: an index, not a primary key constraint (pg_restore --clean)
    assert not any(c["primary_key"] for c in constraints.values())
    assert constraints[KEY]["unique"] and constraints[KEY]["columns"] == ["id", "at"]
    # The indexes and the foreign key Django made (and will alter or drop by name).
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        editor.create_model(AuditEvent)
    made = {name for sql in editor.collected_sql
            for name in re.findall(r'(?:INDEX|CONSTRAINT) "([^"]+)"', sql)}
    assert made and made == set(constraints) - {KEY}


@pg_only
@pytest.mark.django_db
def test_an_event_without_its_month_lands_in_default_and_is_moved(window_worker):
    audit_record(actor=window_worker, action="login")
    january = _event(dt.datetime(2020, 1, 15, 3, tzinfo=UTC), "january")
    # 20:00 UTC on 31 January is 1 February in Beijing: February's event.
    february = _event(dt.datetime(2020, 1, 31, 20, tzinfo=UTC), "february")
    assert _where(january) == _where(february) == DEFAULT
    before = _stored()

    done = audit_partitions_ensure()
    assert done.created == (f"{TABLE}_y2020m01", f"{TABLE}_y2020m02")
    assert done.moved == 2
    assert _where(january) == f"{TABLE}_y2020m01"
    assert _where(february) == f"{TABLE}_y2020m02"
    assert _stored() == before  # ids, times and hashes unchanged
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DEFAULT}")
        assert cursor.fetchone()[0] == 0
    assert verify_result() == (0, "")
    # Another February event now goes straight to its partition.
    assert _where(_event(dt.datetime(2020, 2, 10, tzinfo=UTC))) == f"{TABLE}_y2020m02"
    assert audit_partitions_ensure() == Ensured()


@pg_only
@pytest.mark.django_db
def test_the_months_ahead_are_created_once():
    done = audit_partitions_ensure(today=dt.date(2031, 11, 20))
    assert done.created == tuple(f"{TABLE}_{m}" for m in ("y2031m11", "y2031m12", "y2032m01"))
    assert audit_partitions_ensure(today=dt.date(2031, 11, 20)).created == ()
    assert audit_partitions_ensure(3, today=dt.date(2031, 11, 20)).created == (
        f"{TABLE}_y2032m02",)
    # A partition's bounds are Beijing's months.
    assert _where(_event(dt.datetime(2031, 11, 30, 16, tzinfo=UTC))) == f"{TABLE}_y2031m12"
    assert _where(_event(dt.datetime(2031, 11, 30, 15, 59, tzinfo=UTC))) == f"{TABLE}_y2031m11"


@pg_only
@pytest.mark.django_db
def test_a_reader_of_default_does_not_stall_audited_writes(monkeypatch):
    """The daily step takes DEFAULT before the chain's lock, waiting at most LOCK_TIMEOUT:
    a long reader makes it fail (tried again the next day), not every audited write wait."""
    from django.db import OperationalError, connections

    from jiuzhu.audit import partitions
    from jiuzhu.audit.chain import LOCK_KEY

    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "200ms")
    reader = connections.create_connection("default")
    try:
        reader.set_autocommit(False)
        with reader.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {DEFAULT}")
        with pytest.raises(OperationalError, match="lock timeout"):
            audit_partitions_ensure(today=dt.date(2031, 11, 20))
        with reader.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            assert cursor.fetchone()[0], "the chain's lock was left taken"
        reader.rollback()
    finally:
        reader.close()
    assert audit_partitions_ensure(today=dt.date(2031, 11, 20)).created


@pg_only
@pytest.mark.django_db
def test_the_chain_and_verify_hold_across_partitions(window_worker):
    audit_partitions_ensure(today=dt.date(2030, 3, 1))
    events = [_event(dt.datetime(2030, month, 5, tzinfo=UTC), f"m{month}")
              for month in (3, 4, 1, 5, 3, 2)]  # by id, not by time; 1 and 2 in DEFAULT
    events.append(audit_record(actor=window_worker, action="login"))
    assert len({_where(e) for e in events}) >= 5
    assert verify_result() == (0, "")
    audit_partitions_ensure(today=dt.date(2030, 3, 1))
    assert len({_where(e) for e in events}) >= 6
    assert verify_result() == (0, "")
    # A row deleted in one month's partition breaks the chain at the next event by id.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])
    code, message = verify_result()
    assert code == 1 and f"编号 {events[3].pk} " in message


@pg_only
@pytest.mark.django_db
def test_the_migration_keeps_every_row_both_ways(window_worker):
    for days in (70, 40, 3):
        _event(timezone.now() - dt.timedelta(days=days))
    _event(dt.datetime(2020, 6, 1, tzinfo=UTC))  # DEFAULT
    last = audit_record(actor=window_worker, action="login")
    before = _stored()
    with connection.cursor() as cursor:
        # an append-only trigger (a deployment may add one): kept by the rebuild
        cursor.execute("CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql "
                       "AS $$BEGIN RAISE EXCEPTION 'append only'; END$$")
        cursor.execute(f"CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                       "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse()")

    unpartition_table(connection)
    with connection.cursor() as cursor:
        assert not is_partitioned(cursor)
        primary = [c for c in connection.introspection.get_constraints(cursor, TABLE).values()
                   if c["primary_key"]]
    assert [c["columns"] for c in primary] == [["id"]]
    assert _stored() == before

    partition_table(connection)
    with connection.cursor() as cursor:
        assert is_partitioned(cursor)
        months = month_partitions(cursor)
    assert dt.date(2020, 6, 1) in months  # from the first event's month on
    assert add_months(timezone.localdate().replace(day=1), 2) in months
    assert _stored() == before
    assert verify_result() == (0, "")
    assert audit_record(actor=window_worker, action="logout").pk > last.pk
    with pytest.raises(Exception, match="append only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_name = 'y' WHERE id = %s", [last.pk])


@pytest.mark.skipif(POSTGRESQL, reason="the SQLite case (PostgreSQL: the tests above)")
@pytest.mark.django_db
def test_nothing_on_sqlite(window_worker):
    event = audit_record(actor=window_worker, action="login")
    partition_table(connection)
    assert audit_partitions_ensure() == Ensured()
    assert AuditEvent.objects.get().pk == event.pk
    assert verify_result() == (0, "")


def test_the_daily_task_creates_the_partitions():
    from jiuzhu.calendars.services import daily_functions

    assert audit_partitions_daily in daily_functions()
