"""#15 item 2: an import writing beside another writer and a reader, each on its own
connection, without a "database is locked" — the import's chunks are short transactions —
and the reader never sees part of the import (staged rows are invisible until the publish).

On SQLite the threads share a file database (a copy of the in-memory test database) with
a busy timeout of 1.5 s instead of 20 s, and each chunk of the import is slowed down (its
preparation outside the transaction and its write inside): an import holding the write
lock for its whole write (as before #15) fails this test. SQLite's lock is not fair: a
waiting writer gets in between two chunks because preparing a chunk (fields, encryption)
happens outside the transaction."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections

from jiuzhu.exchange import services
from jiuzhu.exchange.models import ImportJob
from jiuzhu.exchange.tests.workbooks import workbook_bytes
from jiuzhu.households.models import Household
from jiuzhu.households.selectors import household_search
from jiuzhu.households.services import household_register
from jiuzhu.testing import household_dict

pytestmark = pytest.mark.django_db(transaction=True)

IMPORTED = 60
REGISTERED = 6
BUSY_MS = 1500


def _own_connection(database: Path | None) -> None:
    """In this thread: its own connection (to the shared file on SQLite)."""
    if database is None:
        return
    from django.db.backends.sqlite3.base import DatabaseWrapper

    options = {**connection.settings_dict["OPTIONS"], "timeout": BUSY_MS / 1000,
               "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                f"PRAGMA busy_timeout={BUSY_MS};")}
    connections["default"] = DatabaseWrapper(
        {**connection.settings_dict, "NAME": str(database), "OPTIONS": options}, "default")


def test_an_import_beside_a_writer_and_a_reader(window_worker, monkeypatch, tmp_path):
    monkeypatch.setattr(services, "WRITE_CHUNK", 4)
    prepare, write = services._Stage.prepare, services._Stage.write

    def slow_prepare(stage, chunk):  # preparing a chunk (encryption …) takes as long as
        time.sleep(0.1)              # writing it, as with real chunks of 500 households
        return prepare(stage, chunk)

    def slow_write(stage, chunk):  # a slow disk: every chunk holds the lock a while
        write(stage, chunk)
        time.sleep(0.1)

    monkeypatch.setattr(services._Stage, "prepare", slow_prepare)
    monkeypatch.setattr(services._Stage, "write", slow_write)
    households = [household_dict(household_id=f"IMP{i:03d}") for i in range(IMPORTED)]
    job = ImportJob(created_by=window_worker, region=window_worker.region,
                    original_name="并发.xlsx", size=1)
    job.file.save("concurrent.xlsx", ContentFile(workbook_bytes(households)), save=False)
    job.save()

    database = None
    if connection.vendor == "sqlite":
        database = tmp_path / "shared.sqlite3"
        target = sqlite3.connect(database)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        loop = services._Writer._loop

        def shared_loop(writer):  # the import's writer thread: the shared file too
            _own_connection(database)
            loop(writer)

        monkeypatch.setattr(services._Writer, "_loop", shared_loop)

    importing = threading.Event()
    seen: list[tuple[int, int]] = []

    def run_import() -> Any:
        importing.set()
        try:
            return services.import_job_run(job_id=job.pk).status
        finally:
            importing.clear()

    def register() -> Any:
        importing.wait(timeout=30)
        done = []
        for i in range(REGISTERED):
            time.sleep(0.15)
            done.append(household_register(actor=window_worker,
                                           data=household_dict(household_id=f"ONE{i}")).pk)
        return done

    def read() -> Any:
        importing.wait(timeout=30)
        reads = 0
        while importing.is_set() or reads < 3:
            listed = household_search(user=window_worker)
            seen.append((listed.filter(household_id__startswith="IMP").count(),
                         listed.filter(household_id__startswith="ONE").count()))
            reads += 1
            time.sleep(0.02)
        return reads

    results = _together([run_import, register, read], database)

    assert results[0] == "done", results
    assert isinstance(results[1], list) and len(results[1]) == REGISTERED, results
    assert isinstance(results[2], int) and results[2] >= 3, results
    # the reader saw none of the import or all of it, never a part
    assert {imported for imported, _registered in seen} <= {0, IMPORTED}
    assert [registered for _imported, registered in seen] == sorted(r for _i, r in seen)
    if database is not None:  # what the threads wrote is in the shared file
        check = sqlite3.connect(database)
        [(count,)] = check.execute("SELECT count(*) FROM households_household "
                                   "WHERE staged_by IS NULL").fetchall()
        check.close()
        assert count == IMPORTED + REGISTERED
    else:
        assert Household.objects.count() == IMPORTED + REGISTERED


def _together(work: list[Callable[[], Any]], database: Path | None) -> list[Any]:
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        _own_connection(database)
        try:
            results[index] = work[index]()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            import traceback

            results[index] = (error, traceback.format_exc()[-1500:])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
