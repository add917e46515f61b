"""Reads of issued documents (法律文书查询)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from jiuzhu.core.digests import digests_of_stream
from jiuzhu.core.errors import ErrorCode, ServiceError

from .models import Document


def documents_for(owner: models.Model) -> list[Document]:
    """The latest version of each document of a case, in code order (D01 … D24). Each
    carries ``versions``: all its versions, newest first (itself included). One query."""
    documents = list(Document.objects.for_owner(owner)
                     .select_related("issued_by", "office").order_by("code", "-version"))
    latest: dict[str, Document] = {}
    for document in documents:
        head = latest.setdefault(document.code, document)
        if head is document:
            head.versions = []  # type: ignore[attr-defined]
        head.versions.append(document)  # type: ignore[attr-defined]
        document.is_latest = head is document  # type: ignore[attr-defined]
    return list(latest.values())


def document_get(*, owner: models.Model, code: str, version: int | None = None) -> Document:
    """The latest version of ``code`` for the case, or version ``version``; ServiceError
    NOT_FOUND when there is none."""
    documents = Document.objects.for_owner(owner).filter(code=code)
    if version is not None:
        documents = documents.filter(version=version)
    document = documents.select_related("issued_by", "office").order_by("-version").first()
    if document is None:
        label = f"{code} 第 {version} 版" if version is not None else code
        raise ServiceError(ErrorCode.NOT_FOUND, _("该案件没有文书 %(label)s") % {"label": label})
    return document


def _digests(field) -> tuple[str, str]:
    with field.storage.open(field.name, "rb") as handle:
        return digests_of_stream(handle)


def _matches(field, sm3: str, sha256: str) -> bool:
    """The file still has the SHA-256 recorded at issue, and the SM3 where one was recorded
    (documents rendered before SM3 was kept have only the SHA-256)."""
    actual_sm3, actual_sha256 = _digests(field)
    return actual_sha256 == sha256 and (not sm3 or actual_sm3 == sm3)


def document_verify(document: Document) -> bool:
    """Whether both stored files still have the SM3 and SHA-256 recorded when they were
    issued (a missing file counts as altered)."""
    try:
        return (_matches(document.pdf, document.pdf_sm3, document.pdf_sha256)
                and _matches(document.docx, document.docx_sm3, document.docx_sha256))
    except (FileNotFoundError, OSError, ValueError):
        return False
