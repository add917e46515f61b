from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import field_error

from .models import ApiToken, TokenScope, User, token_digest


@transaction.atomic
def token_create(*, user: User, actor: User | None = None, scope: str = TokenScope.WRITE,
                 days: int | None = None) -> str:
    """Create an API token for ``user`` and return it; it is shown this once only. It
    expires after ``days`` (``API_TOKEN_DAYS``); a ``read`` token may only read."""
    if scope not in TokenScope.values:
        raise field_error("scope", _("权限范围只能是 read（只读）或 write（读写）"))
    days = settings.API_TOKEN_DAYS if days is None else days
    if days < 1 or days > 3660:
        raise field_error("days", _("有效天数须在 1 到 3660 之间"))
    raw = "jz_" + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=days)
    ApiToken.objects.create(user=user, digest=token_digest(raw), prefix=raw[:8], scope=scope,
                            expires_at=expires_at)
    audit_record(actor=actor or user, action="token_create", obj=user,
                 detail={"user": user.username, "prefix": raw[:8], "scope": scope,
                         "expires_at": expires_at.isoformat()})
    return raw


def token_lookup(raw: str) -> ApiToken | None:
    """The live token ``raw`` names (not revoked, not expired, its user active), or None."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(digest=token_digest(raw), revoked=False, user__is_active=True,
                expires_at__gt=now)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_authenticate(raw: str) -> User | None:
    token = token_lookup(raw)
    return token.user if token is not None else None
