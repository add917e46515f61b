"""What a station keeper (爱心驿站站长, an outside user) sees: their own station(s) and the
leads reported under them — never a household, an income or an ID number (no scope for
those is registered here)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jiuzhu.accounts.choices import Role
from jiuzhu.core.access import register_scope


def _organisation_id(user: Any) -> int | None:
    if getattr(user, "role", "") != Role.STATION_KEEPER:
        return None
    return getattr(user, "organisation_id", None)


def keeper_stations(user: Any) -> Q:
    """The stations hosted by the keeper's organisation."""
    org = _organisation_id(user)
    return Q(host_id=org) if org else Q(pk__in=[])


def keeper_leads(user: Any) -> Q:
    """The leads reported under a station hosted by the keeper's organisation."""
    org = _organisation_id(user)
    return Q(station__host_id=org) if org else Q(pk__in=[])


def keeper_regions(user: Any) -> Q:
    """A keeper picks the village or grid of a family they report: every region of their
    subtree (the access layer keeps them to it)."""
    return Q(pk__isnull=False) if _organisation_id(user) else Q(pk__in=[])


def register() -> None:
    register_scope("regions.Region", "organisation", keeper_regions)
    register_scope("stations.LoveStation", "organisation", keeper_stations)
    register_scope("leads.Lead", "organisation", keeper_leads)
