from __future__ import annotations

import json
from typing import Any

from django.db import models, transaction

from jiuzhu.core.masking import mask_personal

from .choices import AuditAction
from .context import current_request
from .models import AuditEvent

#: What ``audit_read`` records: a page or API read, a file downloaded, a list exported.
READS = frozenset({AuditAction.VIEW, AuditAction.DOWNLOAD, AuditAction.EXPORT})


def audit_record(*, actor: Any, action: str, obj: models.Model | None = None,
                 detail: dict | None = None, region_path: str = "",
                 actor_name: str = "") -> AuditEvent:
    """Append one audit event; call it inside the transaction of the write it records.
    ``action`` is a code of :class:`~jiuzhu.audit.choices.AuditAction`."""
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
        # ID numbers, phones and bank accounts in the detail (changes, snapshots) masked:
        # the audit says that they changed, not what they are (查看完整信息 shows them).
        detail=mask_personal(detail or {}),
    )


def reader_of(who: Any) -> Any:
    """The user behind a page request (``request.user``), an API request (``request.auth``)
    or the user itself."""
    if hasattr(who, "META"):
        return getattr(who, "auth", None) or getattr(who, "user", None)
    return who


def audit_read(who: Any, obj: models.Model | None = None, action: str = AuditAction.VIEW, *,
               region_path: str = "", **detail: Any) -> AuditEvent:
    """One read of personal data: ``action`` is ``view`` (a page or an API answer),
    ``download`` (a file) or ``export`` (a list); ``who`` is the request or the user;
    ``detail`` says what was read (``what="payroll"``, ``via="api"``, …). One INSERT: in
    autocommit it stands alone, whatever the page does next."""
    if action not in READS:
        raise ValueError(f"not a read: {action!r}")
    actor = reader_of(who)
    if obj is None and not region_path:
        region_path = getattr(actor, "region_path", "") or ""
    return audit_record(actor=actor, action=action, obj=obj, region_path=region_path,
                        detail=detail or None)


# --- denied access ----------------------------------------------------------------------------


def _is_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _write_denied(*, user: Any, object_type: str = "", object_id: str = "",
                  region_path: str = "", detail: dict[str, Any],
                  path: str = "") -> AuditEvent:
    ctx = current_request.get()
    if region_path == "" and _is_user(user):
        region_path = getattr(user, "region_path", "") or ""
    with transaction.atomic():
        return AuditEvent.objects.create(
            actor=user if getattr(user, "pk", None) else None,
            actor_name=(getattr(user, "username", "") or "system") if _is_user(user)
            else "anonymous",
            action=AuditAction.DENIED,
            object_type=object_type[:64], object_id=str(object_id)[:64],
            region_path=region_path,
            ip=ctx.ip if ctx else None,
            user_agent=ctx.user_agent if ctx else "",
            path=path or (ctx.path if ctx else ""),
            detail=detail,
        )


def audit_denied(user: Any, model: type[models.Model] | str, pk: Any, reason: str, *,
                 region_path: str = "", status: int = 404) -> AuditEvent | None:
    """Someone was refused an object that exists (another region, outside their scope).
    Inside a request the event is written when the response is made (the refusal may roll
    back the transaction it happened in); elsewhere at once."""
    label = model if isinstance(model, str) else model._meta.label_lower
    row = {"user": user, "object_type": label, "object_id": "" if pk is None else str(pk),
           "region_path": region_path, "reason": reason}
    ctx = current_request.get()
    if ctx is not None:
        ctx.denials.append(row)
        return None
    return _write_denied(user=user, object_type=label, object_id=row["object_id"],
                         region_path=region_path,
                         detail={"reason": reason, "status": status})


def audit_denied_hook(user: Any, obj: models.Model, reason: str) -> None:
    """The denial hook of ``jiuzhu.core.access`` (registered in ``AuditConfig.ready``)."""
    audit_denied(user, type(obj), obj.pk, reason,
                 region_path=getattr(obj, "region_path", "") or "")


def flush_denials(request: Any, response: Any) -> None:
    """Called by the middleware once the response is made: the denials of the request,
    and a 403 that no denial explains."""
    ctx = current_request.get()
    pending = list(ctx.denials) if ctx is not None else []
    method = getattr(request, "method", "") or ""
    status = getattr(response, "status_code", 0)
    for row in pending:
        _write_denied(user=row["user"], object_type=row["object_type"],
                      object_id=row["object_id"], region_path=row["region_path"],
                      detail={"reason": row["reason"], "status": status, "method": method})
    if ctx is not None:
        ctx.denials.clear()
    if status != 403 or pending:
        return
    user = reader_of(request)
    match = getattr(request, "resolver_match", None)
    kwargs = dict(match.kwargs) if match is not None else {}
    object_id = next((str(v) for k, v in kwargs.items()
                      if k == "pk" or k.endswith("_id") or k.endswith("_pk")), "")
    detail: dict[str, Any] = {"reason": _reason_403(response), "status": 403, "method": method}
    if match is not None and match.view_name:
        detail["view"] = match.view_name
    if kwargs:
        detail["target"] = {k: str(v) for k, v in kwargs.items()}
    _write_denied(user=user if _is_user(user) else None, object_id=object_id,
                  detail=detail, path=getattr(request, "path", "")[:300])


def _reason_403(response: Any) -> str:
    """The refusal's own message (an API answer says why), else a general one."""
    if "json" in (response.get("Content-Type", "") or ""):
        try:
            message = json.loads(response.content).get("message")
        except (ValueError, AttributeError):
            message = None
        if isinstance(message, str) and message:
            return message[:200]
    return "无权限"
