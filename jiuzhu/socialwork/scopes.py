"""What a social worker (社工, an outside user) sees: the cases assigned to them, with their
regions for the case pages — never a household (no scope for it is registered here)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jiuzhu.accounts.choices import Role
from jiuzhu.core.access import register_scope


def _worker(user: Any) -> int | None:
    if getattr(user, "role", "") != Role.SOCIAL_WORKER or not getattr(user, "organisation_id", None):
        return None
    return getattr(user, "pk", None)


def worker_cases(user: Any) -> Q:
    """The cases assigned to the social worker."""
    pk = _worker(user)
    return Q(social_worker_id=pk) if pk else Q(pk__in=[])


def register() -> None:
    register_scope("socialwork.SocialCase", "organisation", worker_cases)
