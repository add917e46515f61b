"""#14 item 8 for documents: a render whose worker died is found by the sweep of dead runs
(``core.jobs``), marked 生成失败 with nothing stored (the partial files it wrote removed),
and rendered again on 重新生成 from the document list — or by a download."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import models
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core import jobs
from jiuzhu.documents.examples import example_context
from jiuzhu.documents.models import Document, DocumentStatus, pdf_upload_to
from jiuzhu.documents.services import document_issue, document_render, documents_for

pytestmark = pytest.mark.django_db


def issue(actor, owner, office, code="D13"):
    """Issued; its render task not run (the on-commit callback of the tests' transaction)."""
    return document_issue(actor=actor, owner=owner, code=code, office=office,
                          context=example_context(code))


def began(document, minutes_ago):
    """Its render began ``minutes_ago`` (by a worker that is now gone, if long ago)."""
    Document.objects.render_begin(document.pk)
    models.QuerySet.update(Document.objects.filter(pk=document.pk),
                           render_started_at=timezone.now() - timedelta(minutes=minutes_ago))


def test_the_documents_sweep_is_registered():
    assert "documents_fail_stale" in {c.__name__ for c in jobs.stale_runs.callbacks}


def test_a_dead_render_is_failed_with_nothing_stored_live_ones_left(window_worker, case, tree,
                                                                    media_root):
    dead = issue(window_worker, case, tree["town1"])
    live = issue(window_worker, case, tree["town1"], code="D14")
    queued = issue(window_worker, case, tree["town1"], code="D12")  # no worker took it yet
    began(dead, 30)
    began(live, 1)
    partial = media_root / pdf_upload_to(dead, "")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"%PDF-1.7 half written")
    assert jobs.sweep() == 1
    dead.refresh_from_db()
    assert dead.status == DocumentStatus.FAILED and dead.is_failed
    assert "未保存任何文件" in dead.render_error and not dead.pdf and not dead.pdf_sm3
    assert not partial.exists()
    assert Document.objects.get(pk=live.pk).status == DocumentStatus.PENDING
    assert Document.objects.get(pk=queued.pk).status == DocumentStatus.PENDING
    assert jobs.sweep() == 0


def test_rendering_marks_its_start_and_a_ready_document_is_never_failed(window_worker, case,
                                                                       tree):
    document = issue(window_worker, case, tree["town1"])
    document_render(document.pk)
    document.refresh_from_db()
    assert document.is_ready and document.render_started_at is not None
    models.QuerySet.update(Document.objects.filter(pk=document.pk),
                           render_started_at=timezone.now() - timedelta(hours=1))
    assert jobs.sweep() == 0
    assert Document.objects.get(pk=document.pk).is_ready


def test_the_list_offers_rerender_which_renders_it_again(client, password, window_worker,
                                                         other_window_worker, case, tree,
                                                         django_capture_on_commit_callbacks):
    document = issue(window_worker, case, tree["town1"])
    began(document, 30)
    jobs.sweep()
    request = RequestFactory().get("/households/1/")
    request.user = window_worker
    html = render_to_string("documents/_list.html", {"documents": documents_for(case)},
                            request=request)
    assert 'data-status="failed"' in html and "生成失败" in html and "重新生成" in html
    assert f"/documents/{document.pk}/rerender/" in html

    url = f"/documents/{document.pk}/rerender/"
    client.login(username=other_window_worker.username, password=password)
    assert client.post(url, {"next": "/"}).status_code == 404  # another township's
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.FAILED
    client.login(username=window_worker.username, password=password)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    document.refresh_from_db()
    assert document.is_ready and document.pdf_sm3 and not document.render_error
    assert AuditEvent.objects.filter(action="render", object_id=str(document.pk),
                                     detail__step="restart").exists()
    # A ready document is not rendered again.
    answer = client.post(url, {"next": "/households/"}, follow=True)
    assert "无需重新生成" in answer.content.decode()


def test_a_download_renders_a_failed_document(client, password, window_worker, case, tree):
    document = issue(window_worker, case, tree["town1"])
    began(document, 30)
    jobs.sweep()
    client.login(username=window_worker.username, password=password)
    answer = client.get(f"/documents/{document.pk}/download/?format=pdf")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    assert Document.objects.get(pk=document.pk).is_ready
