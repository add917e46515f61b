"""The SM3 hash chain of the audit events (GB/T 39786): every event stores ``prev_hash``,
the hash of the event before it (by id), and ``hash`` = SM3 over the canonical serialisation
of its own fields and ``prev_hash`` (sorted-key JSON, UTF-8). A changed, deleted, inserted or
reordered row breaks the chain from that row on; ``jiuzhu audit verify`` finds the first.

Two writers never fork the chain: linking takes the chain lock for the rest of the
transaction that inserts the event — on PostgreSQL a transaction-level advisory lock, taken
and followed by the read of the last hash in one round trip (two statements, so the read
sees what the previous holder committed); SQLite writes one transaction at a time
(``transaction_mode`` IMMEDIATE), so reading the last hash is enough."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections, router

from jiuzhu.core.digests import sm3_hex

if TYPE_CHECKING:
    from .models import AuditEvent

#: The fields the hash covers, besides ``prev_hash`` (``actor`` by its id).
FIELDS = ("at", "actor_id", "actor_name", "action", "object_type", "object_id",
          "object_repr", "region_path", "ip", "user_agent", "path", "detail")
#: The key of the PostgreSQL advisory lock of the chain ("SM3 audit").
LOCK_KEY = 0x534D3341
#: The hash before the first event.
GENESIS = ""


def _canonical_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "at":
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if name == "ip":
        return str(ipaddress.ip_address(value))
    if name == "detail":
        return json.loads(json.dumps(value))
    return value


def canonical(values: Mapping[str, Any], prev_hash: str) -> bytes:
    """The bytes hashed for one event: its fields (``FIELDS``) and ``prev_hash`` as JSON with
    sorted keys, no spaces, UTF-8."""
    doc = {name: _canonical_value(name, values[name]) for name in FIELDS}
    doc["prev_hash"] = prev_hash
    return json.dumps(doc, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def event_hash(values: Mapping[str, Any], prev_hash: str) -> str:
    return sm3_hex(canonical(values, prev_hash))


def _last_hash(event: AuditEvent) -> str:
    """The hash of the last event, with the chain locked until the transaction ends."""
    model = type(event)
    alias = router.db_for_write(model, instance=event)
    connection = connections[alias]
    table = connection.ops.quote_name(model._meta.db_table)
    last = f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT pg_advisory_xact_lock({LOCK_KEY}); {last}")
            cursor.nextset()
        else:
            cursor.execute(last)
        row = cursor.fetchone()
    return row[0] if row else GENESIS


def link(event: AuditEvent) -> None:
    """Give a new event its place in the chain (call inside the inserting transaction)."""
    if event.at is None:
        from django.utils import timezone

        event.at = timezone.now()
    # What is stored is what was hashed: JSON round trip (tuples become lists, …).
    event.detail = json.loads(json.dumps(event.detail or {}))
    event.prev_hash = _last_hash(event)
    values = {name: getattr(event, name) for name in FIELDS}
    event.hash = event_hash(values, event.prev_hash)


# --- verification ----------------------------------------------------------------------------


@dataclass
class Break:
    """The first event where the chain does not hold."""

    event_id: int
    reason: str


def rows(model: Any, chunk: int = 5000) -> Iterator[dict[str, Any]]:
    """Every event as a dict of its stored fields, in id order, ``chunk`` at a time."""
    names = ("id", *FIELDS, "prev_hash", "hash")
    after = 0
    while True:
        batch = list(model.objects.order_by("id").filter(id__gt=after)
                     .values(*names)[:chunk])
        if not batch:
            return
        yield from batch
        after = batch[-1]["id"]


def verify(model: Any, *, chunk: int = 5000,
           progress: Any = None) -> tuple[int, Break | None]:
    """Walk the chain in id order: (events checked, the first break or None).
    ``progress(n)`` is called after every ``chunk`` events."""
    expected_prev = GENESIS
    count = 0
    for row in rows(model, chunk):
        if row["prev_hash"] != expected_prev:
            return count, Break(row["id"], "prev")
        if event_hash(row, row["prev_hash"]) != row["hash"]:
            return count, Break(row["id"], "hash")
        expected_prev = row["hash"]
        count += 1
        if progress is not None and count % chunk == 0:
            progress(count)
    return count, None
