from __future__ import annotations

from typing import Any

from django.db import models

from .context import current_request
from .models import AuditEvent


def audit_record(*, actor: Any, action: str, obj: models.Model | None = None,
                 detail: dict | None = None, region_path: str = "",
                 actor_name: str = "") -> AuditEvent:
    """Append one audit event; call it inside the transaction of the write it records."""
    ctx = current_request.get()
    if obj is not None and not region_path:
        region_path = getattr(obj, "region_path", "") or ""
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=actor_name or (getattr(actor, "username", "") or "system"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_path=region_path,
        ip=ctx.ip if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
        path=ctx.path if ctx else "",
        detail=detail or {},
    )
