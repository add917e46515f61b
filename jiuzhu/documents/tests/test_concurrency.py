"""Documents issued and downloaded by many at once on PostgreSQL (skipped on SQLite, which
runs one writing transaction at a time): distinct numbers, and one rendering per document."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from jiuzhu.audit.models import AuditEvent
from jiuzhu.documents import services
from jiuzhu.documents.examples import example_context
from jiuzhu.documents.models import Document
from jiuzhu.documents.services import document_file, document_issue
from jiuzhu.regions.services import region_get_or_create

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 10


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("races between concurrent transactions need PostgreSQL (row locks); "
                    "SQLite runs one writing transaction at a time")


def at_once(work: Callable[[int], object], count: int = THREADS) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def issue(actor, owner, office, code="D13"):
    return document_issue(actor=actor, owner=owner, code=code, office=office,
                          context=example_context(code))


def test_ten_documents_issued_at_once_get_ten_numbers(window_worker, tree, monkeypatch):
    monkeypatch.setattr(services, "_render_later", lambda pk: None)  # numbering only
    owners = [region_get_or_create(code=f"990102001{n:03d}", name=f"村{n}", level="village",
                                   parent=tree["town1"]) for n in range(100, 100 + THREADS)]

    results = at_once(lambda i: issue(window_worker, owners[i], tree["town1"]))

    assert all(isinstance(r, Document) for r in results), results
    serials = sorted(Document.objects.values_list("serial", flat=True))
    assert serials == list(range(1, THREADS + 1))
    assert len(set(Document.objects.values_list("number", flat=True))) == THREADS


def test_ten_versions_of_one_case_issued_at_once(window_worker, tree, monkeypatch):
    monkeypatch.setattr(services, "_render_later", lambda pk: None)
    owner = tree["village1"]

    results = at_once(lambda i: issue(window_worker, owner, tree["town1"], "D11"))

    assert all(isinstance(r, Document) for r in results), results
    versions = sorted(Document.objects.values_list("version", flat=True))
    assert versions == list(range(1, THREADS + 1))
    assert sorted(Document.objects.values_list("serial", flat=True)) == versions


def test_ten_downloads_of_a_pending_document_render_it_once(window_worker, tree, monkeypatch,
                                                            settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(services, "_render_later", lambda pk: None)  # the worker is late
    pending = issue(window_worker, tree["village1"], tree["town1"])
    assert not pending.is_ready

    def download(_i):
        with document_file(Document.objects.get(pk=pending.pk), "pdf").open("rb") as handle:
            return handle.read()

    results = at_once(download)

    assert all(isinstance(r, bytes) and r.startswith(b"%PDF") for r in results), results
    assert len(set(results)) == 1
    assert AuditEvent.objects.filter(action="render", object_id=str(pending.pk)).count() == 1
    assert len([p for p in (tmp_path / "media").rglob("*") if p.is_file()]) == 2
