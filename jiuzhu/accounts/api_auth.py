from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from jiuzhu.core.errors import ErrorCode, ServiceError

from .models import TokenScope
from .services import token_lookup

#: Requests that only read: a read-only token may make these only.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` from ``jiuzhu token create``: an unknown, revoked
    or expired token is a 401; a read-only token (``--scope read``) is refused on every
    request that writes with a 403 naming its scope."""

    def authenticate(self, request, token: str):
        found = token_lookup(token)
        if found is None:
            return None
        if found.scope != TokenScope.WRITE and request.method not in READ_METHODS:
            raise ServiceError(ErrorCode.FORBIDDEN,
                               _("该接口令牌的权限范围为只读（scope: read），不能用于写入请求"),
                               extra={"scope": found.scope})
        request.user = found.user
        return found.user


class StaffSession(SessionAuth):
    """A logged-in browser session (pages calling the API, the interactive docs). A session
    exists only after the whole sign-in (password and, where required, second factor)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and (user.is_superuser or user.region_id):
            return user
        return None
