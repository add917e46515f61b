"""Issuing documents: numbering, versions, storage, immutability, template lookup."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.digests import sm3_hex
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.models import Counter
from jiuzhu.documents import services
from jiuzhu.documents.examples import example_context
from jiuzhu.documents.models import Document, DocumentStatus
from jiuzhu.documents.services import (
    document_get,
    document_issue,
    document_render,
    document_verify,
    documents_for,
)
from jiuzhu.regions.services import region_get_or_create

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def issue(actor, owner, office, code="D13", **extra):
    return document_issue(actor=actor, owner=owner, code=code, office=office,
                          context=example_context(code) | extra)


def rendered(actor, owner, office, code="D13", **extra):
    """Issued and rendered, as the task worker does after the step's transaction."""
    return document_render(issue(actor, owner, office, code, **extra).pk)


def test_issue_numbers_and_words_in_the_transaction_and_renders_after_commit(
        window_worker, case, tree, media_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pending = issue(window_worker, case, tree["town1"])
        # Inside the step's transaction: numbered and worded, no file rendered yet.
        assert pending.status == DocumentStatus.PENDING and not pending.pdf
        assert pending.content["number"] == pending.number
        assert pending.content["title"] == "准予最低生活保障决定书"
        assert not list(media_root.rglob("*.pdf"))
    assert len(callbacks) == 1
    callbacks[0]()  # the commit enqueues the rendering task (run at once in the tests)
    document = Document.objects.get(pk=pending.pk)
    assert document.status == DocumentStatus.READY and document.rendered_at is not None
    year = document.issued_at.astimezone().year
    assert document.number == f"示范县第1镇民低〔{year}〕第0001号"
    assert (document.code, document.version, document.title) == ("D13", 1, "准予最低生活保障决定书")
    assert document.owner == case and document.office == tree["town1"]
    assert document.issued_by == window_worker
    assert document.template == "default/D13.yaml"
    assert document.missing_fields == []
    assert document.pdf.name == f"documents/{year}/{document.uuid}.pdf"
    assert document.docx.name == f"documents/{year}/{document.uuid}.docx"
    assert (media_root / document.pdf.name).is_file()
    pdf = (media_root / document.pdf.name).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == document.pdf_sha256
    assert sm3_hex(pdf) == document.pdf_sm3 and len(document.docx_sm3) == 64
    assert document.number in pdf_text(pdf)
    assert document.context["document"]["number"] == document.number
    events = AuditEvent.objects.filter(object_type="documents.document",
                                       object_id=str(document.pk)).order_by("pk")
    assert [e.action for e in events] == ["create", "render"]
    assert events[0].actor == window_worker and events[0].detail["number"] == document.number
    assert events[0].region_path == case.region_path
    assert events[1].actor_name == "system"
    assert events[1].detail["pdf_sha256"] == document.pdf_sha256
    assert events[1].detail["docx_sha256"] == document.docx_sha256
    assert events[1].detail["pdf_sm3"] == document.pdf_sm3


def test_rendering_twice_renders_once(window_worker, case, tree, media_root):
    document = rendered(window_worker, case, tree["town1"])
    again = document_render(document.pk)
    assert (again.pdf.name, again.pdf_sha256) == (document.pdf.name, document.pdf_sha256)
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 2
    assert AuditEvent.objects.filter(action="render").count() == 1
    # The one change a document gets is from pending to ready.
    assert not Document.objects.store_files(document.pk, pdf_sha256="0" * 64)
    assert Document.objects.get(pk=document.pk).pdf_sha256 == document.pdf_sha256


def test_files_show_the_wording_of_the_day_of_issue(window_worker, case, tree, monkeypatch):
    document = issue(window_worker, case, tree["town1"])
    # A template changed after the issue does not change a document issued before.
    monkeypatch.setattr(services, "template_find", lambda *a, **k: pytest.fail("re-read"))
    text = pdf_text(document_render(document.pk).pdf.read())
    assert "准予最低生活保障决定书" in text and document.number in text


def test_numbers_are_sequential_per_office_and_series(window_worker, case, tree):
    numbers = [issue(window_worker, case, tree["town1"], "D13").serial for _ in range(20)]
    assert numbers == list(range(1, 21))
    assert issue(window_worker, case, tree["town1"], "D01").serial == 1  # another series
    assert issue(window_worker, case, tree["town2"], "D13").serial == 1  # another office
    county = issue(window_worker, case, tree["county"], "D13")
    assert county.number.startswith("示范县民低〔") and county.serial == 1
    year = timezone.localdate().year
    assert Counter.objects.get(key=f"documents:{tree['town1'].code}:民低:{year}").value == 20
    assert Document.objects.filter(office=tree["town1"], series="民低").count() == 20
    assert len(set(Document.objects.values_list("number", flat=True))) == Document.objects.count()


def test_numbering_restarts_each_year(window_worker, case, tree, monkeypatch):
    monkeypatch.setattr(services, "_now", lambda: datetime(2026, 12, 31, 3, 0, tzinfo=UTC))
    last_2026 = [issue(window_worker, case, tree["town1"]) for _ in range(2)][-1]
    monkeypatch.setattr(services, "_now", lambda: datetime(2027, 1, 4, 3, 0, tzinfo=UTC))
    first_2027 = rendered(window_worker, case, tree["town1"])
    assert last_2026.number == "示范县第1镇民低〔2026〕第0002号"
    assert first_2027.number == "示范县第1镇民低〔2027〕第0001号"
    assert first_2027.pdf.name.startswith("documents/2027/")


def test_issuing_again_makes_a_new_version_with_a_new_number(window_worker, case, tree):
    first = issue(window_worker, case, tree["town1"], "D11")
    second = issue(window_worker, case, tree["town1"], "D11",
                   objections=[{"on": "2026-03-02", "founded": True, "return_to": "investigation",
                                "note": "反映该户有经营性收入"}])
    assert (first.version, second.version) == (1, 2)
    assert first.number != second.number
    assert document_get(owner=case, code="D11") == second
    assert document_get(owner=case, code="D11", version=1) == first
    with pytest.raises(ServiceError) as error:
        document_get(owner=case, code="D11", version=3)
    assert error.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(ServiceError):
        document_get(owner=case, code="D14")


def test_documents_for_lists_the_latest_of_each_code_with_all_versions(
        window_worker, case, tree, django_assert_num_queries):
    issue(window_worker, case, tree["town1"], "D13")
    d11 = [issue(window_worker, case, tree["town1"], "D11") for _ in range(3)]
    other = issue(window_worker, tree["village1"], tree["town1"], "D11")  # another owner
    with django_assert_num_queries(1):  # issued_by and office joined; content type cached
        listed = documents_for(case)
    assert [(d.code, d.version) for d in listed] == [("D11", 3), ("D13", 1)]
    assert [d.version for d in listed[0].versions] == [3, 2, 1]
    assert listed[0].versions[2] == d11[0]
    assert other not in listed[0].versions


def test_verify_recomputes_the_stored_hashes(window_worker, case, tree, media_root):
    assert not document_verify(issue(window_worker, case, tree["town1"]))  # no files yet
    document = rendered(window_worker, case, tree["town1"])
    assert document_verify(document)
    path = media_root / document.docx.name
    path.chmod(0o644)  # stored read-only; tamper as an attacker with the right would
    path.write_bytes(path.read_bytes() + b"x")
    assert not document_verify(Document.objects.get(pk=document.pk))
    path.unlink()
    assert not document_verify(document)


def test_verify_also_checks_the_sm3(window_worker, case, tree, media_root):
    document = rendered(window_worker, case, tree["town1"])
    assert document_verify(document)
    # A record whose SM3 does not match the file is caught even where the SHA-256 matches.
    raw_update = models.QuerySet.update  # as a tamperer with SQL would
    raw_update(Document.objects.filter(pk=document.pk), pdf_sm3="0" * 64)
    assert not document_verify(Document.objects.get(pk=document.pk))
    # A document rendered before SM3 was kept is checked by its SHA-256 alone.
    raw_update(Document.objects.filter(pk=document.pk), pdf_sm3="", docx_sm3="")
    assert document_verify(Document.objects.get(pk=document.pk))


def test_stored_files_are_read_only(window_worker, case, tree, media_root):
    document = rendered(window_worker, case, tree["town1"])
    assert (media_root / document.pdf.name).stat().st_mode & 0o222 == 0


def test_a_document_can_be_neither_changed_nor_deleted(window_worker, case, tree):
    document = rendered(window_worker, case, tree["town1"])
    document.title = "改过的标题"
    with pytest.raises(PermissionError):
        document.save()
    with pytest.raises(PermissionError):
        document.delete()
    with pytest.raises(PermissionError):
        Document.objects.filter(pk=document.pk).update(title="x")
    with pytest.raises(PermissionError):
        Document.objects.filter(pk=document.pk).delete()
    assert Document.objects.get(pk=document.pk).title == "准予最低生活保障决定书"


def test_the_region_folder_wins_over_default_walking_up_the_tree(window_worker, case, tree):
    township = issue(window_worker, case, tree["town1"], "D01")  # 990102001 → 990102/
    assert township.template == "990102/D01.yaml"
    assert township.title == "示范县最低生活保障申请告知书"
    assert issue(window_worker, case, tree["county"], "D01").template == "990102/D01.yaml"
    assert issue(window_worker, case, tree["town1"], "D02").template == "default/D02.yaml"
    other_county = region_get_or_create(code="990103", name="样板县", level="county",
                                        parent=tree["city"])
    other_town = region_get_or_create(code="990103001", name="东关镇", level="township",
                                      parent=other_county)
    elsewhere = issue(window_worker, case, other_town, "D01")
    assert elsewhere.template == "default/D01.yaml"
    assert elsewhere.title == "最低生活保障申请告知书"
    assert elsewhere.number.startswith("样板县东关镇民低受〔")


def test_missing_fields_are_stored_and_defaults_filled(window_worker, case, tree):
    document = document_issue(actor=window_worker, owner=case, code="D14", office=tree["town2"],
                              context={"applicant": {"name": "王五"}})
    assert "reasons" in document.missing_fields and "case.number" in document.missing_fields
    assert "office.name" not in document.missing_fields  # derived from the office
    assert document.context["office"]["name"] == "示范县第2镇人民政府"
    assert document.context["appeal"] == {"reconsideration_body": "示范县人民政府",
                                          "court": "示范县人民法院"}
    text = pdf_text(document_render(document.pk).pdf.read())
    assert "王五" in text and "＿＿＿＿" in text


@pytest.mark.parametrize(("code", "office_key", "message"), [
    ("D99", "town1", "没有文书代码"),
    ("D13", "village1", "乡镇（街道）或县级"),
])
def test_refusals(window_worker, case, tree, code, office_key, message):
    with pytest.raises(ServiceError) as error:
        issue(window_worker, case, tree[office_key], code)
    assert error.value.code == ErrorCode.VALIDATION and message in error.value.message
    assert not Document.objects.exists()
    assert not Counter.objects.filter(key__startswith="documents:").exists()


def test_a_failed_issue_leaves_no_number_used(window_worker, case, tree, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        issue(window_worker, case, tree["town1"])
    assert not Document.objects.exists()
    assert not Counter.objects.filter(key__startswith="documents:", value__gt=0).exists()
    monkeypatch.undo()
    assert issue(window_worker, case, tree["town1"]).serial == 1


def test_a_failed_rendering_leaves_the_document_pending_and_no_file(
        window_worker, case, tree, monkeypatch, media_root):
    document = issue(window_worker, case, tree["town1"])

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken)  # after the files were written
    with pytest.raises(RuntimeError):
        document_render(document.pk)
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.PENDING
    assert [p for p in media_root.rglob("*") if p.is_file()] == []
    monkeypatch.undo()
    assert document_render(document.pk).is_ready


def test_the_owner_is_stored_as_a_generic_relation(window_worker, case, tree):
    document = issue(window_worker, tree["village1"], tree["town1"])
    assert document.content_type == ContentType.objects.get_for_model(tree["village1"])
    assert document.object_id == str(tree["village1"].pk)
    assert document.owner == tree["village1"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_skip_or_repeat_a_number(window_worker, tree):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    from django.db import connections

    owners = [region_get_or_create(code=f"990102001{n:03d}", name=f"村{n}", level="village",
                                   parent=tree["town1"]) for n in range(2, 10)]
    errors: list[BaseException] = []

    def work(owner):
        try:
            for _ in range(3):
                issue(window_worker, owner, tree["town1"])
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(owner,)) for owner in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(Document.objects.filter(office=tree["town1"]).values_list("serial", flat=True))
    assert serials == list(range(1, len(owners) * 3 + 1))
