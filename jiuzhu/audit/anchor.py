"""The anchor of the audit chain outside the database: the newest event's id and SM3 hash,
kept in a file (``AUDIT_ANCHOR_FILE``, default ``var/audit/anchor``; empty: none).

The hash chain (``chain.py``) reveals a changed, deleted or inserted event by the events
after it — but nothing follows the newest ones: deleting the last N events, or rewriting
the whole chain with recomputed hashes, leaves a chain that holds. The anchor is what the
database cannot change: after every transaction that stored audit events commits, the
newest committed event's id and hash are written to the file (0600 in a 0700 folder, one
sector written in place under an exclusive ``flock``; readers take a shared one). It only
moves forward along the same chain: when the anchored event is no longer in the database
with the anchored hash, the file is left as it is and the error logged, so
``jiuzhu audit verify`` reports it.

Cost per audited transaction, after its commit: one query by primary key (the newest
event and the anchored one) and one ``pwrite`` of 512 bytes in place under an ``flock`` (no
``fsync``): measured (300 audited transactions, a shared 2-core machine), 1.28 ms instead
of 0.79 ms each on SQLite, 3.7 ms instead of 2.2 ms on PostgreSQL.
``jiuzhu backup`` puts the anchor of the database it copies in its manifest
(``audit_anchor``); ``jiuzhu audit verify --anchor manifest.json`` compares the database
with it; ``jiuzhu restore`` sets the anchor to the restored database's newest event.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    id: int
    hash: str
    database: str = ""
    at: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "hash": self.hash, "database": self.database, "at": self.at}


class AnchorUnreadable(ValueError):
    """The anchor file exists but does not hold an anchor."""


def anchor_path() -> Path | None:
    name = str(getattr(settings, "AUDIT_ANCHOR_FILE", "") or "")
    return Path(name) if name else None


def database_name(alias: str = DEFAULT_DB_ALIAS) -> str:
    """Which database an anchor belongs to: the SQLite file, or PostgreSQL's host/name."""
    params = connections[alias].settings_dict
    if connections[alias].vendor == "sqlite":
        return str(params["NAME"])
    return f"{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}/{params['NAME']}"


def parse(data: Any) -> Anchor:
    """An anchor from the anchor file's JSON or a backup manifest (its ``audit_anchor``)."""
    if isinstance(data, dict) and "audit_anchor" in data:
        data = data["audit_anchor"]
    if not isinstance(data, dict) or not isinstance(data.get("id"), int) \
            or not isinstance(data.get("hash"), str) or len(data["hash"]) != 64:
        raise AnchorUnreadable("没有审计锚点（应有 id 与 64 位 SM3 摘要 hash）")
    return Anchor(id=data["id"], hash=data["hash"], database=str(data.get("database", "")),
                  at=str(data.get("at", "")))


def read(path: Path) -> Anchor | None:
    """The anchor in ``path`` (read under a shared lock); None when there is no such file."""
    with _Locked(path, shared=True):
        return _read(path)


def _read(path: Path) -> Anchor | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return parse(json.loads(text))
    except ValueError as error:
        raise AnchorUnreadable(f"锚点文件 {path} 无法读取：{error}") from None


def _table(alias: str) -> str:
    from .models import AuditEvent

    return connections[alias].ops.quote_name(AuditEvent._meta.db_table)


def newest(alias: str = DEFAULT_DB_ALIAS) -> Anchor | None:
    """The newest committed event of the database as an anchor; None when there is none."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT id, hash FROM {_table(alias)} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    return Anchor(id=row[0], hash=row[1], database=database_name(alias),
                  at=timezone.now().isoformat(timespec="seconds"))


def _head_and(event_id: int | None, alias: str) -> tuple[Anchor | None, str | None]:
    """The newest event as an anchor and the stored hash of ``event_id``, in one query."""
    table = _table(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT id, hash FROM {table} WHERE id = (SELECT MAX(id) FROM {table})"
                       " OR id = %s", [event_id if event_id is not None else -1])
        rows = dict(cursor.fetchall())
    if not rows:
        return None, None
    newest_id = max(rows)
    head = Anchor(id=newest_id, hash=rows[newest_id], database=database_name(alias),
                  at=timezone.now().isoformat(timespec="seconds"))
    return head, (rows.get(event_id) if event_id is not None else None)


def stored_hash(event_id: int, alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """The stored hash of event ``event_id``; None when the database has no such event."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT hash FROM {_table(alias)} WHERE id = %s", [event_id])
        row = cursor.fetchone()
    return None if row is None else str(row[0])


#: The anchor's record is written in place, padded to this size (one disk sector).
RECORD = 512


def write(path: Path, anchor: Anchor) -> None:
    """Write the anchor (call under the exclusive lock): 0600 in a 0700 folder, one record
    written in place by a single ``pwrite`` — readers take the shared lock, so they never see
    half of it. (A temporary file and ``os.replace`` cost 3.5 ms per write on ext4, which
    flushes a file replaced by rename; this costs 0.04 ms.)"""
    data = json.dumps(anchor.as_dict(), ensure_ascii=False).encode("utf-8").ljust(RECORD)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.pwrite(descriptor, data, 0)
        os.ftruncate(descriptor, len(data))
    finally:
        os.close(descriptor)


class _Locked:
    """An ``flock`` on ``<anchor>.lock``: exclusive for the writers of several processes,
    shared for readers. Creates the anchor's folder 0700."""

    def __init__(self, path: Path, *, shared: bool = False) -> None:
        self.path = path.with_name(path.name + ".lock")
        self.mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX

    def __enter__(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.descriptor, self.mode)

    def __exit__(self, *exc: Any) -> None:
        fcntl.flock(self.descriptor, fcntl.LOCK_UN)
        os.close(self.descriptor)


def advance(alias: str = DEFAULT_DB_ALIAS, *, path: Path | None = None) -> Anchor | None:
    """Move the anchor to the newest committed event, if it is newer and the anchored event
    is still in the database unchanged. Returns the anchor written, or None."""
    path = path or anchor_path()
    if path is None:
        return None
    with _Locked(path):
        try:
            current = _read(path)
        except AnchorUnreadable:
            logger.error("audit anchor %s unreadable: left as it is", path)
            return None
        same = current is not None and current.database == database_name(alias)
        head, anchored = _head_and(current.id if same and current else None, alias)
        if head is None:
            return None
        if same and current is not None:
            if head.id <= current.id:
                return None  # nothing newer (or another process wrote a later one)
            if anchored != current.hash:
                logger.error("audit anchor %s: event %s is no longer in the database as "
                             "anchored; the anchor is not moved (run jiuzhu audit verify)",
                             path, current.id)
                return None
        write(path, head)
        return head


def reset(alias: str = DEFAULT_DB_ALIAS, *, path: Path | None = None) -> Anchor | None:
    """Set the anchor to the database's newest event whatever it was (after a restore, or a
    deliberate new database). Returns it (None: no event, the file is removed)."""
    path = path or anchor_path()
    if path is None:
        return None
    with _Locked(path):
        head = newest(alias)
        if head is None:
            path.unlink(missing_ok=True)
        else:
            write(path, head)
        return head


class _Advance:
    """The on-commit callback of a transaction that stored audit events (one per
    transaction: :func:`after_commit` looks for it among the pending callbacks)."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        try:
            advance(self.alias)
        except Exception:  # the transaction has committed: never fail the request for this
            logger.exception("audit anchor not written")


def after_commit(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Call in the transaction that stores an audit event: the anchor advances after the
    commit (once per transaction; nothing if it rolls back)."""
    if anchor_path() is None:
        return
    connection = connections[alias]
    pending = (entry[1] for entry in connection.run_on_commit)  # (savepoints, func, robust)
    if any(isinstance(func, _Advance) and not func.ran for func in pending):
        return
    transaction.on_commit(_Advance(alias), using=alias)


# --- jiuzhu backup / restore (core.backups hooks, registered in AuditConfig.ready) ----------


def backup_manifest(manifest: dict[str, Any]) -> None:
    """The anchor of the database about to be copied: its newest committed event, which the
    copy holds at least (``jiuzhu audit verify --anchor DIR/manifest.json``)."""
    head = newest()
    manifest["audit_anchor"] = head.as_dict() if head is not None else None


def after_restore(manifest: dict[str, Any]) -> None:
    """The restored database is older than the anchor: start again from its newest event."""
    reset()
