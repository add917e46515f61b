from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from .services import token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` from ``jiuzhu token create``."""

    def authenticate(self, request, token: str):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """A logged-in browser session (pages calling the API, the interactive docs)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and (user.is_superuser or user.region_id):
            return user
        return None
