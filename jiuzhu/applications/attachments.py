"""Scans and photos: the type is read from the content, never from the name."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from jiuzhu.core.errors import ErrorCode, ServiceError

from .models import Application, Attachment

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
              (b"%PDF-", "application/pdf", "pdf"))


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def upload_kind(data: bytes, path: str = "file") -> tuple[str, str]:
    """(content type, extension) of an uploaded scan; 422 naming ``path`` when it is empty,
    larger than MAX_BYTES, or not JPEG, PNG or PDF by its content."""
    if not data:
        raise ServiceError(ErrorCode.VALIDATION, _("文件为空"), [{"path": path, "message": _("文件为空")}])
    if len(data) > MAX_BYTES:
        raise ServiceError(ErrorCode.VALIDATION, _("文件过大"),
                           [{"path": path, "message": _("文件不能超过 %(megabytes)s MB") % {"megabytes": MAX_BYTES // 1024 // 1024}}])
    kind_of = sniff(bytes(data[:16]))
    if kind_of is None:
        raise ServiceError(ErrorCode.VALIDATION, _("文件类型不支持"),
                           [{"path": path, "message": _("只接受 JPEG、PNG 图片或 PDF 文件（按内容识别）")}])
    return kind_of


def attachment_store(*, application: Application, actor: Any, data: bytes, name: str,
                     kind: str = "material", material: str = "", path: str = "file") -> Attachment:
    """Keep one file; a file that is not JPEG, PNG or PDF, or too large, is refused."""
    content_type, extension = upload_kind(data, path)
    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(application=application, kind=kind, material=material,
                            content_type=content_type, size=len(data), sha256=digest,
                            original_name=name[:200],
                            uploaded_by=actor if getattr(actor, "pk", None) else None)
    attachment.file.save(f"{digest[:16]}.{extension}", ContentFile(data), save=False)
    attachment.save()
    return attachment


def materials_missing(application: Application, required: tuple[str, ...]) -> list[str]:
    """The required materials neither scanned nor seen in the original (原件已核验) — a seen
    original does not count where the county requires a scan (``materials.py``)."""
    from .materials import application_missing

    return application_missing(application, required)
