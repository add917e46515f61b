"""The application being filled in, kept in the session between steps.

Each step keeps what was typed (``raw``, so a reload or an error loses nothing) and, once
valid, what was understood. Uploaded scans wait in the media storage under a random
draft id until the application is submitted or abandoned.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

KEY = "selfservice_draft"
DONE_KEY = "selfservice_done"
ROOT = "selfservice/drafts"
STEPS = ("identity", "household", "items", "uploads", "review")


def draft_get(session: Any) -> dict[str, Any]:
    draft = session.get(KEY)
    if not isinstance(draft, dict):
        draft = {"id": secrets.token_hex(12), "raw": {}, "uploads": {}}
        session[KEY] = draft
    return draft


def draft_save(session: Any, draft: dict[str, Any]) -> None:
    session[KEY] = draft
    session.modified = True


def draft_clear(session: Any) -> None:
    draft = session.get(KEY)
    if isinstance(draft, dict):
        for meta in (draft.get("uploads") or {}).values():
            upload_delete(meta)
    session.pop(KEY, None)


def step_open(draft: dict[str, Any]) -> str:
    """The first step not yet done."""
    if not draft.get("identity"):
        return "identity"
    if not draft.get("household"):
        return "household"
    if not draft.get("items"):
        return "items"
    if not draft.get("uploads_done"):
        return "uploads"
    return "review"


def may_open(draft: dict[str, Any], step: str) -> bool:
    return STEPS.index(step) <= STEPS.index(step_open(draft))


def upload_keep(draft: dict[str, Any], *, material: str, name: str, content_type: str,
                extension: str, data: bytes) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    old = draft["uploads"].get(material)
    path = default_storage.save(f"{ROOT}/{draft['id']}/{digest[:16]}.{extension}",
                                ContentFile(data))
    if old and old.get("path") != path:
        upload_delete(old)
    meta = {"path": path, "name": name[:200], "content_type": content_type,
            "size": len(data), "sha256": digest}
    draft["uploads"][material] = meta
    return meta


def upload_read(meta: dict[str, Any]) -> bytes | None:
    try:
        with default_storage.open(meta["path"], "rb") as handle:
            data = handle.read()
    except (OSError, KeyError):
        return None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        return None
    return data


def upload_delete(meta: dict[str, Any]) -> None:
    with contextlib.suppress(OSError, KeyError):
        default_storage.delete(meta["path"])


def drafts_purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete scans of applications abandoned longer ago than ``older_than``."""
    removed = 0
    cutoff = timezone.now() - older_than
    try:
        folders, _files = default_storage.listdir(ROOT)
    except OSError:
        return 0
    for folder in folders:
        _sub, names = default_storage.listdir(f"{ROOT}/{folder}")
        for name in names:
            path = f"{ROOT}/{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        if not default_storage.listdir(f"{ROOT}/{folder}")[1]:
            with contextlib.suppress(OSError):
                default_storage.delete(f"{ROOT}/{folder}")
    return removed
