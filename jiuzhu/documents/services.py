"""Issuing legal documents (出具法律文书): number and word them in the step's transaction,
render their files after it commits.

The workflow calls ``document_issue`` with the case (any model instance) and a plain
context dict (README.md, "Context"); this app never imports a workflow model.
``document_issue`` takes the number from the office's counter, words the document from its
template (cheap) and stores it as *pending*; the PDF and the Word file (about a second
each document) are made by ``document_render`` in the task worker once the transaction has
committed, or by the first download if that comes sooner — never under the case's lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.digests import digests
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.numbers import counter_next
from jiuzhu.regions.models import Region

from .catalogue import catalogue_entry
from .content import content_from_dict, content_to_dict, normalise_context, render_content
from .models import Document, DocumentStatus, docx_upload_to, pdf_upload_to
from .pdf import content_pdf
from .selectors import document_get, document_verify, documents_for
from .specs import template_find
from .word import content_docx

__all__ = ["document_issue", "document_render", "document_ready", "document_file",
           "documents_fail_stale", "document_rerender",
           "documents_for", "document_get", "document_verify", "document_number",
           "office_short_name", "office_default_name"]

logger = logging.getLogger(__name__)

OFFICE_LEVELS = ("township", "county")


def _now() -> datetime:
    """The issuing moment (a function so tests can move it to another year)."""
    return timezone.now()


def _county(office: Region) -> Region:
    if office.level == "county" or office.parent is None:
        return office
    return office.parent


def office_short_name(office: Region) -> str:
    """The office as it heads a number: 示范县第1镇 for a township, 示范县 for a county."""
    if office.level == "township" and office.parent is not None:
        parent = office.parent.name
        return office.name if office.name.startswith(parent) else parent + office.name
    return office.name


def office_default_name(office: Region) -> str:
    """The issuing body when the context does not name it."""
    if office.level == "township":
        return f"{office_short_name(office)}人民政府"
    return f"{office.name}民政局"


def document_number(*, office: Region, series: str, year: int, serial: int) -> str:
    """示范县第1镇民低〔2026〕第0001号."""
    return f"{office_short_name(office)}{series}〔{year}〕第{serial:04d}号"


def _next_serial(office: Region, series: str, year: int) -> int:
    """The next number of the office's yearly series, from its counter row (locked until
    the transaction ends, so numbers never skip or repeat)."""

    def highest() -> int:
        return Document.objects.filter(office=office, series=series, year=year) \
            .aggregate(m=Max("serial"))["m"] or 0

    return counter_next(f"documents:{office.code}:{series}:{year}", start=highest)


def _lock_owner(owner: models.Model) -> None:
    """Serialise the documents of one case, so two versions never get the same number."""
    type(owner)._default_manager.select_for_update().filter(pk=owner.pk).exists()


def _context(context: dict[str, Any], *, office: Region, document: dict[str, Any],
             today: str) -> dict[str, Any]:
    data = normalise_context(dict(context or {}))
    data.setdefault("today", today)
    office_data = data.get("office") if isinstance(data.get("office"), dict) else {}
    data["office"] = {"name": office_default_name(office), **office_data}
    county = _county(office)
    appeal = data.get("appeal") if isinstance(data.get("appeal"), dict) else {}
    data["appeal"] = {"reconsideration_body": f"{county.name}人民政府",
                      "court": f"{county.name}人民法院", **appeal}
    data["document"] = document
    return data


def _read_only(field) -> None:
    # A storage without local paths keeps its files immutable by its own means.
    with contextlib.suppress(NotImplementedError, AttributeError, OSError):
        os.chmod(field.path, 0o444)


@transaction.atomic
def document_issue(*, actor: Any, owner: models.Model, code: str, office: Region,
                   context: dict[str, Any]) -> Document:
    """Issue document ``code`` (D01 … D27, the codes of ``catalogue.yaml``) on the case ``owner`` from ``office``.

    Takes the office's template (its own region folder, then its ancestors', then
    ``default``), numbers it in the office's yearly series, words it from the context
    (``content``; missing context fields are left blank and listed in
    ``missing_fields``) and records an audit event — all in the caller's transaction.
    The document is *pending*: its PDF and Word files are rendered after the transaction
    commits (``document_render`` in the task worker; a download renders it sooner).
    Issuing a code again for the same case makes the next version, with a new number;
    earlier versions stay. Raises ServiceError (VALIDATION) for an unknown code, an office
    that is not a township or county, an unsaved case or a broken template.
    """
    entry = catalogue_entry(code)
    if entry is None:
        raise ServiceError(ErrorCode.VALIDATION, _("没有文书代码 %(code)s") % {"code": code},
                           [{"path": "code", "message": _("应为文书目录中的文书代码（如 D01）")}])
    if getattr(office, "level", None) not in OFFICE_LEVELS:
        raise ServiceError(ErrorCode.VALIDATION, _("出具单位应为乡镇（街道）或县级区划"),
                           [{"path": "office", "message": _("应为乡镇（街道）或县级区划")}])
    if owner is None or owner.pk is None:
        raise ServiceError(ErrorCode.VALIDATION, _("文书所属案件尚未保存"),
                           [{"path": "owner", "message": _("应为已保存的对象")}])
    spec = template_find(code, office)

    _lock_owner(owner)
    issued_at = _now()
    local = timezone.localtime(issued_at)
    serial = _next_serial(office, entry.series, local.year)
    content_type = ContentType.objects.get_for_model(owner, for_concrete_model=False)
    previous = (Document.objects.filter(content_type=content_type, object_id=str(owner.pk),
                                        code=code).aggregate(v=Max("version"))["v"] or 0)
    number = document_number(office=office, series=entry.series, year=local.year,
                             serial=serial)
    data = _context(context, office=office, today=local.date().isoformat(), document={
        "code": code, "number": number, "version": previous + 1, "title": entry.title,
        "issued_at": local.isoformat(timespec="seconds"),
    })
    content = render_content(spec, data)
    document = Document(
        content_type=content_type, object_id=str(owner.pk),
        region_path=getattr(owner, "region_path", "") or office.path,
        code=code, title=content.title[:100], version=previous + 1, number=number,
        series=entry.series, year=local.year, serial=serial, office=office,
        issued_at=issued_at, issued_by=actor if getattr(actor, "pk", None) else None,
        issued_by_name=getattr(actor, "username", "") or "system",
        template=spec.source, context=data, missing_fields=content.missing_fields,
        content=content_to_dict(content), status=DocumentStatus.PENDING,
    )
    document.save()
    audit_record(actor=actor, action="create", obj=document,
                 region_path=document.region_path,
                 detail={"document": code, "number": number, "version": document.version,
                         "owner": f"{content_type.app_label}.{content_type.model}:{owner.pk}",
                         "template": spec.source, "missing_fields": content.missing_fields})
    pk = document.pk
    transaction.on_commit(lambda: _render_later(pk), robust=True)
    return document


def _render_later(document_id: int) -> None:
    from .tasks import document_render_task

    document_render_task.enqueue(document_id=document_id)


def document_render(document_id: int) -> Document:
    """Render the PDF and the Word file of a pending document and store them with their
    SHA-256 (once: a ready document is returned as it is); the ready document.

    On PostgreSQL the document's row is locked while it renders, so two renderers (the task
    and a download) never render it twice; only that row, never the case. SQLite locks the
    whole database for a writing transaction, so there the files are rendered first and
    stored in a short transaction only if nobody stored them meanwhile.

    Its start is marked first, in its own commit (``render_started_at``; a failed document
    is pending again): a renderer that dies leaves it pending with that mark, which
    :func:`documents_fail_stale` finds."""
    Document.objects.render_begin(document_id)  # committed first unless in a transaction
    if connection.features.has_select_for_update:
        with transaction.atomic():
            document = Document.objects.select_for_update().get(pk=document_id)
            if not document.is_ready:
                _render_and_store(document)
    else:
        document = Document.objects.get(pk=document_id)
        if not document.is_ready:
            _render_and_store(document)
    return Document.objects.select_related("issued_by", "office").get(pk=document_id)


def documents_fail_stale(*, before: datetime) -> int:
    """Mark failed the documents whose render began before ``before`` and never stored its
    files: the worker died (registered on ``core.jobs.stale_runs``). Nothing of theirs was
    stored; the files a dead render had written are removed. The document list shows
    生成失败 with 重新生成 (:func:`document_rerender`); a download renders it too."""
    count = 0
    stale = (Document.objects.filter(status=DocumentStatus.PENDING,
                                     render_started_at__lt=before).only("pk", "uuid", "year"))
    for document in stale:
        error = _("生成文件的工作进程中断：未保存任何文件，可重新生成")
        if not Document.objects.render_failed(document.pk, before=before, error=error):
            continue  # stored, or begun again, meanwhile
        count += 1
        for field, name in (("pdf", pdf_upload_to(document, "")),
                            ("docx", docx_upload_to(document, ""))):
            storage = Document._meta.get_field(field).storage  # type: ignore[union-attr]
            with contextlib.suppress(OSError):
                if storage.exists(name):
                    storage.delete(name)
                    logger.warning("document %s: partial file %s of a dead render removed",
                                   document.pk, name)
    return count


def document_rerender(*, actor: Any, document: Document) -> Document:
    """重新生成: a document whose render failed waits for the task worker again (audited).
    NOT_FOUND for a document the actor may not see; 409 for one that is ready."""
    from .permissions import owner_visible

    if not owner_visible(actor, document.owner):
        raise ServiceError(ErrorCode.NOT_FOUND, _("没有该文书"))
    if not Document.objects.render_requeue(document.pk):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该文书的文件已生成，无需重新生成"))
    audit_record(actor=actor, action="render", obj=document, region_path=document.region_path,
                 detail={"document": document.code, "number": document.number,
                         "version": document.version, "step": "restart",
                         "error": document.render_error})
    pk = document.pk
    transaction.on_commit(lambda: _render_later(pk), robust=True)
    document.refresh_from_db()
    return document


def document_ready(document: Document) -> Document:
    """``document`` with its files (rendered now when it is still pending)."""
    return document if document.is_ready else document_render(document.pk)


def document_file(document: Document, file_format: str) -> FieldFile:
    """The stored PDF (``"pdf"``) or Word file (``"docx"``) of ``document``, rendered on
    demand when the worker has not done it yet."""
    document = document_ready(document)
    return document.pdf if file_format == "pdf" else document.docx


def _render_and_store(document: Document) -> bool:
    content = content_from_dict(document.content)
    created = timezone.localtime(document.issued_at)
    pdf_bytes = content_pdf(content, created=created)
    docx_bytes = content_docx(content)
    stored = False
    try:
        document.pdf.save("document.pdf", ContentFile(pdf_bytes), save=False)
        document.docx.save("document.docx", ContentFile(docx_bytes), save=False)
        pdf_sm3, pdf_sha256 = digests(pdf_bytes)
        docx_sm3, docx_sha256 = digests(docx_bytes)
        files = {"pdf": document.pdf.name, "pdf_sha256": pdf_sha256, "pdf_sm3": pdf_sm3,
                 "docx": document.docx.name, "docx_sha256": docx_sha256, "docx_sm3": docx_sm3}
        with transaction.atomic():
            claimed = Document.objects.store_files(document.pk, rendered_at=timezone.now(),
                                                   **files)
            if claimed:
                audit_record(actor=SYSTEM, action="render", obj=document,
                             region_path=document.region_path,
                             detail={"document": document.code, "number": document.number,
                                     "version": document.version,
                                     "pdf_sm3": pdf_sm3, "pdf_sha256": pdf_sha256,
                                     "docx_sm3": docx_sm3, "docx_sha256": docx_sha256})
        stored = claimed  # committed (or part of the caller's transaction)
    finally:
        if not stored:  # failed, or another renderer stored its files first
            for field in (document.pdf, document.docx):
                if field.name:
                    field.storage.delete(field.name)
    if stored:
        _read_only(document.pdf)
        _read_only(document.docx)
    return stored


#: public name for the demo history (the same function)
full_context = _context
