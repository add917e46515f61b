from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiuzhu.audit.services import audit_record

from .models import ApiToken, User, token_digest


@transaction.atomic
def token_create(*, user: User, actor: User | None = None) -> str:
    """Create an API token for ``user`` and return it; it is shown this once only."""
    raw = "jz_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(raw), prefix=raw[:8])
    audit_record(actor=actor or user, action="token_create", obj=user,
                 detail={"user": user.username, "prefix": raw[:8]})
    return raw


def token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(digest=token_digest(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_is_throttled(*, username: str, ip: str | None) -> bool:
    """True when this user name or address failed too often within the window."""
    from jiuzhu.audit.models import AuditEvent

    since = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    failures = AuditEvent.objects.filter(action="login_failed", at__gte=since)
    by_name = failures.filter(detail__username=username.strip().lower()).count()
    by_ip = failures.filter(ip=ip).count() if ip else 0
    limit = settings.LOGIN_MAX_FAILURES
    return by_name >= limit or by_ip >= limit * 4
