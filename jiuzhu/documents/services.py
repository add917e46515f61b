"""Issuing legal documents (出具法律文书): number, render, store, audit — in one transaction.

The workflow calls ``document_issue`` with the case (any model instance) and a plain
context dict (README.md, "Context"); this app never imports a workflow model.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region

from .catalogue import catalogue_entry
from .content import normalise_context, render_content
from .models import Document, DocumentCounter
from .pdf import content_pdf
from .selectors import document_get, document_verify, documents_for
from .specs import template_find
from .word import content_docx

__all__ = ["document_issue", "documents_for", "document_get", "document_verify",
           "document_number", "office_short_name", "office_default_name"]

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
    """The next number of the series, counted on a row locked until the transaction ends.

    Two transactions creating the same new counter meet on its unique constraint: the
    loser's savepoint rolls back and it then waits on the winner's row lock."""
    lookup = {"office": office, "series": series, "year": year}
    counter = DocumentCounter.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = DocumentCounter.objects.create(**lookup, last=0)
        except IntegrityError:
            counter = DocumentCounter.objects.select_for_update().get(**lookup)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


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
    """Issue document ``code`` (D01 … D24) on the case ``owner`` from ``office``.

    Takes the office's template (its own region folder, then its ancestors', then
    ``default``), numbers it in the office's yearly series, renders the PDF and the Word
    file, stores both with their SHA-256 and records an audit event. Issuing a code again
    for the same case makes the next version, with a new number; earlier versions stay.
    Missing context fields are left blank on the document and listed in
    ``missing_fields``. Raises ServiceError (VALIDATION) for an unknown code, an office
    that is not a township or county, an unsaved case or a broken template.
    """
    entry = catalogue_entry(code)
    if entry is None:
        raise ServiceError(ErrorCode.VALIDATION, f"没有文书代码 {code}",
                           [{"path": "code", "message": "应为 D01 至 D24"}])
    if getattr(office, "level", None) not in OFFICE_LEVELS:
        raise ServiceError(ErrorCode.VALIDATION, "出具单位应为乡镇（街道）或县级区划",
                           [{"path": "office", "message": "应为乡镇（街道）或县级区划"}])
    if owner is None or owner.pk is None:
        raise ServiceError(ErrorCode.VALIDATION, "文书所属案件尚未保存",
                           [{"path": "owner", "message": "应为已保存的对象"}])
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
    pdf_bytes = content_pdf(content, created=local)
    docx_bytes = content_docx(content)

    document = Document(
        content_type=content_type, object_id=str(owner.pk),
        region_path=getattr(owner, "region_path", "") or office.path,
        code=code, title=content.title[:100], version=previous + 1, number=number,
        series=entry.series, year=local.year, serial=serial, office=office,
        issued_at=issued_at, issued_by=actor if getattr(actor, "pk", None) else None,
        issued_by_name=getattr(actor, "username", "") or "system",
        template=spec.source, context=data, missing_fields=content.missing_fields,
        pdf_sha256=hashlib.sha256(pdf_bytes).hexdigest(),
        docx_sha256=hashlib.sha256(docx_bytes).hexdigest(),
    )
    try:
        document.pdf.save("document.pdf", ContentFile(pdf_bytes), save=False)
        document.docx.save("document.docx", ContentFile(docx_bytes), save=False)
        document.save()
        _read_only(document.pdf)
        _read_only(document.docx)
        audit_record(actor=actor, action="create", obj=document,
                     region_path=document.region_path,
                     detail={"document": code, "number": number, "version": document.version,
                             "owner": f"{content_type.app_label}.{content_type.model}:{owner.pk}",
                             "template": spec.source, "pdf_sha256": document.pdf_sha256,
                             "docx_sha256": document.docx_sha256,
                             "missing_fields": content.missing_fields})
    except Exception:
        for field in (document.pdf, document.docx):
            if field.name:
                field.storage.delete(field.name)
        raise
    return document
