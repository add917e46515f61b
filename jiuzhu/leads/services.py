"""Writes of grids and proactive discovery (一张网, 全城发现): responsible workers of a grid,
leads, their conversion into a household record and a visit task, and visit outcomes.

Every function checks everything first and changes nothing when it refuses."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import ConfigDict, Field

from jiuzhu.accounts.choices import Role
from jiuzhu.accounts.models import User
from jiuzhu.accounts.rules import is_outside_member
from jiuzhu.applications.attachments import sniff
from jiuzhu.audit.services import audit_record
from jiuzhu.calendars.selectors import add_working_days
from jiuzhu.core.access import SYSTEM, sees_everything, visible_path
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.workflow import Action, Workflow
from jiuzhu.core.workflow import Context as WorkflowContext
from jiuzhu.households.choices import HouseholdStatus
from jiuzhu.households.models import Member
from jiuzhu.households.services import household_register
from jiuzhu.regions.models import Region
from jiuzhu.rules import vocabulary as v
from jiuzhu.rules.validation import birth_date_from_id, id_check_character
from jiuzhu.stations.models import LoveStation

from .choices import (
    GRID_MANAGERS,
    LEAD_RECORDERS,
    LeadAction,
    LeadSource,
    LeadStatus,
    Outcome,
    TaskStatus,
    Urgency,
    visit_limit_days,
)
from .events import critical_lead
from .models import GridAssignment, Lead, LeadEvent, VisitPhoto, VisitTask
from .schemas import VisitOutcomeIn

PHONE = re.compile(r"^[0-9+\- ]{5,20}$")
ID_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6


def _require(actor: Any, roles: frozenset[str], message: str) -> None:
    if sees_everything(actor) or getattr(actor, "role", None) in roles:
        return
    raise ServiceError(ErrorCode.FORBIDDEN, message)


def _sees(actor: Any, path: str) -> bool:
    """Whether ``actor`` may see what lies at ``path`` (own subtree or responsible grids)."""
    return visible_path(actor, path)


def _refuse(errors: list[dict[str, str]], message: str = "") -> None:
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, message or _("信息有误，请按提示修改"), errors)


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def id_number_errors(value: str, path: str = "id_number") -> list[dict[str, str]]:
    """What is wrong with an ID number (居民身份证号码) that was given; [] when it is right."""
    if not ID_PATTERN.match(value):
        return [{"path": path, "message": _("身份证号应为 18 位：17 位数字加 1 位数字或大写 X")}]
    if id_check_character(value[:17]) != value[17]:
        return [{"path": path, "message": _("身份证号校验位错误，请核对")}]
    if birth_date_from_id(value) is None:
        return [{"path": path, "message": _("身份证号中的出生日期无效")}]
    return []


def _event(lead: Lead, actor: Any, action: str, *, data: dict | None = None,
           note: str = "") -> LeadEvent:
    user = actor if getattr(actor, "pk", None) else None
    return LeadEvent.objects.create(
        lead=lead, action=action, data=data or {}, note=note, actor=user,
        actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "")) if user
        else "system")


# --- grid responsibility (责任田、责任人) ---------------------------------------------------

@transaction.atomic
def grid_assign(*, actor: Any, grid: Region, worker: User) -> GridAssignment:
    """Name ``worker`` (a grid worker) responsible for ``grid``."""
    _require(actor, GRID_MANAGERS, "您无权指定网格责任人")
    if grid.level != "grid" or not _sees(actor, grid.path):
        raise ServiceError(ErrorCode.NOT_FOUND, _("网格不存在"))
    errors = []
    if worker.role != Role.GRID_WORKER or not worker.is_active:
        errors.append({"path": "worker", "message": _("只能指定岗位为网格员的在职用户")})
    elif not _sees(actor, worker.region_path or "-"):
        errors.append({"path": "worker", "message": _("该网格员不在您的管辖范围内")})
    elif GridAssignment.objects.filter(grid=grid, worker=worker).exists():
        errors.append({"path": "worker", "message": _("该网格员已是本网格的责任人")})
    _refuse(errors, _("不能指定该网格员"))
    assignment = GridAssignment.objects.create(
        grid=grid, worker=worker, region_path=grid.path,
        assigned_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="grid_assign", obj=assignment,
                 detail={"grid": grid.code, "worker": worker.username})
    return assignment


@transaction.atomic
def grid_unassign(*, actor: Any, assignment: GridAssignment) -> None:
    _require(actor, GRID_MANAGERS, "您无权调整网格责任人")
    if not _sees(actor, assignment.region_path):
        raise ServiceError(ErrorCode.NOT_FOUND, _("网格责任人不存在"))
    audit_record(actor=actor, action="grid_unassign", obj=assignment,
                 detail={"grid": assignment.grid.code, "worker": assignment.worker.username})
    assignment.delete()


# --- leads ----------------------------------------------------------------------------------

LEAD_FIELDS = ("source", "reporter_name", "reporter_phone", "station_name", "person_name",
               "id_number", "phone", "address", "region_code", "description", "urgency")


def is_station_keeper(actor: Any) -> bool:
    """A love station's keeper (爱心驿站站长): records leads under their own station only."""
    return getattr(actor, "role", None) == Role.STATION_KEEPER and bool(is_outside_member(actor))


def _station(actor: Any, data: dict[str, Any], clean: dict[str, Any],
             errors: list[dict[str, str]]) -> LoveStation | None:
    """The registered station a lead is reported under: ``station_id`` (an active station
    the recorder sees: a keeper sees only their own), else the one active station the
    recorder sees whose name is the typed ``station_name``; a keeper's only station by
    default. Sets the source (爱心驿站) and the station's name in ``clean``."""
    visible = LoveStation.objects.visible_to(actor).filter(active=True)
    keeper = is_station_keeper(actor)
    raw = data.get("station_id")
    station = None
    if raw not in (None, ""):
        try:
            station = visible.filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            station = None
        if station is None:
            errors.append({"path": "station_id", "message": _("爱心驿站不存在、已停用或不在您的管辖范围内")})
            return None
    elif keeper:
        own = list(visible[:2])
        if len(own) != 1:
            errors.append({"path": "station_id", "message": _("请选择报告线索的爱心驿站")})
            return None
        station = own[0]
    elif clean["source"] == LeadSource.LOVE_STATION and clean["station_name"]:
        named = list(visible.filter(name=clean["station_name"])[:2])
        station = named[0] if len(named) == 1 else None
    if station is not None:
        if clean["source"] not in ("", LeadSource.LOVE_STATION):
            errors.append({"path": "source", "message": _("驿站报告的线索，来源应为爱心驿站")})
        clean["source"] = LeadSource.LOVE_STATION
        clean["station_name"] = station.name
    return station


def lead_validate(*, actor: Any, data: dict[str, Any]) -> tuple[dict[str, Any], Region]:
    """The cleaned fields of a new lead and its region. Raises ServiceError (422)."""
    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, _("线索信息应为对象"), [{"path": "", "message": _("应为对象")}])
    clean: dict[str, Any] = {name: _text(data, name) for name in LEAD_FIELDS}
    clean["id_number"] = clean["id_number"].upper()
    clean["urgency"] = clean["urgency"] or Urgency.NORMAL
    errors: list[dict[str, str]] = []
    if is_station_keeper(actor):
        clean["source"] = LeadSource.LOVE_STATION
    clean["station"] = _station(actor, data, clean, errors)
    if clean["source"] not in LeadSource.values:
        errors.append({"path": "source", "message": _("请选择线索来源（热线、爱心驿站、网格员发现或其他）")})
    if (clean["source"] == LeadSource.LOVE_STATION and not clean["station_name"]
            and not any(e["path"] == "station_id" for e in errors)):
        errors.append({"path": "station_name", "message": _("爱心驿站报告的线索请选择或填写驿站名称")})
    if not clean["person_name"]:
        errors.append({"path": "person_name", "message": _("请填写被报告人姓名")})
    if not clean["description"]:
        errors.append({"path": "description", "message": _("请填写看到的困难情况")})
    if clean["urgency"] not in Urgency.values:
        errors.append({"path": "urgency", "message": _("紧急程度应为一般、较急或紧急")})
    if clean["id_number"]:
        errors += id_number_errors(clean["id_number"])
    for name in ("phone", "reporter_phone"):
        if clean[name] and not PHONE.match(clean[name]):
            errors.append({"path": name, "message": _("电话应为 5–20 位数字、+、- 或空格")})
    for name, limit in (("person_name", 64), ("reporter_name", 64), ("station_name", 100),
                        ("address", 200)):
        if len(clean[name]) > limit:
            errors.append({"path": name, "message": _("不能超过 %(limit)s 个字") % {"limit": limit}})
    region = None
    if not clean["region_code"]:
        errors.append({"path": "region_code", "message": _("请选择所在村（社区）或网格")})
    else:
        region = Region.objects.filter(code=clean["region_code"]).first()
        if region is None or not _sees(actor, region.path):
            errors.append({"path": "region_code", "message": _("区划不存在或不在您的管辖范围内")})
        elif region.level not in ("village", "grid"):
            errors.append({"path": "region_code", "message": _("请选择到村（社区）或网格")})
    _refuse(errors, _("线索信息有误，请按提示修改"))
    assert region is not None
    return clean, region


@transaction.atomic
def lead_record(*, actor: Any, data: dict[str, Any]) -> Lead:
    """Record a lead (登记线索) from the hotline, a love station, a grid worker or elsewhere.

    A critical lead (紧急) whose ID number belongs to an active household the recorder may
    see names that household at once, and :func:`events.critical_lead` is told in this
    transaction (emergency opens a case for the township's duty list)."""
    if not is_station_keeper(actor):
        _require(actor, LEAD_RECORDERS, "您的岗位不能登记线索")
    clean, region = lead_validate(actor=actor, data=data)
    clean.pop("region_code")
    if clean["source"] != LeadSource.LOVE_STATION:
        clean["station_name"], clean["station"] = "", None
    household = None
    if clean["urgency"] == Urgency.CRITICAL and clean["id_number"]:
        household = _registered_household(actor, clean["id_number"])
    lead = Lead.objects.create(region=region, region_path=region.path, household=household,
                               created_by=actor if getattr(actor, "pk", None) else None, **clean)
    _event(lead, actor, LeadAction.RECORD, data={
        "source": lead.source, "region": region.code,
        **({"station": lead.station_id} if lead.station_id else {}),
        **({"household": household.household_id} if household else {})})
    audit_record(actor=actor, action="lead_record", obj=lead,
                 detail={"lead": lead.number, "source": lead.source, "urgency": lead.urgency})
    if household is not None:
        critical_lead(lead, actor=actor)
    return lead


def _registered_household(actor: Any, id_number: str) -> Any:
    """The active household a member with ``id_number`` belongs to, if ``actor`` sees it."""
    member = (Member.objects.filter(id_number=id_number, household__status=HouseholdStatus.ACTIVE)
              .select_related("household").first())
    if member is None or not _sees(actor, member.household.region_path):
        return None
    return member.household


def _village_of(region: Region) -> Region:
    return region if region.level == "village" else region.parent  # type: ignore[return-value]


def _grid_of(lead: Lead) -> Region | None:
    return lead.region if lead.region.level == "grid" else None


def _default_assignee(lead: Lead) -> User | None:
    grid = _grid_of(lead)
    if grid is None:
        return None
    assignment = (GridAssignment.objects.filter(grid=grid, worker__is_active=True)
                  .select_related("worker").order_by("id").first())
    return assignment.worker if assignment else None


def _household_errors(error: ServiceError) -> list[dict[str, str]]:
    """The household services' errors, named by the fields of the conversion form."""
    out = []
    for item in error.errors or [{"path": "", "message": error.message}]:
        path = str(item.get("path", ""))
        if path.startswith("members[0]."):
            path = path.removeprefix("members[0].")
            path = "id_number" if path == "birth_date" else path
        elif path not in ("address", "phone", "area_type", "region_code"):
            path = ""
        out.append({"path": path, "message": item.get("message", "")})
    return out


def lead_household_data(*, lead: Lead, id_number: str, health: str, occupation: str,
                        area_type: str, on: date) -> dict[str, Any]:
    """A minimal household: the reported person as head, with only what is known."""
    village = _village_of(lead.region)
    born = birth_date_from_id(id_number)
    data: dict[str, Any] = {
        "household_id": f"XS{village.code}{lead.pk:06d}",
        "region_code": village.code,
        "area_type": area_type,
        "assessment_date": on.isoformat(),
        "members": [{"member_id": "M1", "name": lead.person_name, "id_number": id_number,
                     "relation": "head", "birth_date": born.isoformat() if born else "",
                     "health": health, "occupation": occupation}],
    }
    if lead.address:
        data["address"] = lead.address
    if lead.phone:
        data["phone"] = lead.phone
    return data


def _convert(ctx: WorkflowContext) -> None:
    """转为家庭档案和走访任务 (the ``convert`` row): the household and the first visit task."""
    lead, actor, today = ctx.obj, ctx.actor, ctx.today
    id_number, health = ctx.data.get("id_number", ""), ctx.data.get("health", "")
    occupation, area_type = ctx.data.get("occupation", ""), ctx.data.get("area_type", "")
    assignee: User | None = ctx.options.get("assignee")
    id_number = (id_number or lead.id_number or "").strip().upper()
    errors: list[dict[str, str]] = []
    if id_number:
        errors += id_number_errors(id_number)
    if assignee is None:
        assignee = _default_assignee(lead)
        if assignee is None:
            errors.append({"path": "assignee", "message": _("该线索所在网格没有责任网格员，请指定走访人")})
    elif not assignee.is_active or assignee.role not in (Role.GRID_WORKER, Role.VILLAGE_ASSISTANT) \
            or not (_sees(actor, assignee.region_path or "-")
                    or GridAssignment.objects.filter(worker=assignee, grid=lead.region).exists()):
        errors.append({"path": "assignee", "message": _("走访人应为本辖区的网格员或村居协理员")})
    _refuse(errors, _("不能转化该线索，请按提示修改"))

    household = None
    if id_number:
        member = (Member.objects.filter(id_number=id_number,
                                        household__status=HouseholdStatus.ACTIVE)
                  .select_related("household").first())
        if member is not None:
            household = member.household
            if not _sees(actor, household.region_path):
                raise ServiceError(ErrorCode.DUPLICATE_MEMBER,
                                   _("该身份证号已在其他辖区的在册家庭中登记，请联系该辖区处理"),
                                   [{"path": "id_number", "message": _("已在其他辖区的在册家庭中登记")}])
    created = household is None
    if household is None:
        village = _village_of(lead.region)
        area_type = village.area_type or lead.region.area_type or area_type
        missing = []
        if not id_number:
            missing.append({"path": "id_number", "message": _("未找到在册家庭；登记新家庭需要被报告人的身份证号")})
        if health not in v.HEALTH:
            missing.append({"path": "health", "message": _("登记新家庭需要户主的健康状况")})
        if occupation not in v.OCCUPATIONS:
            missing.append({"path": "occupation", "message": _("登记新家庭需要户主的职业")})
        if area_type not in v.AREA_TYPES:
            missing.append({"path": "area_type", "message": _("请选择城乡类别")})
        _refuse(missing, _("登记家庭所需信息不全，请补充"))
        data = lead_household_data(lead=lead, id_number=id_number, health=health,
                                   occupation=occupation, area_type=area_type, on=today)
        try:
            household = household_register(actor=actor, data=data,
                                           reason=f"线索 {lead.number} 转化")
        except ServiceError as error:
            if error.code == ErrorCode.FORBIDDEN:
                raise
            raise ServiceError(error.code, error.message, _household_errors(error)) from None
    assert household is not None and assignee is not None
    limit = visit_limit_days(lead.urgency)
    task = VisitTask.objects.create(
        lead=lead, household=household, region_path=lead.region_path, assignee=assignee,
        sequence=1, started_on=today, due_on=add_working_days(today, limit).due,
        limit_days=limit, created_by=actor if getattr(actor, "pk", None) else None)
    # a critical lead that did not name its household when recorded reaches emergency now
    ctx.options["critical"] = lead.urgency == Urgency.CRITICAL and lead.household_id is None
    lead.household = household
    lead.id_number = id_number
    detail = {"household": household.household_id, "household_created": created,
              "task": task.pk, "assignee": assignee.username, "due_on": task.due_on.isoformat()}
    ctx.options.setdefault("out", {})["task"] = task
    ctx.options["record"] = (LeadAction.CONVERT, "lead_convert", detail, "")


def lead_convert(*, actor: Any, lead: Lead, id_number: str = "", health: str = "",
                 occupation: str = "", area_type: str = "", assignee: User | None = None,
                 today: date | None = None) -> VisitTask:
    """Make a lead a household record and a visit task (转为家庭档案和走访任务), through the
    ``convert`` row of :data:`LEAD_WORKFLOW`.

    The active household of the ID number is used if there is one; otherwise a household
    is registered with the reported person as head. The task goes to ``assignee`` or the
    grid's first responsible worker and is due in three working days (two for an urgent
    lead, one for a critical one: ``choices.visit_limit_days``). A critical lead that gets
    its household here is told to :func:`events.critical_lead` in the same transaction."""
    out: dict[str, Any] = {}
    LEAD_WORKFLOW.perform(actor=actor, obj=lead, action="convert", today=today, data={
        "id_number": id_number or "", "health": health or "", "occupation": occupation or "",
        "area_type": area_type or ""}, assignee=assignee, out=out)
    return out["task"]


# --- visits and outcomes --------------------------------------------------------------------

def _linked_exists(number: str, actor: Any, lead_path: str = "") -> bool:
    """Whether ``number`` is an application or an intake request the actor may see, or one
    of the township (or village) the lead lies in."""
    from jiuzhu.applications.models import Application

    candidates: list[Any] = [Application, *apps.get_app_config("intake").get_models()]
    for model in candidates:
        try:
            model._meta.get_field("number")
            model._meta.get_field("region_path")
        except Exception:  # noqa: BLE001 - a model without a number is no intake request
            continue
        row = model.objects.filter(number=number).values_list("region_path", flat=True).first()
        if row is not None and (_sees(actor, row) or (row and lead_path.startswith(row))):
            return True
    return False


def _coordinate(value: Any, path: str, limit: int, errors: list) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors.append({"path": path, "message": _("应为数字")})
        return None
    if not -limit <= number <= limit:
        errors.append({"path": path, "message": _("应在 -%(limit)s 到 %(limit)s 之间") % {"limit": limit}})
        return None
    return number


def _outcome_errors(*, outcome: str, referred_to: str, linked_number: str, actor: Any,
                    lead_path: str, allow_unreachable: bool = True) -> list[dict[str, str]]:
    errors = []
    if outcome not in Outcome.values:
        errors.append({"path": "outcome", "message": _("请选择走访结果（必填），没有结果不能办结")})
    elif outcome == Outcome.UNREACHABLE and not allow_unreachable:
        errors.append({"path": "outcome", "message": _("无法联系的线索需要再访，不能以此结果办结")})
    if outcome == Outcome.REFERRED and not referred_to:
        errors.append({"path": "referred_to", "message": _("请填写转往的部门")})
    if outcome == Outcome.APPLIED and linked_number and not _linked_exists(linked_number, actor,
                                                                           lead_path):
        errors.append({"path": "linked_number", "message": _("未找到该编号的申请或受理登记")})
    return errors


def _photos(photos: list[tuple[str, bytes]]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    errors, kept = [], []
    if len(photos) > MAX_PHOTOS:
        errors.append({"path": "photos", "message": _("最多上传 %(MAX_PHOTOS)s 张照片") % {"MAX_PHOTOS": MAX_PHOTOS}})
    for name, content in photos[:MAX_PHOTOS]:
        kind = sniff(content[:16]) if content else None
        if kind is None or not kind[0].startswith("image/"):
            errors.append({"path": "photos", "message": _("%(name)s：只接受 JPEG 或 PNG 照片（按内容识别）") % {"name": name}})
        elif len(content) > MAX_PHOTO_BYTES:
            errors.append({"path": "photos", "message": _("%(name)s：照片不能超过 10 MB") % {"name": name}})
        else:
            kept.append({"name": name, "content": content, "type": kind[0], "ext": kind[1]})
    return kept, errors


def _visit(ctx: WorkflowContext) -> None:
    """The ``record`` row of :data:`VISIT_WORKFLOW`: the visit, its photos, and the lead —
    closed with the outcome, or given the next task when the family was unreachable."""
    task, actor, today, d = ctx.obj, ctx.actor, ctx.today, ctx.data
    photos: list[tuple[str, bytes]] = ctx.options.get("photos") or []
    visited_on = ctx.input.visited_on
    findings, outcome_note = d.get("findings", ""), d.get("outcome_note", "")
    referred_to, linked_number = d.get("referred_to", ""), d.get("linked_number", "")
    outcome = d.get("outcome", "")
    latitude, longitude = d.get("latitude"), d.get("longitude")
    errors = _outcome_errors(outcome=outcome, referred_to=referred_to,
                             linked_number=linked_number, actor=actor,
                             lead_path=task.region_path)
    if visited_on is None:
        errors.append({"path": "visited_on", "message": _("请填写走访日期")})
    elif visited_on > today:
        errors.append({"path": "visited_on", "message": _("走访日期不能晚于今天")})
    elif visited_on < task.started_on:
        errors.append({"path": "visited_on", "message": _("走访日期不能早于任务派发日期")})
    if not findings:
        errors.append({"path": "findings", "message": _("请填写走访发现的情况")})
    lat = _coordinate(latitude, "latitude", 90, errors)
    lon = _coordinate(longitude, "longitude", 180, errors)
    if (lat is None) != (lon is None) and not any(e["path"] in ("latitude", "longitude")
                                                   for e in errors):
        errors.append({"path": "latitude", "message": _("定位应同时有纬度和经度")})
    kept, photo_errors = _photos(photos or [])
    _refuse(errors + photo_errors, _("走访记录有误，请按提示修改"))

    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    task.visited_on, task.findings, task.latitude, task.longitude = visited_on, findings, lat, lon
    task.outcome, task.outcome_note = outcome, outcome_note
    task.referred_to = referred_to if outcome == Outcome.REFERRED else ""
    task.linked_number = linked_number if outcome == Outcome.APPLIED else ""
    task.closed_at, task.closed_by = now, user
    # done before the next task exists (one open task per lead): the row's own move, early
    VISIT_WORKFLOW.move(task, ctx.action, TaskStatus.DONE)
    task.save()
    for photo in kept:
        digest = hashlib.sha256(photo["content"]).hexdigest()
        row = VisitPhoto(task=task, content_type=photo["type"], size=len(photo["content"]),
                         sha256=digest, original_name=photo["name"][:200], uploaded_by=user)
        row.file.save(f"{digest[:16]}.{photo['ext']}", ContentFile(photo["content"]), save=False)
        row.save()
    lead = Lead.objects.select_for_update().get(pk=task.lead_id)
    detail = {"task": task.pk, "sequence": task.sequence, "visited_on": visited_on.isoformat(),
              "outcome": outcome, "referred_to": task.referred_to,
              "linked_number": task.linked_number, "photos": len(kept)}
    _event(lead, actor, LeadAction.VISIT, data=detail, note=findings)
    if outcome == Outcome.UNREACHABLE:
        following = VisitTask.objects.create(
            lead=lead, household=task.household, region_path=task.region_path,
            assignee=task.assignee, sequence=task.sequence + 1, started_on=today,
            due_on=add_working_days(today, task.limit_days).due, limit_days=task.limit_days,
            created_by=user)
        _event(lead, actor, LeadAction.REVISIT,
               data={"task": following.pk, "due_on": following.due_on.isoformat()})
    else:
        _follow(LEAD_WORKFLOW, lead, "visited")
        _close(lead, actor, outcome=outcome, note=outcome_note or findings, now=now)
        if outcome == Outcome.NOT_ELIGIBLE:
            _monitor(lead, actor, outcome_note or findings)
    audit_record(actor=actor, action="lead_visit", obj=lead, detail={"lead": lead.number, **detail})


@transaction.atomic
def visit_record(*, actor: Any, task: VisitTask, visited_on: date | None, findings: str,
                 outcome: str, outcome_note: str = "", referred_to: str = "",
                 linked_number: str = "", latitude: Any = None, longitude: Any = None,
                 photos: list[tuple[str, bytes]] | None = None,
                 today: date | None = None) -> VisitTask:
    """Record a visit and its outcome (走访结果), which closes the task, through the
    ``record`` row of :data:`VISIT_WORKFLOW` (the assignee, or a window worker or village
    assistant of the region).

    Without an outcome nothing is closed (422 naming ``outcome``). ``unreachable`` keeps the
    lead open and gives the same worker the next visit task; any other outcome closes the
    lead with it."""
    return VISIT_WORKFLOW.perform(actor=actor, obj=task, action="record", today=today, data={
        "visited_on": visited_on.isoformat() if visited_on else None, "findings": findings or "",
        "outcome": outcome or "", "outcome_note": outcome_note or "",
        "referred_to": referred_to or "", "linked_number": linked_number or "",
        "latitude": latitude, "longitude": longitude}, photos=photos)


def _monitor(lead: Lead, actor: Any, note: str) -> None:
    """暂不符合（纳入监测）: the lead's household is kept for monitoring (it counts in
    information circle 4 while outside every circle), as the one who closes the lead, or as
    the system when their role does not put families under monitoring."""
    if lead.household_id is None:
        return
    from jiuzhu.assessments.services import enter_monitoring

    household = lead.household
    assert household is not None
    by = actor if (getattr(actor, "pk", None) and actor.has_perm("assessments.monitor")
                   and _sees(actor, household.region_path)) else SYSTEM
    enter_monitoring(actor=by, household=household,
                     reason=note or _("线索走访：暂不符合救助条件"), source=lead.number)


def _close(lead: Lead, actor: Any, *, outcome: str, note: str, now: Any) -> None:
    """The lead's outcome (its state was moved by a row of :data:`LEAD_WORKFLOW`)."""
    lead.outcome, lead.outcome_note = outcome, note
    lead.closed_at = now
    lead.closed_by = actor if getattr(actor, "pk", None) else None
    lead.save(update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by"])
    _event(lead, actor, LeadAction.CLOSE, data={"outcome": outcome}, note=note)


def _close_lead(ctx: WorkflowContext) -> None:
    """The ``close`` row of :data:`LEAD_WORKFLOW`: an outcome without (another) visit; an
    open visit task is withdrawn (its ``withdraw`` row)."""
    lead, actor, d = ctx.obj, ctx.actor, ctx.data
    outcome, note = d.get("outcome", ""), d.get("note", "")
    referred_to, linked_number = d.get("referred_to", ""), d.get("linked_number", "")
    errors = _outcome_errors(outcome=outcome, referred_to=referred_to,
                             linked_number=linked_number, actor=actor,
                             lead_path=lead.region_path, allow_unreachable=False)
    if not note:
        errors.append({"path": "note", "message": _("请说明办结理由")})
    _refuse(errors, _("不能办结该线索，请按提示修改"))
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    withdrawn = []
    for task in lead.tasks.select_for_update().filter(status=TaskStatus.OPEN):
        _follow(VISIT_WORKFLOW, task, "withdraw")
        task.closed_at, task.closed_by = now, user
        task.save(update_fields=["status", "closed_at", "closed_by"])
        withdrawn.append(task.pk)
    extra = " ".join(x for x in (referred_to, linked_number) if x)
    lead.outcome, lead.outcome_note = outcome, f"{note}（{extra}）" if extra else note
    if outcome == Outcome.NOT_ELIGIBLE:
        _monitor(lead, actor, note)
    lead.closed_at, lead.closed_by = now, user
    ctx.options["record"] = (LeadAction.CLOSE, "lead_close",
                             {"outcome": outcome, "withdrawn_tasks": withdrawn}, lead.outcome_note)


def lead_close(*, actor: Any, lead: Lead, outcome: str, note: str = "", referred_to: str = "",
               linked_number: str = "") -> Lead:
    """Close a lead with an outcome without (another) visit, e.g. a family already assisted;
    an open visit task is withdrawn. ``unreachable`` cannot close a lead."""
    return LEAD_WORKFLOW.perform(actor=actor, obj=lead, action="close", data={
        "outcome": outcome or "", "note": note or "", "referred_to": referred_to or "",
        "linked_number": linked_number or ""})


# --- the transition tables ---------------------------------------------------------------------
#
# A lead: new → (convert) visiting → closed, by a visit's outcome or closed directly; a visit
# task: open → done (recorded) or cancelled (withdrawn when its lead is closed). The rows
# whose permission is empty are taken only by another row's handler, never by a user.


def _follow(workflow: Workflow, obj: Any, name: str) -> None:
    """Move ``obj`` by the row ``name`` of ``workflow`` (a consequence of another action)."""
    row = workflow.action(name)
    if not row.allowed_in(workflow.state_of(obj)):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("当前状态不能“%(label)s”") % {"label": _(row.label)})
    workflow.move(obj, row, row.possible_targets()[0])


def _record_lead(ctx: WorkflowContext) -> None:
    event, audit_action, detail, note = ctx.options["record"]
    lead = ctx.obj
    _event(lead, ctx.actor, event, data=detail, note=note if event == LeadAction.CLOSE else "")
    audit_record(actor=ctx.actor, action=audit_action, obj=lead,
                 detail={"lead": lead.number, **detail})
    if ctx.options.get("critical"):  # saved with its household: emergency may open a case
        critical_lead(lead, actor=ctx.actor)


class ConvertIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    id_number: str = ""
    health: str = ""
    occupation: str = ""
    area_type: str = ""


class CloseIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    outcome: str = Field("", description="applied, already_assisted, not_eligible, referred")
    note: str = Field("", description="办结理由")
    referred_to: str = ""
    linked_number: str = ""


class VisitIn(VisitOutcomeIn):
    model_config = ConfigDict(str_strip_whitespace=True)


LEAD_WORKFLOW = Workflow(
    name="leads", model=Lead, states=LeadStatus.values, state_field="status",
    not_found="线索不存在", select_related=("region",), record=_record_lead,
    actions=[
        Action("convert", gettext_noop("转为家庭档案和走访任务"), source=(LeadStatus.NEW,),
               target=LeadStatus.VISITING, permission="leads.convert_lead", schema=ConvertIn,
               deadline=None, handler=_convert),
        Action("close", gettext_noop("办结"), source=(LeadStatus.NEW, LeadStatus.VISITING),
               target=LeadStatus.CLOSED, permission="leads.close_lead", schema=CloseIn,
               handler=_close_lead),
        Action("visited", gettext_noop("走访后办结"), source=(LeadStatus.VISITING,),
               target=LeadStatus.CLOSED),
    ],
)

VISIT_WORKFLOW = Workflow(
    name="visits", model=VisitTask, states=TaskStatus.values, state_field="status",
    not_found="走访任务不存在", select_related=("lead", "assignee"),
    actions=[
        Action("record", gettext_noop("记录走访结果"), source=(TaskStatus.OPEN,), target=TaskStatus.DONE,
               permission="leads.record_visit", schema=VisitIn, handler=_visit),
        Action("withdraw", gettext_noop("撤销走访任务"), source=(TaskStatus.OPEN,),
               target=TaskStatus.CANCELLED),
    ],
)
