"""Writes of 幸福云, each in one transaction with its audit event: register a provider,
post a need for a family (and publish it: matching offers the top 5), and the steps of the
need's table (``workflow.NEED_WORKFLOW``) — accept, decline, check in and out, confirm."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import get_visible, require
from jiuzhu.core.errors import ErrorCode, ServiceError, field_error
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region

from .choices import ProviderKind, Skill
from .models import Order, Provider, ServiceNeed
from .workflow import NEED_WORKFLOW


def _text(data: dict[str, Any], name: str, *, required: bool = True, limit: int = 200) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise field_error(name, _("必填项"))
    if len(value) > limit:
        raise field_error(name, _("内容过长"))
    return value


def _coordinate(data: dict[str, Any], name: str, bound: int) -> Decimal | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise field_error(name, _("应为数字")) from None
    if not -bound <= number <= bound:
        raise field_error(name, _("数值超出范围"))
    return number


def _when(data: dict[str, Any], name: str) -> datetime:
    value = data.get(name)
    if isinstance(value, datetime):
        moment = value
    else:
        text = "" if value is None else str(value).strip()
        if not text:
            raise field_error(name, _("必填项"))
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise field_error(name, _("时间格式不正确")) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _skill(value: Any, path: str) -> str:
    if value not in Skill.values:
        raise field_error(path, _("取值不在允许范围内"))
    return str(value)


@dataclass(frozen=True)
class Source:
    """Where a need is posted from, for a family the poster may serve: the household, the
    fields recorded on the need (``social_case`` or ``station``), and what the form shows
    (the family's name and village, the address and phone to start from)."""

    household: Household
    fields: dict[str, Any]
    family: str
    village: str
    address: str
    phone: str
    back: str  # the page to return to (a url name and its argument: "socialwork:detail 5")


#: Resolvers of the sources a higher app offers (socialwork registers ``social_case_id``
#: in its ``ready()``): ``fn(actor, value) -> Source``, raising ServiceError (404 for a case
#: that is not the actor's, 422 naming the field for one that is closed).
NEED_SOURCES: dict[str, Callable[[Any, Any], Source]] = {}


def register_need_source(field: str, resolver: Callable[[Any, Any], Source]) -> None:
    NEED_SOURCES[field] = resolver


def _pk(value: Any, path: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise field_error(path, _("应为编号（整数）")) from None


def lead_source(actor: Any, value: Any) -> Source:
    """A station keeper posts for the family of a lead reported under their station (the
    lead's station is recorded on the need); any other lead is 'not found'."""
    from jiuzhu.leads.models import Lead

    if not actor.has_perm("xingfu.post_need_for_station"):
        raise ServiceError(ErrorCode.FORBIDDEN,
                           _("只有爱心驿站站长可以为本驿站报告的家庭发布服务需求"))
    pk = _pk(value, "lead_id")
    lead = (Lead.objects.visible_to(actor).filter(pk=pk, station__isnull=False)
            .select_related("station", "household", "region").first())
    if lead is None or lead.station is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("线索不存在或不是本驿站报告的线索"))
    if lead.household is None:
        raise field_error("lead_id", _("这条线索尚未关联家庭（工作人员走访核实后才能发布服务需求）"))
    household = lead.household
    return Source(household=household, fields={"station": lead.station},
                  family=household.head_name, village=lead.region.name,
                  address=household.address or lead.address,
                  phone=household.phone or lead.phone, back=f"stations:detail {lead.station.pk}")


def resolve_source(actor: Any, data: dict[str, Any]) -> Source | None:
    """The source named in ``data`` (``social_case_id`` or ``lead_id``), or None (staff
    posting by 家庭编号)."""
    if data.get("lead_id") not in (None, ""):
        return lead_source(actor, data["lead_id"])
    for field, resolver in NEED_SOURCES.items():
        if data.get(field) not in (None, ""):
            return resolver(actor, data[field])
    return None


@transaction.atomic
def need_create(*, actor: Any, data: dict[str, Any], publish: bool = True) -> ServiceNeed:
    """Post a need for a family: staff by ``household_id`` (the 家庭编号) in their area; a
    social worker by ``social_case_id`` (one of their open cases: the case is recorded on the
    need); a station keeper by ``lead_id`` (a lead reported under their station, linked to
    a family: the station is recorded). Then skill, description, time window (starts_at <
    ends_at), address (the family's by default), optional coordinates; then publish it —
    matching offers the top 5 — unless ``publish`` is false. 422 naming the field, 404 for
    a family, case or lead outside what the actor may see, 403 for a role that may not post."""
    source = resolve_source(actor, data)
    extra: dict[str, Any] = {}
    if source is not None:
        household = source.household
        extra = dict(source.fields)
        household_id = household.household_id
    else:
        if getattr(actor, "is_outside", False):
            raise ServiceError(ErrorCode.FORBIDDEN, _(
                "社工请在本人负责的个案页面发布服务需求，爱心驿站站长请在本驿站报告的线索上发布"))
        household_id = _text(data, "household_id", limit=40)
        found = (Household.objects.visible_to(actor).filter(household_id=household_id)
                 .first())
        if found is None:
            raise field_error("household_id", _("家庭不存在或不在您的辖区"))
        household = found
        require(actor, household.region_path, "xingfu.post_need", what=_("家庭"))
        station_id = data.get("station_id")
        if station_id not in (None, ""):
            from jiuzhu.stations.models import LoveStation

            station = LoveStation.objects.visible_to(actor).filter(
                pk=_pk(station_id, "station_id")).first()
            if station is None:
                raise field_error("station_id", _("爱心驿站不存在"))
            extra["station"] = station
    skill = _skill(data.get("skill"), "skill")
    description = _text(data, "description", limit=2000)
    starts_at, ends_at = _when(data, "starts_at"), _when(data, "ends_at")
    if ends_at <= starts_at:
        raise field_error("ends_at", _("结束时间应晚于开始时间"))
    address = _text(data, "address", required=False) or household.address
    if not address:
        raise field_error("address", _("必填项"))
    need = ServiceNeed.objects.create(
        household=household, region=household.region, region_path=household.region_path,
        skill=skill, description=description, starts_at=starts_at, ends_at=ends_at,
        address=address, phone=_text(data, "phone", required=False, limit=20) or household.phone,
        latitude=_coordinate(data, "latitude", 90), longitude=_coordinate(data, "longitude", 180),
        posted_by=actor if actor.pk else None, **extra)
    detail: dict[str, Any] = {"need": need.number, "skill": skill, "household": household_id}
    if need.station_id:
        detail["station"] = need.station_id
    if need.social_case_id:
        detail["social_case"] = need.social_case_id
    audit_record(actor=actor, action="create", obj=need, detail=detail)
    if publish:
        NEED_WORKFLOW.perform(actor=actor, obj=need.pk, action="publish")
        need.refresh_from_db()
    return need


@transaction.atomic
def provider_register(*, actor: Any, data: dict[str, Any]) -> Provider:
    """Register a provider: name, kind, region (code), regions served (codes), skills,
    optional user (username of a provider user), organisation (id), phone, coordinates and
    weekly availability ({"0": [["08:00","12:00"]]}, 0 = Monday)."""
    name = _text(data, "name", limit=100)
    kind = data.get("kind")
    if kind not in ProviderKind.values:
        raise field_error("kind", _("取值不在允许范围内"))
    region = Region.objects.filter(code=_text(data, "region_code", limit=15)).first()
    if region is None:
        raise field_error("region_code", _("区划不存在"))
    require(actor, region.path, "xingfu.manage_providers", what=_("区划"))
    skills = data.get("skills") or []
    if not isinstance(skills, list) or not skills:
        raise field_error("skills", _("至少选择一项服务技能"))
    for i, skill in enumerate(skills):
        _skill(skill, f"skills[{i}]")
    codes = data.get("regions_served") or [region.code]
    served = list(Region.objects.filter(code__in=codes))
    if len(served) != len(set(codes)):
        raise field_error("regions_served", _("区划不存在"))
    availability = data.get("availability") or {}
    if not isinstance(availability, dict) or any(
            k not in {str(d) for d in range(7)} or not isinstance(v, list)
            for k, v in availability.items()):
        raise field_error("availability", _("格式不正确"))
    user = None
    username = _text(data, "username", required=False, limit=150)
    if username:
        from jiuzhu.accounts.models import User

        user = User.objects.filter(username=username, role="provider").first()
        if user is None:
            raise field_error("username", _("没有这个志愿者/服务商账号"))
    provider = Provider.objects.create(
        name=name, kind=kind, region=region, region_path=region.path, skills=list(skills),
        organisation_id=data.get("organisation_id") or (user.organisation_id if user else None),
        user=user, phone=_text(data, "phone", required=False, limit=20),
        latitude=_coordinate(data, "latitude", 90), longitude=_coordinate(data, "longitude", 180),
        availability=availability)
    provider.regions_served.set(served)
    audit_record(actor=actor, action="create", obj=provider,
                 detail={"provider": name, "kind": kind, "skills": list(skills)})
    return provider


def need_act(*, actor: Any, need: ServiceNeed | int, action: str,
             data: dict[str, Any] | None = None, now: datetime | None = None) -> ServiceNeed:
    """One step of the need's table (see ``workflow``)."""
    options: dict[str, Any] = {"now": now} if now else {}
    return NEED_WORKFLOW.perform(actor=actor, obj=getattr(need, "pk", need), action=action,
                                 data=data, **options)


def accept(*, actor: Any, need: ServiceNeed | int, now: datetime | None = None) -> Order:
    """The provider accepts an offer: the first gets the order, exactly once (409 after)."""
    done = need_act(actor=actor, need=need, action="accept", now=now)
    return Order.objects.get(need=done)


def order_act(*, actor: Any, order: Order | int, action: str,
              data: dict[str, Any] | None = None, now: datetime | None = None) -> Order:
    """check_in / check_out / confirm on an order (the need's table does the work)."""
    if action not in ("check_in", "check_out", "confirm"):
        raise ServiceError(ErrorCode.NOT_FOUND, _("没有这个动作：%(name)s") % {"name": action})
    row = get_visible(Order, actor, message=_("服务工单不存在"), pk=getattr(order, "pk", order))
    need_act(actor=actor, need=row.need_id, action=action, data=data, now=now)
    return Order.objects.select_related("need", "provider").get(pk=row.pk)
