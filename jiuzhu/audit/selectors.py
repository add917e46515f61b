from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from .models import AuditEvent


def audit_event_search(*, user, q: str = "", action: str = "", actor: str = "",
                       object_type: str = "", object_ref: str = "",
                       since: date | None = None, until: date | None = None
                       ) -> QuerySet[AuditEvent]:
    """The events ``user`` may read (their subtree's, and those of their subtree's users),
    by keyword, action, actor (account or name), object (kind; number or name) and dates."""
    qs = AuditEvent.objects.visible_to(user).select_related("actor", "actor__region")
    if q:
        keyword = Q(actor_name__icontains=q) | Q(object_repr__icontains=q) | Q(object_id=q)
        if _looks_like_ip(q):
            keyword |= Q(ip=q)
        qs = qs.filter(keyword)
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(Q(actor_name__iexact=actor) | Q(actor__full_name__contains=actor))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_ref:
        qs = qs.filter(Q(object_id=object_ref) | Q(object_repr__contains=object_ref))
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs


def _looks_like_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
