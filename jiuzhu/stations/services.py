"""Writes of love stations (爱心驿站): register, edit, deactivate. County and township staff
only; every function checks everything first and changes nothing when it refuses."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import Organisation
from jiuzhu.audit.choices import AuditAction
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import sees_everything, visible_path
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.regions.models import Region

from .choices import STATION_MANAGERS, Offering
from .models import LoveStation

PHONE = re.compile(r"^[0-9+\- ]{5,20}$")
FIELDS = ("name", "host_id", "region_code", "address", "latitude", "longitude", "contact",
          "phone", "hours", "offerings")
LIMITS = {"name": 100, "address": 200, "contact": 64, "hours": 100}


def _require(actor: Any) -> None:
    if sees_everything(actor) or (actor.has_perm("stations.manage_station")
                                  and getattr(actor, "role", None) in STATION_MANAGERS):
        return
    raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能登记或修改爱心驿站"))


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def _coordinate(value: Any, name: str, bound: int, errors: list[dict[str, str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or abs(number) > bound:
        errors.append({"path": name, "message": _("%(what)s应为 -%(bound)s 到 %(bound)s 之间的数")
                       % {"what": _("纬度") if name == "latitude" else _("经度"), "bound": bound}})
        return None
    return number.quantize(Decimal("0.000001"))


def station_validate(*, actor: Any, data: dict[str, Any],
                     station: LoveStation | None = None) -> dict[str, Any]:
    """The cleaned fields of a station. Raises ServiceError (422 naming each wrong field)."""
    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, _("驿站信息应为对象"),
                           [{"path": "", "message": _("应为对象")}])
    errors: list[dict[str, str]] = []
    clean: dict[str, Any] = {name: _text(data, name) for name in
                             ("name", "address", "contact", "phone", "hours", "region_code")}
    if not clean["name"]:
        errors.append({"path": "name", "message": _("请填写驿站名称")})
    if not clean["address"]:
        errors.append({"path": "address", "message": _("请填写驿站地址")})
    for name, limit in LIMITS.items():
        if len(clean[name]) > limit:
            errors.append({"path": name, "message": _("不能超过 %(limit)s 个字") % {"limit": limit}})
    if clean["phone"] and not PHONE.match(clean["phone"]):
        errors.append({"path": "phone", "message": _("电话应为 5–20 位数字、+、- 或空格")})
    clean["latitude"] = _coordinate(data.get("latitude"), "latitude", 90, errors)
    clean["longitude"] = _coordinate(data.get("longitude"), "longitude", 180, errors)
    offerings = data.get("offerings") or []
    if isinstance(offerings, str):
        offerings = [offerings]
    if not isinstance(offerings, list | tuple) or any(o not in Offering.values for o in offerings):
        errors.append({"path": "offerings", "message": _(
            "服务内容只能是报告困难家庭、物资、助餐或爱心超市点")})
        offerings = []
    elif not offerings:
        errors.append({"path": "offerings", "message": _("请至少选择一项服务内容")})
    clean["offerings"] = [o for o in Offering.values if o in offerings]
    host = None
    host_id = data.get("host_id")
    if host_id in (None, ""):
        errors.append({"path": "host_id", "message": _("请选择举办单位")})
    else:
        try:
            host = Organisation.objects.visible_to(actor).filter(pk=int(host_id), active=True).first()
        except (TypeError, ValueError):
            host = None
        if host is None:
            errors.append({"path": "host_id", "message": _("举办单位不存在或不在您的管辖范围内")})
    region = None
    if not clean["region_code"]:
        errors.append({"path": "region_code", "message": _("请选择驿站所在区划")})
    else:
        region = Region.objects.filter(code=clean["region_code"]).first()
        if region is None or not visible_path(actor, region.path):
            errors.append({"path": "region_code", "message": _("区划不存在或不在您的管辖范围内")})
            region = None
        elif region.level not in ("township", "village", "grid"):
            errors.append({"path": "region_code", "message": _("请选择到乡镇（街道）、村（社区）或网格")})
            region = None
    if region is not None and clean["name"]:
        same = LoveStation.objects.filter(region=region, name=clean["name"])
        if station is not None:
            same = same.exclude(pk=station.pk)
        if same.exists():
            errors.append({"path": "name", "message": _("本区划已有同名的爱心驿站")})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("驿站信息有误，请按提示修改"), errors)
    clean.pop("region_code")
    clean["host"], clean["region"] = host, region
    return clean


def _snapshot(station: LoveStation) -> dict[str, Any]:
    return {"name": station.name, "host": station.host.name, "region": station.region.code,
            "address": station.address, "hours": station.hours, "offerings": station.offerings,
            "contact": station.contact, "phone": station.phone,
            "latitude": str(station.latitude) if station.latitude is not None else None,
            "longitude": str(station.longitude) if station.longitude is not None else None,
            "active": station.active}


@transaction.atomic
def station_register(*, actor: Any, data: dict[str, Any]) -> LoveStation:
    """Register a love station (登记爱心驿站)."""
    _require(actor)
    clean = station_validate(actor=actor, data=data)
    region = clean["region"]
    station = LoveStation.objects.create(
        region_path=region.path, created_by=actor if getattr(actor, "pk", None) else None, **clean)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=station,
                 detail={"model": "爱心驿站", "name": station.name, "after": _snapshot(station)})
    return station


@transaction.atomic
def station_edit(*, actor: Any, station: LoveStation, data: dict[str, Any]) -> LoveStation:
    """Change a station's register entry (修改爱心驿站)."""
    _require(actor)
    if not visible_path(actor, station.region_path):
        raise ServiceError(ErrorCode.NOT_FOUND, _("爱心驿站不存在"))
    clean = station_validate(actor=actor, data=data, station=station)
    before = _snapshot(station)
    for name, value in clean.items():
        setattr(station, name, value)
    station.region_path = station.region.path
    station.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=station,
                 detail={"model": "爱心驿站", "name": station.name, "before": before,
                         "after": _snapshot(station)})
    return station


@transaction.atomic
def station_set_active(*, actor: Any, station: LoveStation, active: bool) -> LoveStation:
    """Deactivate (停用) or reactivate (恢复) a station; its leads stay."""
    _require(actor)
    if not visible_path(actor, station.region_path):
        raise ServiceError(ErrorCode.NOT_FOUND, _("爱心驿站不存在"))
    if station.active == active:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("该驿站已在运行") if active else _("该驿站已停用"))
    station.active = active
    station.save(update_fields=["active"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=station,
                 detail={"model": "爱心驿站", "name": station.name,
                         "after": {"active": active}})
    return station


def station_deactivate(*, actor: Any, station: LoveStation) -> LoveStation:
    return station_set_active(actor=actor, station=station, active=False)
