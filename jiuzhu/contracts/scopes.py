"""What a contracted organisation's users see (``register_scope`` kind ``organisation``):
the coordinator, the cases entrusted to the organisation; the surveyor, the cases assigned
to them — only while the assignment is open (not after acceptance, settlement or when the
township took it back). Any other outside user: nothing of these models."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .choices import OPEN_STATES


def investigation_scope(user: Any) -> Q:
    role = getattr(user, "role", "")
    if role == "coordinator" and getattr(user, "organisation_id", None):
        return Q(organisation_id=user.organisation_id, state__in=OPEN_STATES)
    if role == "surveyor" and getattr(user, "organisation_id", None):
        return Q(organisation_id=user.organisation_id, investigator_id=user.pk,
                 state__in=OPEN_STATES)
    return Q(pk__in=[])


def application_scope(user: Any) -> Q:
    from .models import ContractedInvestigation

    if getattr(user, "role", "") not in ("coordinator", "surveyor"):
        return Q(pk__in=[])
    return Q(pk__in=ContractedInvestigation.objects.filter(investigation_scope(user))
             .values("application_id"))
