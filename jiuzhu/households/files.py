"""Scans kept with a household's record (家庭档案材料), and the uploads of a refused form
kept aside so that nothing chosen is lost.

A file is accepted by its content (JPEG, PNG or PDF, at most 10 MB), never by its name. When
the household form is refused — a field in error, or one of several files unreadable — the
good files wait in ``pending-uploads/`` under a signed token (valid a day, for the same
user) and are attached on the submit that succeeds; the bad one is named in the error.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record

from .models import Household, HouseholdFile

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
              (b"%PDF-", "application/pdf", "pdf"))
KEPT_FOLDER = "pending-uploads"
KEPT_SALT = "households.kept-upload"
KEPT_MAX_AGE = 24 * 3600


def file_kind(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG or PDF by its first bytes, else None."""
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    return None


def file_problem(data: bytes) -> str:
    """Why a file cannot be kept, in a worker's words; empty when it can."""
    if not data:
        return _("文件为空")
    if len(data) > MAX_BYTES:
        return _("文件不能超过 %(mb)s MB") % {"mb": MAX_BYTES // 1024 // 1024}
    if file_kind(data[:16]) is None:
        return _("只接受 JPEG、PNG 图片或 PDF 文件")
    return ""


def household_files_store(*, actor: Any, household: Household,
                          files: list[tuple[str, bytes]]) -> list[HouseholdFile]:
    """Attach ``files`` ((name, content), each already checked by :func:`file_problem`) to
    the household; call inside the transaction that saves it. Audited as one change."""
    stored = []
    for name, data in files:
        kind = file_kind(data[:16])
        if kind is None or len(data) > MAX_BYTES:
            continue
        digest = hashlib.sha256(data).hexdigest()
        record = HouseholdFile(household=household, original_name=name[:200] or digest[:16],
                               content_type=kind[0], size=len(data), sha256=digest,
                               uploaded_by=actor if getattr(actor, "pk", None) else None)
        record.file.save(f"{digest[:16]}.{kind[1]}", ContentFile(data), save=False)
        record.save()
        stored.append(record)
    if stored:
        audit_record(actor=actor, action="update", obj=household,
                     detail={"files": [f.original_name for f in stored]})
    return stored


@dataclass
class Kept:
    """A good file of a refused submit, waiting aside for the next one."""

    name: str
    path: str
    token: str

    def read(self) -> bytes:
        with default_storage.open(self.path, "rb") as handle:
            return bytes(handle.read())


def kept_load(tokens: list[str], user_pk: int | None) -> list[Kept]:
    """The files kept on earlier refused submits that the worker still wants (their tokens
    come back ticked); a token of another user, stale or forged is ignored."""
    out = []
    for token in dict.fromkeys(tokens):
        try:
            value = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
        except signing.BadSignature:
            continue
        if value.get("user") == user_pk and default_storage.exists(value["path"]):
            out.append(Kept(name=value["name"], path=value["path"], token=token))
    return out


def kept_store(name: str, data: bytes, user_pk: int | None) -> Kept:
    path = default_storage.save(f"{KEPT_FOLDER}/{uuid.uuid4().hex}", ContentFile(data))
    value = {"path": path, "name": name[:200], "user": user_pk}
    return Kept(name=name[:200], path=path, token=signing.dumps(value, salt=KEPT_SALT))


def kept_discard(kept: list[Kept]) -> None:
    for item in kept:
        default_storage.delete(item.path)
