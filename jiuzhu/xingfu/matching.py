"""Matching (40-emergency-social.md §5): the candidates of a need are the active providers
that have its skill and serve its region; they are ranked by

1. distance — by coordinates (haversine, km) when the need and the provider both have
   them; otherwise the same village, then the same township, then farther (a provider
   with coordinates known ranks by kilometres ahead of those ranked only by region);
2. free at the time window — the weekly availability covers it and no open order of the
   provider overlaps it;
3. fewer open orders;
4. then rating (higher first); the provider's number breaks a last tie.

Each candidate carries the reason in words, shown to staff on the need's page. Pure
functions over rows already read: the service reads, this module ranks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

#: distance bands: by coordinates, same village, same township, farther
BAND_COORDINATES, BAND_VILLAGE, BAND_TOWNSHIP, BAND_FARTHER = 0, 1, 2, 3
VILLAGE_DEPTH, TOWNSHIP_DEPTH = 5, 4  # path segments: 省/市/县/乡镇/村/网格


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def path_prefix(path: str, depth: int) -> str:
    """The path of the ancestor at ``depth`` segments (``""`` when the path is shallower)."""
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[:depth]) + "/" if len(parts) >= depth else ""


def inside(path: str, ancestor: str) -> bool:
    """Geography, not access: the region of ``path`` lies in the one of ``ancestor``
    (who may see a row is decided by ``visible_to`` only)."""
    return bool(ancestor) and path.startswith(ancestor)


def serves(served_paths: list[str], need_path: str) -> bool:
    """A provider serves a need when one of its regions holds the need's region."""
    return any(inside(need_path, p) for p in served_paths)


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def available(availability: dict[str, Any], starts_at: datetime, ends_at: datetime) -> bool:
    """The weekly availability ({"0": [["08:00", "12:00"], …], …}, 0 = Monday) covers the
    window (local time; a window over midnight is never covered)."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if end.date() != start.date():
        return False
    begin, finish = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    for low, high in (availability or {}).get(str(start.weekday()), []):
        try:
            if _minutes(low) <= begin and finish <= _minutes(high):
                return True
        except (ValueError, AttributeError):
            continue
    return False


def _float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class Candidate:
    provider: Any
    band: int
    km: float | None
    free: bool
    open_orders: int
    rating: float

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.band, round(self.km, 1) if self.km is not None else 0.0,
                not self.free, self.open_orders, -self.rating, self.provider.pk)

    @property
    def reason(self) -> str:
        if self.band == BAND_COORDINATES:
            where = _("距离 %(km)s 公里") % {"km": f"{self.km:.1f}"}
        elif self.band == BAND_VILLAGE:
            where = _("同村（社区）")
        elif self.band == BAND_TOWNSHIP:
            where = _("同乡镇（街道）")
        else:
            where = _("本乡镇以外")
        free = _("时段空闲") if self.free else _("时段不空闲")
        return _("%(where)s；%(free)s；在办工单 %(open)s 个；评分 %(rating)s") % {
            "where": where, "free": free, "open": self.open_orders,
            "rating": f"{self.rating:.1f}"}


def distance(need: Any, provider: Any) -> tuple[int, float | None]:
    """The distance band and kilometres (None unless both have coordinates)."""
    lat1, lon1 = _float(need.latitude), _float(need.longitude)
    lat2, lon2 = _float(provider.latitude), _float(provider.longitude)
    if None not in (lat1, lon1, lat2, lon2):
        return BAND_COORDINATES, haversine_km(lat1, lon1, lat2, lon2)  # type: ignore[arg-type]
    village = path_prefix(need.region_path, VILLAGE_DEPTH)
    township = path_prefix(need.region_path, TOWNSHIP_DEPTH)
    home = provider.region_path
    if inside(home, village):
        return BAND_VILLAGE, None
    if inside(home, township):
        return BAND_TOWNSHIP, None
    return BAND_FARTHER, None


def rank(need: Any, providers: list[Any], *, served: dict[int, list[str]],
         open_orders: dict[int, int], busy: set[int]) -> list[Candidate]:
    """The candidates among ``providers`` ranked as the module says. ``served``: provider id
    → paths of the regions it serves; ``open_orders``: provider id → open orders;
    ``busy``: providers with an open order overlapping the need's window."""
    out = []
    for provider in providers:
        if not provider.active or need.skill not in (provider.skills or []):
            continue
        if not serves(served.get(provider.pk, []), need.region_path):
            continue
        band, km = distance(need, provider)
        free = (provider.pk not in busy
                and available(provider.availability, need.starts_at, need.ends_at))
        out.append(Candidate(provider=provider, band=band, km=km, free=free,
                             open_orders=open_orders.get(provider.pk, 0),
                             rating=float(provider.rating or 0)))
    return sorted(out, key=lambda c: c.key)
