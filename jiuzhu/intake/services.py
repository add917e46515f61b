"""The intake's writes (一门受理、转办/协办、跟踪督办).

Every service checks region (404), role (403), state (409 ``step_not_allowed``) and fields
(422 naming the field) before it writes, and writes in one transaction: a refusal changes
nothing. Items with a rules programme start their own procedure through
``jiuzhu.applications.services.application_create``; the others are transferred to their
department's officers (role ``department_officer`` with ``department`` = the item's
department code, region covering the household).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, field_validator

from jiuzhu.accounts.choices import Role
from jiuzhu.applications.attachments import upload_kind
from jiuzhu.applications.choices import Channel
from jiuzhu.audit.services import audit_record
from jiuzhu.calendars.alerts import row_alert, yellow_from
from jiuzhu.calendars.limits import step_limits
from jiuzhu.calendars.selectors import add_working_days
from jiuzhu.catalogue.models import Department, Item
from jiuzhu.catalogue.selectors import item_in_force
from jiuzhu.core.access import SYSTEM, visible_path
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.errors import field_error as _field_error
from jiuzhu.core.numbers import next_number, query_code
from jiuzhu.core.workflow import Action, Workflow
from jiuzhu.core.workflow import Context as WorkflowContext
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region

from .choices import OPEN_ITEM_STATES, ItemState, Mode, RequestStatus, Result
from .models import CoHandler, ItemStep, Request, RequestFile, RequestItem, Urge

WINDOW_ROLES = frozenset({Role.WINDOW_WORKER, Role.ADMINISTRATOR})
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
AGENT_CHANNELS = (Channel.PROXY, Channel.ACCOMPANIED)

ACTION_LABELS = {
    "create": "受理", "transfer": "转办", "start_internal": "平台受理", "accept": "部门受理",
    "request_more": "一次性告知补充材料", "resubmit": "补充材料", "finish": "办结",
    "return": "退回", "add_cohandler": "增加协办部门", "cohandle_finish": "协办办结",
    "urge": "督办", "urge_acknowledge": "签收督办", "take": "窗口受理网上申请",
}

Files = list[tuple[str, str, bytes]]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "full_name", "") or getattr(actor, "username", "")


def may_see(user: Any, region_path: str) -> bool:
    return visible_path(user, region_path)


def _is_admin(user: Any) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMINISTRATOR)


def township_of(region: Region) -> Region:
    if region.level == "township":
        return region
    for ancestor in reversed(region.ancestors()):
        if ancestor.level == "township":
            return ancestor
    return region


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def step_record(item: RequestItem, actor: Any, action: str, before: str, after: str,
                data: dict[str, Any] | None = None, *, on: date, department: str = "") -> ItemStep:
    record = ItemStep.objects.create(item=item, action=action, from_state=before, to_state=after,
                                     department_code=department or getattr(actor, "department", "") or "",
                                     actor=_user(actor), actor_name=_actor_name(actor), on=on,
                                     data=_jsonable(data or {}))
    if before != after:  # a stage ended: its processing-time fact, in this transaction
        from .facts import record_ended

        record_ended(item, record)
    return record


# --- numbers and codes ----------------------------------------------------------------------

def _next_number(township_code: str, on: date) -> str:
    return next_number(Request, f"SL{township_code}{on:%Y}")


def query_code_new() -> str:
    """8 characters without look-alikes (no I, L, O, 0, 1), unique among requests."""
    return query_code(Request)


# --- files ------------------------------------------------------------------------------------

def file_store(*, request: Request, actor: Any, material: str, name: str, data: bytes,
               item_code: str = "", path: str = "files") -> RequestFile:
    """Keep one scan; its type is read from the content (JPEG, PNG or PDF only)."""
    content_type, extension = upload_kind(data, path)
    digest = hashlib.sha256(data).hexdigest()
    record = RequestFile(request=request, item_code=item_code, material=material[:64],
                         content_type=content_type, size=len(data), sha256=digest,
                         original_name=name[:200], uploaded_by=_user(actor))
    record.file.save(f"{digest[:16]}.{extension}", ContentFile(data), save=False)
    record.save()
    return record


def _check_files(files: Files | None) -> Files:
    out = []
    for index, entry in enumerate(files or []):
        try:
            material, name, data = entry
        except (TypeError, ValueError):
            raise _field_error(f"files[{index}]", _("应为（材料名称，文件名，内容）")) from None
        upload_kind(data, f"files[{index}]")
        out.append((str(material), str(name), bytes(data)))
    return out


# --- checking the intake -------------------------------------------------------------------

@dataclass
class Applicant:
    name: str
    phone: str = ""
    id_number: str = ""
    agent_name: str = ""
    agent_phone: str = ""
    agent_id_number: str = ""


def _applicant(applicant: Any, household: Household | None, channel: str) -> Applicant:
    data = dict(applicant or {}) if not isinstance(applicant, Applicant) else applicant.__dict__
    name = str(data.get("name") or "").strip()
    if not name and household is not None:
        name = household.head_name
    errors = []
    if not name:
        errors.append({"path": "applicant.name", "message": _("请填写申请人姓名")})
    id_number = str(data.get("id_number") or "").strip().upper()
    if not id_number and household is not None:
        # The resident follows progress with the query code and the last 4 characters of
        # the applicant's ID number: by default the applicant is the head.
        head = household.members.filter(relation="head").order_by("position").first()
        if head is None or head.name != name:
            head = household.members.filter(name=name).order_by("position").first()
        id_number = (head.id_number if head is not None else "").upper()
    if id_number and (len(id_number) != 18 or not id_number[:17].isdigit()):
        errors.append({"path": "applicant.id_number", "message": _("身份证号应为 18 位")})
    agent_name = str(data.get("agent_name") or "").strip()
    if channel in AGENT_CHANNELS and not agent_name:
        errors.append({"path": "applicant.agent_name",
                       "message": _("代办、陪办须填写代办/陪办人姓名")})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("申请人信息有误"), errors)
    return Applicant(name=name[:64], phone=str(data.get("phone") or "").strip()[:20],
                     id_number=id_number, agent_name=agent_name[:64],
                     agent_phone=str(data.get("agent_phone") or "").strip()[:20],
                     agent_id_number=str(data.get("agent_id_number") or "").strip().upper()[:18])


def _items(codes: Any, on: date) -> list[Item]:
    if not isinstance(codes, list | tuple) or not codes:
        raise _field_error("items", _("请至少选择一个事项"))
    out, seen, errors = [], set(), []
    for index, code in enumerate(codes):
        code = str(code).strip().upper()
        if code in seen:
            errors.append({"path": f"items[{index}]", "message": _("事项 %(code)s 重复") % {"code": code}})
            continue
        seen.add(code)
        try:
            out.append(item_in_force(code, on))
        except ServiceError:
            errors.append({"path": f"items[{index}]", "message": _("未知或已停用的事项：%(code)s") % {"code": code}})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("事项有误"), errors)
    return out


def _materials(materials: Any, items: list[Item]) -> dict[str, list[str]]:
    materials = materials or {}
    if not isinstance(materials, dict):
        raise _field_error("materials", _("应为 {事项编码: [材料名称]}"))
    codes = {item.code for item in items}
    errors = []
    out: dict[str, list[str]] = {}
    for code, names in materials.items():
        if code not in codes:
            errors.append({"path": f"materials.{code}", "message": _("未选择事项 %(code)s") % {"code": code}})
            continue
        if not isinstance(names, list | tuple):
            errors.append({"path": f"materials.{code}", "message": _("应为材料名称列表")})
            continue
        item = next(i for i in items if i.code == code)
        unknown = [str(n) for n in names if str(n) not in item.materials]
        if unknown:
            errors.append({"path": f"materials.{code}",
                           "message": _("不在事项 %(code)s 的材料清单中：%(unknown)s") % {"code": code, "unknown": '、'.join(unknown)}})
            continue
        out[code] = [m for m in item.materials if m in {str(n) for n in names}]
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("材料清单有误"), errors)
    return out


def _due(started: date, limit: int) -> tuple[date, bool]:
    deadline = add_working_days(started, limit)
    return deadline.due, deadline.provisional


# --- creating a request at the window ---------------------------------------------------

def _may_take(actor: Any) -> bool:
    return bool(actor.has_perm("intake.take_request"))


def request_create(*, actor: Any, household: Household, items: list[str], channel: str,
                   materials: dict[str, list[str]] | None = None, files: Files | None = None,
                   applicant: Any = None, on: date | None = None,
                   tell_missing: bool = False) -> Request:
    """One intake at the window (一门受理) for ``household``: one request, one item per
    catalogue code. Items with a programme start their own procedure (``application_create``
    with the files whose material it lists); the others are transferred to their department
    with a due date ``limit`` working days from ``on``. A refusal of any item (422 naming
    ``items[i]``) changes nothing. ``files`` are (material, file name, content);
    ``applicant`` is ``{"name", "phone", "id_number", "agent_name", "agent_phone",
    "agent_id_number"}`` (the head of the household by default). ``materials`` are the
    originals seen (原件已核验) per item; with ``tell_missing`` (the window's checklist) what
    neither was seen nor scanned is told at once with its deadline (see ``_dispatch``)."""
    on = on or timezone.localdate()
    if not may_see(actor, household.region_path):
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"),
                           [{"path": "household_id", "message": _("家庭不存在或不在您的辖区")}])
    if not _may_take(actor):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能受理申请"))
    if channel not in Channel.values:
        raise _field_error("channel", _("渠道应为：%(values)s") % {"values": '、'.join(Channel.values)})
    if household.status != "active":
        raise _field_error("household_id", _("家庭已注销"))
    catalogue = _items(items, on)
    checked = _materials(materials, catalogue)
    person = _applicant(applicant, household, channel)
    files = _check_files(files)
    with transaction.atomic():
        township = township_of(household.region)
        request = Request(number=_next_number(township.code, on), query_code=query_code_new(),
                          household=household, channel=channel, region=township,
                          region_path=household.region_path, status=RequestStatus.OPEN,
                          requested_items=[i.code for i in catalogue], created_by=_user(actor),
                          received_on=on, taken_by=_user(actor), taken_at=timezone.now(),
                          applicant_name=person.name, applicant_phone=person.phone,
                          applicant_id_number=person.id_number, agent_name=person.agent_name,
                          agent_phone=person.agent_phone, agent_id_number=person.agent_id_number)
        request.save()
        for index, (material, name, data) in enumerate(files):
            file_store(request=request, actor=actor, material=material, name=name, data=data,
                       path=f"files[{index}]")
        _dispatch(request=request, actor=actor, household=household, catalogue=catalogue,
                  materials=checked, files=files, channel=channel, on=on,
                  tell_missing=tell_missing)
        audit_record(actor=actor, action="create", obj=request,
                     detail={"request": request.number, "items": [i.code for i in catalogue],
                             "household": household.household_id})
    return request


def _dispatch(*, request: Request, actor: Any, household: Household, catalogue: list[Item],
              materials: dict[str, list[str]], files: Files, channel: str, on: date,
              tell_missing: bool = False) -> None:
    """One row per item. ``materials`` are the originals the window saw (原件已核验) per item,
    ``files`` the scans: both count as received, except that a material the county wants
    scanned needs its scan (422 naming ``materials.<code>`` when only seen). With
    ``tell_missing`` (the window went through the checklist) what is still missing is told
    at once (一次性告知) with the day to bring it: an item decided here asks its
    application for the supplement (D02), a transferred one keeps the list for its
    department, with the county's supplement limit."""
    from jiuzhu.applications.materials import application_missing, missing_of, scans_required
    from jiuzhu.applications.services import application_act, application_create

    need_scan = scans_required(household.region.code)
    scanned_all = {f[0] for f in files}
    for code, seen in materials.items():
        only_seen = [m for m in seen if m in need_scan and m not in scanned_all]
        if only_seen:
            raise _field_error(f"materials.{code}", _("%(names)s 须上传扫描件（本县规定原件核验不能代替）")
                               % {"names": "、".join(only_seen)})
    seen_at = timezone.localtime().isoformat(timespec="minutes")
    for index, item in enumerate(catalogue):
        seen = materials.get(item.code, [])
        scanned = {m for m in item.materials if m in scanned_all}
        row = RequestItem(request=request, item=item, item_code=item.code, item_name=item.name,
                          department_code=item.department.code, household=household,
                          region_path=household.region_path,
                          materials=[m for m in item.materials if m in seen or m in scanned],
                          originals=[{"material": m, "by": _actor_name(actor), "at": seen_at}
                                     for m in seen],
                          limit=item.limit, started_on=on)
        if item.program:
            mine = [f for f in files if f[0] in item.materials or f[0] == "代办授权书"]
            try:
                application = application_create(actor=actor, household=household,
                                                  item_code=item.code, channel=channel,
                                                  files=mine, today=on, originals=seen)
                if channel == Channel.ONLINE:  # signed on the resident's phone (签署核对授权)
                    from jiuzhu.applications.signing import (
                        online_signatures_attach,
                        signed_materials,
                    )

                    online_signatures_attach(actor=actor, application=application,
                                             intake_number=request.number)
                    application.refresh_from_db()
                    signed = signed_materials(application)  # 授权书: every adult signed
                    row.materials = [m for m in item.materials
                                     if m in row.materials or m in signed]
                missing = application_missing(application, _required(application)) \
                    if tell_missing else []
                if missing:  # 一次性告知补正 at the window: D02, the supplement's limit runs
                    application = application_act(actor=actor, application_id=application.pk,
                                                  action="request_supplement",
                                                  data={"missing": missing}, today=on)
            except ServiceError as error:
                detail = "；".join(e.get("message", "") for e in error.errors) or error.message
                raise ServiceError(error.code, _("事项 %(code)s（%(name)s）不能受理：%(detail)s") % {"code": item.code, "name": item.name, "detail": detail},
                                   [{"path": f"items[{index}]",
                                     "message": f"{item.code} {item.name}：{detail}"}]) from None
            row.mode, row.state, row.application = Mode.INTERNAL, ItemState.INTERNAL, application
            row.due_date = application.final_due_date or application.due_date
            row.save()  # what is missing is its application's (补正, D02): it follows the case
            step_record(row, actor, "start_internal", "", row.state,
                        {"application": application.number, "missing": missing}, on=on)
        else:
            row.mode, row.state = Mode.TRANSFER, ItemState.TRANSFERRED
            row.due_date, row.deadline_provisional = _due(on, item.limit)
            row.yellow_on = yellow_from(on, item.limit)
            missing = missing_of(item.materials or [], seen=set(seen), scanned=scanned,
                                 need_scan=need_scan) if tell_missing else []
            if missing:
                row.missing = missing
                row.missing_due = _due(on, step_limits(household.region.code).supplement)[0]
            row.save()
            step_record(row, actor, "transfer", "", row.state,
                        {"department": item.department.code,
                         "materials": row.materials, "missing": missing}, on=on)


def _required(application: Any) -> tuple[str, ...]:
    from jiuzhu.applications.services import materials_required

    return tuple(materials_required(application))


# --- online requests ------------------------------------------------------------------------

def request_submit_online(*, household_data: dict[str, Any], applicant: dict[str, Any],
                          items: list[str], files: Files | None = None,
                          on: date | None = None,
                          signatures: list[dict[str, Any]] | None = None) -> Request:
    """A resident's online request (网上办), for the self-service app (``jiuzhu.selfservice``).

    - ``household_data``: a household dict in the shape of ``household.schema.json`` (at least
      ``region_code``, a township or village code); it is kept as is until the window
      registers or links the household (:func:`request_take`).
    - ``applicant``: ``{"name", "phone", "id_number"}`` (name required), optionally
      ``monthly_income`` and ``notes`` (what the resident declares beyond the household
      schema; kept in ``Request.declared`` for the window).
    - ``items``: catalogue codes in force (``["MZ01", "JY02"]``).
    - ``files``: (material, file name, content) — JPEG, PNG or PDF by content.
    - ``signatures``: the verification authorisation drawn on the phone by the applicant and
      other adults (``[{member_id, name, image, signed_at, latitude?, longitude?, device?}]``,
      ``verification.authorisations.online_signatures_store``); they become the case's
      signatures when the window takes the request.

    Returns the request in status ``awaiting_window`` with its ``query_code`` for the
    resident; no actor (the resident is not a user). 422 with field paths on bad input.
    """
    on = on or timezone.localdate()
    if not isinstance(household_data, dict):
        raise _field_error("household_data", _("应为家庭信息对象"))
    code = household_data.get("region_code")
    region = Region.objects.filter(code=code).first() if isinstance(code, str) and code else None
    if region is None or region.level not in ("township", "village", "grid"):
        raise _field_error("household_data.region_code", _("请选择所在乡镇（街道）或村（社区）"))
    catalogue = _items(items, on)
    person = _applicant(applicant, None, Channel.ONLINE)
    files = _check_files(files)
    with transaction.atomic():
        township = township_of(region)
        request = Request(number=_next_number(township.code, on), query_code=query_code_new(),
                          household=None, household_data=_jsonable(household_data),
                          requested_items=[i.code for i in catalogue], channel=Channel.ONLINE,
                          region=township, region_path=region.path,
                          status=RequestStatus.AWAITING_WINDOW, received_on=on,
                          applicant_name=person.name, applicant_phone=person.phone,
                          applicant_id_number=person.id_number,
                          declared=_declared(applicant))
        request.save()
        for index, (material, name, data) in enumerate(files):
            file_store(request=request, actor=None, material=material, name=name, data=data,
                       path=f"files[{index}]")
        if signatures:
            from jiuzhu.verification.authorisations import online_signatures_store

            online_signatures_store(intake_number=request.number, region_path=request.region_path,
                                    signatures=signatures)
        audit_record(actor=None, action="create", obj=request, actor_name="resident",
                     detail={"request": request.number, "items": request.requested_items,
                             "online": True})
    return request


def _declared(applicant: Any) -> dict[str, str]:
    data = applicant if isinstance(applicant, dict) else {}
    out = {}
    for key, limit in (("monthly_income", 32), ("notes", 2000)):
        value = str(data.get(key) or "").strip()
        if value:
            out[key] = value[:limit]
    return out


def request_take(*, actor: Any, request: Request, household: Household | None,
                 materials: dict[str, list[str]] | None = None, items: list[str] | None = None,
                 on: date | None = None) -> Request:
    """The window checks an online request: links ``household`` (or, when ``None``,
    registers one from ``household_data``) and dispatches the items exactly as
    :func:`request_create` would; the request becomes ``open``. The ``take`` row of
    :data:`REQUEST_WORKFLOW`: 404 outside the actor's region, 403 for a role that does not
    work the window, 409 once taken; nothing changes when refused."""
    return REQUEST_WORKFLOW.perform(actor=actor, obj=request, action="take", today=on,
                                    household=household, materials=materials, items=items)


def _take(ctx: WorkflowContext) -> None:
    request, actor, on = ctx.obj, ctx.actor, ctx.today
    household = ctx.options.get("household")
    if household is None:
        from jiuzhu.households.services import household_register

        data = dict(request.household_data)
        try:
            with transaction.atomic():
                household = household_register(actor=actor, data=data,
                                               reason=f"网上申请 {request.number}")
        except ServiceError as error:
            raise ServiceError(error.code, error.message,
                               [{**e, "path": f"household_data.{e['path']}".rstrip(".")}
                                for e in error.errors]) from None
    elif not may_see(actor, household.region_path):
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"),
                           [{"path": "household_id", "message": _("家庭不存在或不在您的辖区")}])
    if household.status != "active":
        raise _field_error("household_id", _("家庭已注销"))
    items = ctx.options.get("items")
    catalogue = _items(items if items is not None else request.requested_items, on)
    checked = _materials(_with_scans(ctx.options.get("materials"), catalogue, request),
                         catalogue)
    files = []
    for stored in request.files.all():
        with stored.file.open("rb") as handle:
            files.append((stored.material, stored.original_name, handle.read()))
    request.household = household
    request.region = township_of(household.region)
    request.region_path = household.region_path
    request.requested_items = [i.code for i in catalogue]
    request.taken_by, request.taken_at = _user(actor), timezone.now()
    request.save()
    _dispatch(request=request, actor=actor, household=household, catalogue=catalogue,
              materials=checked, files=files, channel=Channel.ONLINE, on=on)
    for row in request.items.all():
        step_record(row, actor, "take", RequestStatus.AWAITING_WINDOW, row.state, {}, on=on)
    ctx.options["detail"] = {"take": request.number, "household": household.household_id}


def _with_scans(materials: Any, catalogue: list[Item], request: Request) -> Any:
    """The materials the window ticked plus those the resident uploaded online: a scan
    counts as received for every item whose checklist names its material."""
    if materials is not None and not isinstance(materials, dict):
        return materials  # refused by _materials, naming the field
    uploaded = {stored.material for stored in request.files.all()}
    out = dict(materials or {})
    for item in catalogue:
        scans = [m for m in item.materials if m in uploaded]
        if scans:
            ticked = out.get(item.code)
            ticked = list(ticked) if isinstance(ticked, list | tuple) else []
            out[item.code] = list(dict.fromkeys([*ticked, *scans]))
    return out


def _record_request(ctx: WorkflowContext) -> None:
    audit_record(actor=ctx.actor, action="update", obj=ctx.obj,
                 detail=ctx.options.get("detail") or {
                     "action": ctx.action.name, "from": ctx.before, "to": ctx.target})


# --- the transition table of a request (受理单) ---------------------------------------------
#
# A request made at the window is ``open`` from the start; one made online waits for the
# window (``awaiting_window``) until it is taken. An open request closes by itself (the
# system's ``close``) once every item has an outcome (:func:`_close_request_if_done`).

REQUEST_WORKFLOW = Workflow(
    name="intake_requests", model=Request, states=RequestStatus.values, state_field="status",
    not_found="受理单不存在", record=_record_request,
    actions=[
        Action("take", gettext_noop("窗口受理网上申请"), source=(RequestStatus.AWAITING_WINDOW,),
               target=RequestStatus.OPEN, permission="intake.take_request", handler=_take),
        Action("close", gettext_noop("办结"), source=(RequestStatus.OPEN,), target=RequestStatus.CLOSED,
               permission="intake.close_request"),
    ],
)


# --- department actions: the transition table ---------------------------------------------
#
# One row per action of a department item (转办/协办): the states it starts from, where it
# leads, the ``rules`` permission (``intake/rules.py``), the input schema, the time limit it
# starts and its label. ``WORKFLOW`` drives ``item_act``, the API's bodies and OpenAPI, the
# inbox buttons (``actions_available``) and the generated test of every state × action pair.


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class NoteIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    note: str = ""


class RequestMoreIn(NoteIn):
    missing: list[str] | str | None = Field(None, validate_default=True,
                                            description="需补充的材料（列表，或以逗号、顿号分隔）")

    @field_validator("missing", mode="after")
    @classmethod
    def _all_missing(cls, value: Any) -> list[str]:
        if isinstance(value, str):
            value = value.replace("，", ",").replace("、", ",").split(",")
        names = [str(m).strip() for m in value or [] if str(m).strip()]
        if not names:
            raise ValueError(_("请列出全部需要补充的材料"))
        return names


class ResubmitIn(NoteIn):
    materials: list[str] = Field(default_factory=list, description="补充的材料名称")


class ResultIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    result: str = Field(min_length=1, description="granted（予以救助）或 not_granted（不予救助）")
    note: str = Field(min_length=1, description="办理结果说明")
    amount: Annotated[Decimal | None, BeforeValidator(_blank_to_none)] = Field(
        None, description="金额（元），最多两位小数")

    @field_validator("result")
    @classmethod
    def _known_result(cls, value: str) -> str:
        if value not in Result.values:
            raise ValueError(_("办理结果应为 granted（予以救助）或 not_granted（不予救助）"))
        return value

    @field_validator("amount")
    @classmethod
    def _money(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and (not value.is_finite() or value < 0
                                  or value != value.quantize(Decimal("0.01"))):
            raise ValueError(_("金额应为非负数，最多两位小数"))
        return value


class CohandleResultIn(ResultIn):
    department: str = Field("", description="协办部门编码（管理员代为办结时）")


class ReturnIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    reason: str = Field(min_length=1, description="退回理由")


class CohandlersIn(NoteIn):
    departments: list[str] | str = Field(description="协办部门编码（列表，或以逗号分隔）")

    @field_validator("departments", mode="after")
    @classmethod
    def _some(cls, value: Any) -> list[str]:
        if isinstance(value, str):
            value = value.replace("，", ",").split(",")
        codes = [str(d).strip().upper() for d in value if str(d).strip()]
        if not codes:
            raise ValueError(_("请选择至少一个协办部门"))
        return codes


def _open_cohandlers(item: RequestItem) -> set[str]:
    return {c.department_code for c in item.cohandlers.all() if not c.finished}  # prefetched


def _cohandlers_finished_first(ctx: WorkflowContext) -> None:
    """The lead department finishes only once every assisting department has."""
    codes = _open_cohandlers(ctx.obj)
    if codes:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("协办部门尚未办结：%(departments)s") % {"departments": '、'.join(sorted(codes))})


def _note(ctx: WorkflowContext) -> None:
    ctx.options["recorded"] = {"note": ctx.data.get("note", "")}


def _request_more(ctx: WorkflowContext) -> None:
    ctx.obj.missing = ctx.data["missing"]
    ctx.options["recorded"] = {"missing": ctx.data["missing"], "note": ctx.data.get("note", "")}


def _resubmit(ctx: WorkflowContext) -> None:
    item, supplied = ctx.obj, ctx.data.get("materials", [])
    item.materials = list(dict.fromkeys([*item.materials, *supplied]))
    item.missing = []
    ctx.options["recorded"] = {"materials": supplied, "note": ctx.data.get("note", "")}


def _start_limit(ctx: WorkflowContext, key: str) -> None:
    """The time limit runs again from the day the materials are complete (材料补齐之日起)."""
    item = ctx.obj
    item.started_on = ctx.today
    item.due_date, item.deadline_provisional = _due(ctx.today, item.limit)
    item.yellow_on = yellow_from(ctx.today, item.limit)


def _finish(ctx: WorkflowContext) -> None:
    item = ctx.obj
    item.result, item.result_text = ctx.data["result"], ctx.data["note"]
    item.amount = ctx.data.get("amount")
    item.finished_on = ctx.today
    ctx.options["recorded"] = {"result": item.result, "note": item.result_text,
                               "amount": item.amount}


def _return(ctx: WorkflowContext) -> None:
    ctx.obj.reason = ctx.data["reason"]
    ctx.obj.finished_on = ctx.today
    ctx.options["recorded"] = {"reason": ctx.data["reason"]}


def _add_cohandler(ctx: WorkflowContext) -> None:
    wanted = ctx.data["departments"]
    known = dict(Department.objects.filter(code__in=wanted).values_list("code", "name"))
    item = ctx.obj
    existing = set(item.cohandlers.values_list("department_code", flat=True))
    errors = []
    for index, code in enumerate(wanted):
        if code not in known:
            errors.append({"path": f"departments[{index}]", "message": _("没有部门 %(code)s") % {"code": code}})
        elif code == item.department_code:
            errors.append({"path": f"departments[{index}]", "message": _("牵头部门不能同时协办")})
        elif code in existing:
            errors.append({"path": f"departments[{index}]", "message": _("%(department)s 已在协办") % {"department": known[code]}})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, _("协办部门有误"), errors)
    for code in dict.fromkeys(wanted):
        CoHandler.objects.create(item=item, department_code=code, department_name=known[code])
    item.mode = Mode.COHANDLE
    ctx.options["recorded"] = {"departments": list(dict.fromkeys(wanted)),
                               "note": ctx.data.get("note", "")}


def _cohandle_finish(ctx: WorkflowContext) -> None:
    actor, item = ctx.actor, ctx.obj
    department = getattr(actor, "department", "") or ""
    if _is_admin(actor) and not department:
        department = ctx.data.get("department", "")
    share = item.cohandlers.select_for_update().filter(department_code=department).first()
    if share is None:
        raise _field_error("department", _("请指明协办部门"))
    if share.finished:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("本部门的协办已办结"))
    share.result, share.result_text = ctx.data["result"], ctx.data["note"]
    share.amount = ctx.data.get("amount")
    share.finished, share.finished_by, share.finished_at = True, _user(actor), timezone.now()
    share.save()
    ctx.options["recorded"] = {"department": department, "result": share.result,
                               "note": share.result_text, "amount": share.amount}


def _decided(ctx: WorkflowContext) -> None:
    """An item decided here finishes with its application's decision (the system's row,
    taken by :func:`application_decided` in the deciding transaction): 予以救助 on approval,
    else 不予救助 with the reason."""
    application = ctx.options.get("application")
    if application is None:
        raise _field_error("application", _("平台办理的事项随其申请的审批结果办结"))
    item = ctx.obj
    granted = application.state == "approved"
    outcome = {"approved": _("已批准"), "refused": _("不予批准"), "rejected": _("不予受理"),
               "withdrawn": _("申请已撤回")}.get(application.state, application.get_state_display())
    reasons = "" if granted else (application.reasons or "").strip()
    item.finished_on = ctx.today
    item.result = Result.GRANTED if granted else Result.NOT_GRANTED
    item.result_text = (_("%(outcome)s（申请编号 %(number)s）") % {"outcome": outcome, "number": application.number}
                        + (f"：{reasons}" if reasons else ""))
    item.amount = application.approved_amount if granted else None
    ctx.options["recorded"] = {"application": application.number, "decision": application.state,
                               "by": ctx.options.get("by", ""), "finish": str(outcome)}


def _record(ctx: WorkflowContext) -> None:
    item = ctx.obj
    step_record(item, ctx.actor, ctx.action.name, ctx.before, item.state,
                ctx.options.get("recorded", {}), on=ctx.today)
    _close_request_if_done(item.request)
    decided = ctx.options.get("recorded", {}) if ctx.action.name == "decided" else {}
    audit_record(actor=ctx.actor, action="update", obj=item.request,
                 detail={**decided, "item": item.item_code, "action": ctx.action.name,
                         "from": ctx.before, "to": item.state})


S = ItemState
WORKFLOW = Workflow(
    name="intake", model=RequestItem, states=ItemState.values, not_found="事项不存在",
    select_related=("request",), start_deadline=_start_limit, record=_record,
    actions=[
        Action("accept", gettext_noop("部门受理"), source=(S.TRANSFERRED, S.RESUBMITTED), target=S.ACCEPTED,
               permission="intake.accept_item", schema=NoteIn, handler=_note),
        Action("request_more", gettext_noop("一次性告知补充材料"), source=(S.ACCEPTED,),
               target=S.MORE_REQUESTED, permission="intake.request_more", schema=RequestMoreIn,
               handler=_request_more),
        Action("resubmit", gettext_noop("补充材料"), source=(S.MORE_REQUESTED,), target=S.RESUBMITTED,
               permission="intake.resubmit", schema=ResubmitIn, deadline="item_limit",
               handler=_resubmit),
        Action("finish", gettext_noop("办结"), source=(S.ACCEPTED,), target=S.FINISHED,
               permission="intake.finish_item", schema=ResultIn,
               requires=(_cohandlers_finished_first,), handler=_finish),
        Action("return", gettext_noop("退回"), source=(S.TRANSFERRED, S.ACCEPTED, S.MORE_REQUESTED,
                                       S.RESUBMITTED),
               target=S.RETURNED, permission="intake.return_item", schema=ReturnIn,
               handler=_return),
        Action("add_cohandler", gettext_noop("增加协办部门"), source=OPEN_ITEM_STATES, target=None,
               permission="intake.add_cohandler", schema=CohandlersIn, handler=_add_cohandler),
        Action("cohandle_finish", gettext_noop("协办办结"), source=OPEN_ITEM_STATES, target=None,
               permission="intake.cohandle_finish", schema=CohandleResultIn,
               handler=_cohandle_finish),
        # The system's row: no user holds its permission (only SYSTEM, from the
        # applications' on_decided event in the deciding transaction).
        Action("decided", gettext_noop("随申请审批办结"), source=(S.INTERNAL,), target=S.FINISHED,
               permission="intake.decide_with_application", handler=_decided),
    ],
)
ACTIONS = tuple(a.name for a in WORKFLOW)
ACTION_LABELS.update(WORKFLOW.labels())


def item_visible(user: Any, item: RequestItem) -> bool:
    return RequestItem.objects.visible_to(user).filter(pk=item.pk).exists()


def _as_cohandler(actor: Any, item: RequestItem, action: str) -> str:
    """``finish`` by an officer of an assisting department finishes that department's share
    (``cohandle_finish``)."""
    if (action == "finish" and not _is_admin(actor)
            and getattr(actor, "role", "") == Role.DEPARTMENT_OFFICER
            and actor.department != item.department_code
            and item.cohandlers.filter(department_code=actor.department).exists()):
        return "cohandle_finish"
    return action


def actions_available(user: Any, item: RequestItem) -> list[str]:
    """The actions this user could take now on the item (for the inbox buttons): those of
    the table its state and the user's permission allow; ``finish`` only once the assisting
    departments have finished, ``cohandle_finish`` only while one of them is open."""
    if item.mode == Mode.INTERNAL:
        return []
    codes = {c.department_code for c in item.cohandlers.all() if not c.finished}
    out = []
    for action in WORKFLOW.available(user, item):  # ``finish``: its condition, in the table
        if action.name == "cohandle_finish" and not (codes and (
                getattr(user, "department", "") in codes or _is_admin(user))):
            continue
        out.append(action.name)
    return out


def item_act(*, actor: Any, item: RequestItem | int, action: str, data: dict[str, Any] | None = None,
             on: date | None = None) -> RequestItem:
    """Take ``action`` on a department item through :data:`WORKFLOW`: 404 outside what the
    actor sees (or an unknown action), 403 without the action's permission, 409
    ``step_not_allowed`` in a state the action does not start from (an item decided by the
    platform is in none), 422 naming the missing or wrong field; nothing changes then.

    ``finish`` by an officer of an assisting department finishes that department's share
    (the same as ``cohandle_finish``); the lead department finishes the item only once every
    assisting department has finished its own."""
    pk = item.pk if isinstance(item, RequestItem) else item
    WORKFLOW.action(action)
    if action == "finish":
        row = RequestItem.objects.visible_to(actor).filter(pk=pk).first()
        if row is not None:
            action = _as_cohandler(actor, row, action)
    return WORKFLOW.perform(actor=actor, obj=pk, action=action, data=data, today=on)


#: Application states in which an item decided here is still being handled.
APPLICATION_OPEN = ("submitted", "awaiting_supplement", "accepted", "appraisal", "opinion",
                    "notice", "decision")


def _close_request_if_done(request: Request) -> bool:
    """Close an open request once every item has an outcome: a department's result or
    return, or for an item decided here, its application's decision (or withdrawal)."""
    if not Request.objects.select_for_update().filter(pk=request.pk,
                                                      status=RequestStatus.OPEN).exists():
        return False
    rows = list(request.items.values_list("state", "application__state"))
    if not rows or any(state in OPEN_ITEM_STATES or (
            state == ItemState.INTERNAL and (app_state is None or app_state in APPLICATION_OPEN))
            for state, app_state in rows):
        return False
    # the ``close`` row: the system's (no user holds its permission), recorded and audited
    REQUEST_WORKFLOW.perform(actor=SYSTEM, obj=request.pk, action="close")
    request.refresh_from_db(fields=["status"])  # the caller's copy too
    return True


def application_decided(application: Any, *, actor: Any = None, action: str = "") -> None:
    """Registered with ``jiuzhu.applications.events.on_decided`` (``apps.py``): called in
    the transaction that decided ``application``. Its item decided here is finished with
    the decision (予以救助 on approval, else 不予救助 with the reason), recorded as a step
    and audited; the request closes when that was its last item without an outcome."""
    if application.state in APPLICATION_OPEN:
        return
    items = RequestItem.objects.filter(application=application, mode=Mode.INTERNAL,
                                       state=ItemState.INTERNAL).values_list("pk", flat=True)
    for pk in list(items):
        # The table's system row: locked, moved, recorded (step and audit) like any action.
        WORKFLOW.perform(actor=SYSTEM, obj=pk, action="decided", application=application,
                         by=action)
    for request in Request.objects.filter(items__application=application,
                                          status=RequestStatus.OPEN).distinct():
        _close_request_if_done(request)


# --- urges (督办) ------------------------------------------------------------------------------

def urge(*, actor: Any, item: RequestItem | int, message: str) -> Urge:
    """A supervisor urges (督办) the officers of an open department item; recorded and shown
    on their inbox until acknowledged."""
    pk = item.pk if isinstance(item, RequestItem) else item
    with transaction.atomic():
        row = RequestItem.objects.select_for_update().select_related("request").filter(pk=pk).first()
        if row is None or not item_visible(actor, row):
            raise ServiceError(ErrorCode.NOT_FOUND, _("事项不存在"))
        if not actor.has_perm("intake.urge"):
            raise ServiceError(ErrorCode.FORBIDDEN, _("只有督办人员可以督办"))
        if row.mode == Mode.INTERNAL or row.state not in OPEN_ITEM_STATES:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("只能督办部门正在办理的事项"))
        message = (message or "").strip() if isinstance(message, str) else ""
        if not message:
            raise _field_error("message", _("请填写督办意见"))
        record = Urge.objects.create(item=row, supervisor=_user(actor),
                                     supervisor_name=_actor_name(actor), message=message[:2000])
        step_record(row, actor, "urge", row.state, row.state, {"message": message},
                    on=timezone.localdate())
        audit_record(actor=actor, action="update", obj=row.request,
                     detail={"item": row.item_code, "urge": message})
    return record


def urge_acknowledge(*, actor: Any, urge: Urge | int) -> Urge:
    """The officer of the item's department (lead or assisting) signs the urge as read."""
    pk = urge.pk if isinstance(urge, Urge) else urge
    with transaction.atomic():
        record = Urge.objects.select_for_update().select_related("item").filter(pk=pk).first()
        if record is None or not item_visible(actor, record.item):
            raise ServiceError(ErrorCode.NOT_FOUND, _("督办记录不存在"))
        item = record.item
        if not actor.has_perm("intake.acknowledge_urge", item):
            raise ServiceError(ErrorCode.FORBIDDEN, _("只有承办部门可以签收督办"))
        if record.acknowledged_at is not None:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("督办已签收"))
        record.acknowledged_at, record.acknowledged_by = timezone.now(), _user(actor)
        record.save()
        step_record(item, actor, "urge_acknowledge", item.state, item.state, {"urge": record.pk},
                    on=timezone.localdate())
    return record


# --- due dates and alerts ---------------------------------------------------------------------

def item_alert(item: RequestItem, on: date) -> str:
    """The item's colour on ``on``: yellow past two thirds of its limit, red past its due date
    (20-workflow.md); none while the family is asked for more (the limit runs again on
    resubmission); an item decided here has its application's. ``item.alert`` is today's."""
    return row_alert(item, RequestItem.alert_dues(), today=on)


def alerts_recompute(*, on: date | None = None, today: date | None = None) -> int:
    """Daily: the due date shown for an item decided here follows its application's (the
    colour needs no refresh: it is computed whenever it is read). Returns how many changed."""
    changed = 0
    internal = (RequestItem.objects.filter(mode=Mode.INTERNAL, state=ItemState.INTERNAL)
                .select_related("application"))
    for row in internal:
        app = row.application
        if app is None:
            continue
        due = app.final_due_date or app.due_date
        if row.due_date != due:
            RequestItem.objects.filter(pk=row.pk).update(due_date=due)
            changed += 1
    return changed
