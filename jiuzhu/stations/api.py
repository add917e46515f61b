"""The stations API (routes with their full paths under /api/v1): the love stations of the
user's region (a keeper: their own) with their counts, one station, and registering one
(county and township staff). Errors are the platform's: 422 naming the field, 403 for a
role, 404 outside the region or organisation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError

from . import services
from .models import LoveStation
from .selectors import station_get, stations_visible_to, with_counts


class StationOut(Schema):
    id: int
    name: str
    region_code: str
    address: str
    latitude: float | None
    longitude: float | None
    hours: str
    offerings: list[str]
    leads_reported: int
    families_helped: int
    services_delivered: int


class StationIn(Schema):
    """登记爱心驿站. The service checks every field and names each wrong one (422)."""

    name: str = ""
    host_id: int | None = Field(None, description="举办单位（社会力量机构）编号")
    region_code: str = Field("", description="所在乡镇、村（社区）或网格的区划代码")
    address: str = ""
    latitude: Decimal | str | None = None
    longitude: Decimal | str | None = None
    contact: str = ""
    phone: str = ""
    hours: str = Field("", description="开放时间")
    offerings: list[str] = Field(default_factory=list,
                                 description="report, goods, meals, supermarket（至少一项）")


def station_to_dict(station: LoveStation) -> dict[str, Any]:
    return {
        "id": station.pk, "name": station.name, "region_code": station.region.code,
        "address": station.address,
        "latitude": float(station.latitude) if station.latitude is not None else None,
        "longitude": float(station.longitude) if station.longitude is not None else None,
        "hours": station.hours, "offerings": list(station.offerings),
        "leads_reported": getattr(station, "leads_reported", 0),
        "families_helped": getattr(station, "families_helped", 0),
        "services_delivered": getattr(station, "services_delivered", 0),
    }


def _require_view(user: Any) -> None:
    if not user.has_perm("stations.view_list"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您无权查看爱心驿站"))


router = Router(tags=["爱心驿站 stations"])


@router.get("/stations", response={200: list[StationOut], **refusals(403)},
            summary="爱心驿站列表 Love stations")
def list_stations(request):
    """The active love stations of the user's region (a keeper: their own), with the leads
    reported, the families helped and the services delivered."""
    _require_view(request.auth)
    stations = with_counts(list(stations_visible_to(request.auth, active_only=True)
                                .order_by("region_path", "name")))
    return [station_to_dict(s) for s in stations]


@router.get("/stations/{int:station_id}", response={200: StationOut, **refusals(403, 404)},
            summary="爱心驿站详情")
def get_station(request, station_id: int):
    _require_view(request.auth)
    station = station_get(user=request.auth, pk=station_id)
    return station_to_dict(with_counts([station])[0])


@router.post("/stations", response={201: StationOut, **refusals(400, 403, 422)},
             summary="登记爱心驿站 Register a love station")
def create_station(request, payload: StationIn):
    """Body: `name`, `host_id` (an organisation of the region), `region_code`, `address`,
    `offerings` (report, goods, meals, supermarket); optional `latitude`, `longitude`,
    `contact`, `phone`, `hours`. County and township staff only. → 201 the station."""
    station = services.station_register(actor=request.auth, data=payload.dict())
    return Status(201, station_to_dict(with_counts([station])[0]))
