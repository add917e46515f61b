"""The read replica of reports and dashboards (``DATABASE_REPLICA_URL``, README "Deployment").

When the setting is given, ``settings.DATABASES`` holds a second alias, ``replica`` (a
PostgreSQL streaming replica of ``default``), and :class:`PrimaryReplicaRouter` is installed.
What reads from it is chosen explicitly, never by model: the dashboard's and the 月报's stored
figures (``.using(replica_alias())``) and the figures computed live for a page (inside
:func:`on_replica`). Everything else reads and every write goes to ``default`` — a page never
reads back through the replica what it has just written, and the replica's lag (normally
well under a second) only delays a freshly refreshed snapshot by that much.

Without the setting, :func:`replica_alias` is ``"default"``, :func:`on_replica` does nothing and
no router is installed: nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

#: The alias of the read replica in ``settings.DATABASES``.
REPLICA = "replica"

_reading_reports: ContextVar[bool] = ContextVar("jiuzhu_reading_reports", default=False)


def replica_alias() -> str:
    """``"replica"`` when a read replica is configured, else ``"default"``."""
    return REPLICA if REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS


@contextmanager
def on_replica() -> Iterator[str]:
    """Within the block, reads without an explicit ``using`` go to the replica (when there is
    one); writes still go to ``default``. For computing report figures only: nothing inside
    may expect to read what it wrote."""
    token = _reading_reports.set(True)
    try:
        yield replica_alias()
    finally:
        _reading_reports.reset(token)


class PrimaryReplicaRouter:
    """Writes and migrations: ``default``. Reads: ``default``, or the replica inside
    :func:`on_replica`; an object read from the replica keeps reading its relations there
    (Django's instance hint) and is saved to ``default``."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading_reports.get():
            return replica_alias()
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        known = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in known and obj2._state.db in known:
            return True  # the same data: the replica is a copy of default
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None,
                      **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica follows default's schema by replication
