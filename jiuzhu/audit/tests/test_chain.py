"""The SM3 hash chain of the audit events and ``jiuzhu audit verify``."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from jiuzhu.audit.chain import FIELDS, event_hash, sm3_hex
from jiuzhu.audit.models import AuditEvent
from jiuzhu.audit.services import audit_record
from jiuzhu.audit.tests.verifying import verify_result
from jiuzhu.testing import UserFactory

TABLE = AuditEvent._meta.db_table


def _events(actor, n=5):
    return [audit_record(actor=actor, action="update", detail={"n": i, "名称": ("甲", 1.5)})
            for i in range(n)]




def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{t}", connection.ops.quote_name(TABLE)), params)


def test_sm3_is_the_national_standard_hash():
    # GB/T 32905-2016, example 1.
    assert sm3_hex(b"abc") == ("66c7f0f462eeedd9d1f2d46bdc10e4e2"
                               "4167c4875cf2f7a2297da02b8f4ba8e0")


def test_each_event_is_linked_to_the_one_before(window_worker):
    events = _events(window_worker)
    stored = list(AuditEvent.objects.order_by("id").values("id", *FIELDS, "prev_hash", "hash"))
    assert stored[0]["prev_hash"] == ""
    for before, row in zip(stored, stored[1:], strict=False):
        assert row["prev_hash"] == before["hash"]
    for row in stored:
        assert len(row["hash"]) == 64
        assert event_hash(row, row["prev_hash"]) == row["hash"]
    assert [e.hash for e in events] == [row["hash"] for row in stored]
    assert verify_result() == (0, "")


def test_a_changed_row_is_named(window_worker):
    events = _events(window_worker)
    _sql("UPDATE {t} SET actor_name = %s WHERE id = %s", ["someone", events[2].pk])
    code, message = verify_result()
    assert code == 1
    assert f"编号 {events[2].pk} " in message and "被修改" in message


def test_a_changed_detail_is_named(window_worker):
    events = _events(window_worker)
    _sql("UPDATE {t} SET detail = %s WHERE id = %s", ['{"n": 99}', events[3].pk])
    code, message = verify_result()
    assert code == 1 and f"编号 {events[3].pk} " in message


def test_a_deleted_row_names_the_event_after_it(window_worker):
    events = _events(window_worker)
    _sql("DELETE FROM {t} WHERE id = %s", [events[1].pk])
    code, message = verify_result()
    assert code == 1
    assert f"编号 {events[2].pk} " in message and "删除" in message


def test_reordered_rows_are_named(window_worker):
    """Two events swapped whole (content and hashes): the first of them breaks the chain."""
    events = _events(window_worker)
    a, b = events[1].pk, events[2].pk
    _sql("UPDATE {t} SET id = %s WHERE id = %s", [-1, a])
    _sql("UPDATE {t} SET id = %s WHERE id = %s", [a, b])
    _sql("UPDATE {t} SET id = %s WHERE id = %s", [b, -1])
    code, message = verify_result()
    assert code == 1 and f"编号 {a} " in message


def test_an_inserted_row_is_named(window_worker):
    """A row forged with a correct SM3 over its own fields, linked to an earlier event."""
    events = _events(window_worker)
    forged = {f: getattr(events[2], f) for f in FIELDS} | {"actor_name": "ghost"}
    digest = event_hash(forged, events[2].hash)
    new_id = events[-1].pk + 1
    _sql("INSERT INTO {t} (id, at, actor_id, actor_name, action, object_type, object_id, "
         "object_repr, region_path, ip, user_agent, path, detail, prev_hash, hash) "
         "SELECT %s, at, actor_id, %s, action, object_type, object_id, object_repr, "
         "region_path, ip, user_agent, path, detail, %s, %s FROM {t} WHERE id = %s",
         [new_id, "ghost", events[2].hash, digest, events[2].pk])
    code, message = verify_result()
    assert code == 1 and f"编号 {new_id} " in message


def test_the_migration_links_the_events_already_stored(window_worker):
    events = _events(window_worker)
    _sql("UPDATE {t} SET prev_hash = '', hash = ''", [])
    assert verify_result()[0] == 1
    migration = importlib.import_module("jiuzhu.audit.migrations.0003_sm3_chain")

    class Editor:
        connection = connections["default"]

    state = MigrationLoader(connection).project_state(("audit", "0003_sm3_chain"))
    migration.chain_existing(state.apps, Editor())
    assert verify_result() == (0, "")
    assert AuditEvent.objects.get(pk=events[-1].pk).hash == events[-1].hash


def test_verify_reads_in_chunks(window_worker, capsys):
    _events(window_worker, 7)
    call_command("audit", "verify", chunk=3)
    assert "共 7 条" in capsys.readouterr().out


def test_a_user_with_audit_events_cannot_be_deleted(window_worker):
    from django.db.models import ProtectedError

    audit_record(actor=window_worker, action="login")
    with pytest.raises(ProtectedError):
        window_worker.delete()
    assert AuditEvent.objects.get().actor_id == window_worker.pk


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_do_not_fork_the_chain(tree):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is one connection")
    users = [UserFactory(username=f"writer{i}", region=tree["town1"]) for i in range(2)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(user) -> None:
        try:
            start.wait()
            for i in range(15):
                audit_record(actor=user, action="update", detail={"i": i})
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.filter(actor_name__startswith="writer").count() == 30
    hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(hashes) == len(set(hashes)), "two events share a predecessor: a fork"
    assert verify_result() == (0, "")
