"""Reads of love stations, within the reader's region subtree (a keeper: their own)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from jiuzhu.accounts.choices import Role
from jiuzhu.core.access import VisibleQuerySet, not_visible, user_prefixes
from jiuzhu.regions.models import Region

from .choices import LEAD_CLOSED, LEAD_UNREACHABLE
from .models import LoveStation


def _villages_of_grids(user: Any) -> list[Region]:
    """A grid worker's villages: the village (or community) above their grid and above each
    grid assigned to them — the stations there are the ones they work with."""
    if getattr(user, "role", "") != Role.GRID_WORKER:
        return []
    villages: list[Region] = []
    for region in Region.objects.filter(path__in=user_prefixes(user)).select_related("parent"):
        node: Region | None = region
        while node is not None and node.level == "grid":
            node = node.parent
        if node is not None and node.level == "village" and node not in villages:
            villages.append(node)
    return villages


def stations_visible_to(user: Any, *, active_only: bool = False) -> VisibleQuerySet[LoveStation]:
    """The stations of the user's subtree (a keeper: their own); a grid worker also reads
    those of the village around their grids."""
    qs = LoveStation.objects.visible_to(user)
    villages = _villages_of_grids(user)
    if villages:
        reach = Q(pk__in=qs.values("pk"))
        for village in villages:
            reach |= Q(pk__in=LoveStation.objects.within(village).values("pk"))
        qs = LoveStation.objects.filter(reach)
    qs = qs.select_related("host", "region", "region__parent")
    return qs.filter(active=True) if active_only else qs


def station_get(*, user: Any, pk: int) -> LoveStation:
    """One station the user may see; another region's or organisation's is 'not found'."""
    station = stations_visible_to(user).filter(pk=pk).first()
    if station is None:
        raise not_visible(user, LoveStation, _("爱心驿站不存在"), pk=pk)
    return station


def stations_of_keeper(user: Any) -> list[LoveStation]:
    """The active stations the user keeps (their organisation's)."""
    org = getattr(user, "organisation_id", None)
    if not org:
        return []
    return list(stations_visible_to(user, active_only=True).filter(host_id=org))


def _services_delivered(pks: list[int]) -> dict[int, int]:
    """Services delivered (服务次数): orders of 幸福云 needs posted by each station (by its
    keeper, or by staff naming the station) that the provider has served — checked out —,
    read through the models' registry (``xingfu.Order.need.station``) without importing
    xingfu; 0 until it exists."""
    try:
        order = apps.get_model("xingfu", "Order")
        rows = (order.objects.filter(need__station_id__in=pks, check_out_at__isnull=False)
                .values("need__station_id")
                .annotate(n=Count("id")))
        return {row["need__station_id"]: row["n"] for row in rows}
    except (LookupError, FieldError):
        return {}


def with_counts(stations: list[LoveStation]) -> list[LoveStation]:
    """Sets ``leads_reported``, ``families_helped`` (leads closed with an outcome other than
    unreachable) and ``services_delivered`` on each station (three queries in all)."""
    pks = [s.pk for s in stations]
    counts = {row["pk"]: row for row in LoveStation.objects.filter(pk__in=pks).values("pk").annotate(
        reported=Count("leads", distinct=True),
        helped=Count("leads", distinct=True, filter=Q(leads__status=LEAD_CLOSED)
                     & ~Q(leads__outcome=LEAD_UNREACHABLE)))}
    delivered = _services_delivered(pks)
    for station in stations:
        row = counts.get(station.pk, {})
        station.leads_reported = row.get("reported", 0)  # type: ignore[attr-defined]
        station.families_helped = row.get("helped", 0)  # type: ignore[attr-defined]
        station.services_delivered = delivered.get(station.pk, 0)  # type: ignore[attr-defined]
    return stations


def recent_leads(*, user: Any, station: LoveStation, limit: int = 20) -> list[Any]:
    """The station's latest leads the user may see (through ``station.leads``)."""
    related = station.leads  # type: ignore[attr-defined]
    return list(related.model.objects.visible_to(user).filter(station=station)
                .select_related("region").order_by("-created_at", "-id")[:limit])


def station_needs(*, user: Any, station: LoveStation, limit: int = 20) -> list[Any]:
    """The 幸福云 needs posted for the station's families that the user may see (through the
    reverse relation ``station.service_needs``, no import of xingfu), newest first."""
    related = getattr(station, "service_needs", None)
    if related is None:
        return []
    return list(related.model.objects.visible_to(user).filter(station=station)
                .select_related("region", "order__provider").order_by("-created_at", "-id")[:limit])


def by_township(stations: list[LoveStation]) -> list[tuple[Any, list[LoveStation]]]:
    """Stations grouped by the township (or the region above a village) they are in."""
    groups: dict[Any, list[LoveStation]] = {}
    for station in stations:
        region = station.region
        key = region.parent if region.level in ("village", "grid") and region.parent else region
        if region.level == "grid" and key is not None and key.parent is not None:
            key = key.parent
        groups.setdefault(key, []).append(station)
    return sorted(groups.items(), key=lambda item: getattr(item[0], "path", ""))
