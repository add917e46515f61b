"""The audit chain's anchor outside the database: ``jiuzhu audit verify`` finds the deletion
of the newest events (which the chain alone cannot) and a chain rewritten with recomputed
hashes; the anchor follows commits only, once per transaction; ``jiuzhu backup`` keeps it
in the manifest (``--anchor``) and ``jiuzhu restore`` moves it to the restored database."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from jiuzhu.audit import anchor as anchors
from jiuzhu.audit.chain import FIELDS, event_hash
from jiuzhu.audit.models import AuditEvent
from jiuzhu.audit.services import audit_record

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "audit" / "anchor")
    return tmp_path / "audit" / "anchor"


def _events(actor, n=5):
    return [audit_record(actor=actor, action="update", detail={"n": i}) for i in range(n)]


def _committed_events(actor, capture, n=5):
    """n events, each in its own transaction, their on-commit callbacks run."""
    events = []
    for i in range(n):
        with capture(execute=True):
            events.append(audit_record(actor=actor, action="update", detail={"n": i}))
    return events


def _verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, verbosity=0)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{t}", connection.ops.quote_name(TABLE)), params)


@pytest.mark.django_db
def test_untouched_events_pass_and_the_anchor_is_private(window_worker, anchor_file,
                                                         django_capture_on_commit_callbacks):
    events = _committed_events(window_worker, django_capture_on_commit_callbacks)
    stored = json.loads(anchor_file.read_text())
    assert (stored["id"], stored["hash"]) == (events[-1].pk, events[-1].hash)
    assert stat.S_IMODE(anchor_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(anchor_file.parent.stat().st_mode) == 0o700
    code, printed = _verify()
    assert code == 0 and f"与链外锚点一致：编号 {events[-1].pk}" in printed


@pytest.mark.django_db
def test_deleting_the_newest_event_is_found_and_named(window_worker, anchor_file,
                                                      django_capture_on_commit_callbacks):
    events = _committed_events(window_worker, django_capture_on_commit_callbacks)
    assert _verify()[0] == 0
    _sql("DELETE FROM {t} WHERE id = %s", [events[-1].pk])
    code, message = _verify()
    assert code == 1
    assert f"审计记录编号 {events[-1].pk} 已被删除" in message
    assert f"数据库最新为编号 {events[-2].pk}" in message
    # The last three too; and the anchor does not move on past the gap with a new event.
    _sql("DELETE FROM {t} WHERE id >= %s", [events[-3].pk])
    assert _verify()[0] == 1
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=window_worker, action="update", detail={"after": "deletion"})
    assert json.loads(anchor_file.read_text())["id"] == events[-1].pk
    code, message = _verify()
    assert code == 1 and f"编号 {events[-1].pk} " in message
    _sql("DELETE FROM {t}", [])  # every event
    code, message = _verify()
    assert code == 1 and f"审计记录编号 {events[-1].pk} 已被删除" in message
    assert "数据库最新为空" in message


@pytest.mark.django_db
def test_a_chain_rewritten_with_recomputed_hashes_is_found(window_worker, anchor_file,
                                                           django_capture_on_commit_callbacks):
    events = _committed_events(window_worker, django_capture_on_commit_callbacks)
    # Change an event and recompute every hash from there: the chain itself holds again.
    rows = list(AuditEvent.objects.order_by("id").values("id", *FIELDS, "prev_hash", "hash"))
    rows[2]["actor_name"] = "别人"
    previous = rows[1]["hash"]
    for row in rows[2:]:
        row["hash"] = event_hash(row, previous)
        _sql("UPDATE {t} SET actor_name = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [row["actor_name"], previous, row["hash"], row["id"]])
        previous = row["hash"]
    code, message = _verify()
    assert code == 1
    assert f"审计记录编号 {events[-1].pk} 的 SM3 摘要与链外锚点" in message


@pytest.mark.django_db
def test_the_anchor_follows_commits_only_once_per_transaction(window_worker, anchor_file,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        events = _events(window_worker, 4)
    assert sum(isinstance(c, anchors._Advance) for c in callbacks) == 1
    assert json.loads(anchor_file.read_text())["id"] == events[-1].pk
    # Events of a rolled-back savepoint never reach the anchor.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept = audit_record(actor=window_worker, action="update", detail={"kept": 1})
        try:
            with transaction.atomic():
                audit_record(actor=window_worker, action="update", detail={"undone": 1})
                raise RuntimeError
        except RuntimeError:
            pass
    assert json.loads(anchor_file.read_text())["id"] == kept.pk
    assert _verify()[0] == 0


@pytest.mark.django_db
def test_without_an_anchor_verify_says_what_it_cannot_see(window_worker, settings, anchor_file):
    _events(window_worker, 2)  # the on-commit callbacks never run: no anchor written
    code, printed = _verify()
    assert code == 0 and "未找到链外锚点" in printed
    settings.AUDIT_ANCHOR_FILE = ""
    code, printed = _verify()
    assert code == 0 and "未设置链外锚点" in printed
    anchor_file.parent.mkdir(mode=0o700, exist_ok=True)
    settings.AUDIT_ANCHOR_FILE = str(anchor_file)
    anchor_file.write_text("garbage")
    code, message = _verify()
    assert code == 1 and "无法读取" in message


@pytest.mark.django_db
def test_audit_anchor_sets_it_to_the_newest_event(window_worker, anchor_file):
    events = _events(window_worker, 3)
    out = io.StringIO()
    call_command("audit", "anchor", stdout=out)
    assert f"已设为编号 {events[-1].pk}" in out.getvalue()
    assert _verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_the_backup_keeps_the_anchor_and_the_restore_moves_it(tree, window_worker, settings,
                                                               anchor_file, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    events = _events(window_worker, 3)  # committed: the anchor follows
    assert json.loads(anchor_file.read_text())["id"] == events[-1].pk
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=io.StringIO())
    manifest = folder / "manifest.json"
    assert json.loads(manifest.read_text())["audit_anchor"]["id"] == events[-1].pk
    later = _events(window_worker, 2)
    assert _verify("--anchor", str(manifest))[0] == 0
    # Deleting the events up to the backup's newest: the backup's anchor names it.
    _sql("DELETE FROM {t} WHERE id >= %s", [events[-1].pk])
    code, message = _verify("--anchor", str(manifest))
    assert code == 1 and f"审计记录编号 {events[-1].pk} 已被删除" in message
    code, message = _verify()
    assert code == 1 and f"审计记录编号 {later[-1].pk} 已被删除" in message
    # Restored, the database is older than the anchor was: the anchor follows it.
    call_command("restore", str(folder), "--force", stdout=io.StringIO())
    assert json.loads(anchor_file.read_text())["id"] == events[-1].pk
    assert _verify()[0] == 0
