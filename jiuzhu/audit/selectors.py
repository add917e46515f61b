from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from .models import AuditEvent


def audit_event_search(*, user, q: str = "", action: str = "", since: date | None = None,
                       until: date | None = None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor")
    if not user.is_superuser:
        # A supervisor or administrator sees the events of their own subtree and their
        # own users' logins.
        qs = qs.filter(Q(region_path__startswith=user.region_path)
                       | Q(actor__region__path__startswith=user.region_path))
    if q:
        qs = qs.filter(Q(actor_name__icontains=q) | Q(object_repr__icontains=q)
                       | Q(object_id=q) | Q(ip=q if _looks_like_ip(q) else None))
    if action:
        qs = qs.filter(action=action)
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
