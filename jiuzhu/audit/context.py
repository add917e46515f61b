"""The request that is being served, for audit rows written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str
    path: str
    method: str = "GET"
    #: Denied-access events of this request, written by the middleware once the response is
    #: made — outside any transaction the refusal rolled back.
    denials: list[dict[str, Any]] = field(default_factory=list)


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def client_ip(request) -> str | None:
    """The client's address. ``X-Forwarded-For`` counts only behind trusted proxies
    (setting ``TRUSTED_PROXIES`` = how many of them append to it): otherwise anyone could
    claim any address and step around the per-address limits."""
    from django.conf import settings

    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    remote = request.META.get("REMOTE_ADDR")
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies] or remote or None
    return remote or None
