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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.choices import Role
from jiuzhu.applications.attachments import upload_kind
from jiuzhu.applications.choices import Channel
from jiuzhu.audit.services import audit_record
from jiuzhu.calendars.alerts import row_alert, yellow_from
from jiuzhu.calendars.selectors import add_working_days
from jiuzhu.catalogue.models import Department, Item
from jiuzhu.catalogue.selectors import item_in_force
from jiuzhu.core.errors import ErrorCode, ServiceError, text_value
from jiuzhu.core.errors import field_error as _field_error
from jiuzhu.core.numbers import next_number, query_code
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
    return bool(user.is_superuser or (user.region_path and region_path.startswith(user.region_path)))


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
    return ItemStep.objects.create(item=item, action=action, from_state=before, to_state=after,
                                   department_code=department or getattr(actor, "department", "") or "",
                                   actor=_user(actor), actor_name=_actor_name(actor), on=on,
                                   data=_jsonable(data or {}))


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
            raise _field_error(f"files[{index}]", "应为（材料名称，文件名，内容）") from None
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
        errors.append({"path": "applicant.name", "message": "请填写申请人姓名"})
    id_number = str(data.get("id_number") or "").strip().upper()
    if not id_number and household is not None:
        # The resident follows progress with the query code and the last 4 characters of
        # the applicant's ID number: by default the applicant is the head.
        head = household.members.filter(relation="head").order_by("position").first()
        if head is None or head.name != name:
            head = household.members.filter(name=name).order_by("position").first()
        id_number = (head.id_number if head is not None else "").upper()
    if id_number and (len(id_number) != 18 or not id_number[:17].isdigit()):
        errors.append({"path": "applicant.id_number", "message": "身份证号应为 18 位"})
    agent_name = str(data.get("agent_name") or "").strip()
    if channel in AGENT_CHANNELS and not agent_name:
        errors.append({"path": "applicant.agent_name",
                       "message": "代办、陪办须填写代办/陪办人姓名"})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, "申请人信息有误", errors)
    return Applicant(name=name[:64], phone=str(data.get("phone") or "").strip()[:20],
                     id_number=id_number, agent_name=agent_name[:64],
                     agent_phone=str(data.get("agent_phone") or "").strip()[:20],
                     agent_id_number=str(data.get("agent_id_number") or "").strip().upper()[:18])


def _items(codes: Any, on: date) -> list[Item]:
    if not isinstance(codes, list | tuple) or not codes:
        raise _field_error("items", "请至少选择一个事项")
    out, seen, errors = [], set(), []
    for index, code in enumerate(codes):
        code = str(code).strip().upper()
        if code in seen:
            errors.append({"path": f"items[{index}]", "message": f"事项 {code} 重复"})
            continue
        seen.add(code)
        try:
            out.append(item_in_force(code, on))
        except ServiceError:
            errors.append({"path": f"items[{index}]", "message": f"未知或已停用的事项：{code}"})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, "事项有误", errors)
    return out


def _materials(materials: Any, items: list[Item]) -> dict[str, list[str]]:
    materials = materials or {}
    if not isinstance(materials, dict):
        raise _field_error("materials", "应为 {事项编码: [材料名称]}")
    codes = {item.code for item in items}
    errors = []
    out: dict[str, list[str]] = {}
    for code, names in materials.items():
        if code not in codes:
            errors.append({"path": f"materials.{code}", "message": f"未选择事项 {code}"})
            continue
        if not isinstance(names, list | tuple):
            errors.append({"path": f"materials.{code}", "message": "应为材料名称列表"})
            continue
        item = next(i for i in items if i.code == code)
        unknown = [str(n) for n in names if str(n) not in item.materials]
        if unknown:
            errors.append({"path": f"materials.{code}",
                           "message": f"不在事项 {code} 的材料清单中：{'、'.join(unknown)}"})
            continue
        out[code] = [m for m in item.materials if m in {str(n) for n in names}]
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, "材料清单有误", errors)
    return out


def _due(started: date, limit: int) -> tuple[date, bool]:
    deadline = add_working_days(started, limit)
    return deadline.due, deadline.provisional


# --- creating a request at the window ---------------------------------------------------

def _may_take(actor: Any) -> bool:
    return bool(actor.is_superuser or actor.role in WINDOW_ROLES)


def request_create(*, actor: Any, household: Household, items: list[str], channel: str,
                   materials: dict[str, list[str]] | None = None, files: Files | None = None,
                   applicant: Any = None, on: date | None = None) -> Request:
    """One intake at the window (一门受理) for ``household``: one request, one item per
    catalogue code. Items with a programme start their own procedure (``application_create``
    with the files whose material it lists); the others are transferred to their department
    with a due date ``limit`` working days from ``on``. A refusal of any item (422 naming
    ``items[i]``) changes nothing. ``files`` are (material, file name, content);
    ``applicant`` is ``{"name", "phone", "id_number", "agent_name", "agent_phone",
    "agent_id_number"}`` (the head of the household by default)."""
    on = on or timezone.localdate()
    if not may_see(actor, household.region_path):
        raise ServiceError(ErrorCode.NOT_FOUND, "家庭不存在",
                           [{"path": "household_id", "message": "家庭不存在或不在您的辖区"}])
    if not _may_take(actor):
        raise ServiceError(ErrorCode.FORBIDDEN, "您的岗位不能受理申请")
    if channel not in Channel.values:
        raise _field_error("channel", f"渠道应为：{'、'.join(Channel.values)}")
    if household.status != "active":
        raise _field_error("household_id", "家庭已注销")
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
                  materials=checked, files=files, channel=channel, on=on)
        audit_record(actor=actor, action="create", obj=request,
                     detail={"request": request.number, "items": [i.code for i in catalogue],
                             "household": household.household_id})
    return request


def _dispatch(*, request: Request, actor: Any, household: Household, catalogue: list[Item],
              materials: dict[str, list[str]], files: Files, channel: str, on: date) -> None:
    from jiuzhu.applications.services import application_create

    for index, item in enumerate(catalogue):
        row = RequestItem(request=request, item=item, item_code=item.code, item_name=item.name,
                          department_code=item.department.code, household=household,
                          region_path=household.region_path,
                          materials=materials.get(item.code, []), limit=item.limit,
                          started_on=on)
        if item.program:
            mine = [f for f in files if f[0] in item.materials or f[0] == "代办授权书"]
            try:
                application = application_create(actor=actor, household=household,
                                                  item_code=item.code, channel=channel,
                                                  files=mine, today=on)
            except ServiceError as error:
                detail = "；".join(e.get("message", "") for e in error.errors) or error.message
                raise ServiceError(error.code, f"事项 {item.code}（{item.name}）不能受理：{detail}",
                                   [{"path": f"items[{index}]",
                                     "message": f"{item.code} {item.name}：{detail}"}]) from None
            row.mode, row.state, row.application = Mode.INTERNAL, ItemState.INTERNAL, application
            row.due_date = application.final_due_date or application.due_date
            row.save()
            step_record(row, actor, "start_internal", "", row.state,
                        {"application": application.number}, on=on)
        else:
            row.mode, row.state = Mode.TRANSFER, ItemState.TRANSFERRED
            row.due_date, row.deadline_provisional = _due(on, item.limit)
            row.yellow_on = yellow_from(on, item.limit)
            row.save()
            step_record(row, actor, "transfer", "", row.state,
                        {"department": item.department.code,
                         "materials": row.materials}, on=on)


# --- online requests ------------------------------------------------------------------------

def request_submit_online(*, household_data: dict[str, Any], applicant: dict[str, Any],
                          items: list[str], files: Files | None = None,
                          on: date | None = None) -> Request:
    """A resident's online request (网上办), for the self-service app (``jiuzhu.selfservice``).

    - ``household_data``: a household dict in the shape of ``household.schema.json`` (at least
      ``region_code``, a township or village code); it is kept as is until the window
      registers or links the household (:func:`request_take`).
    - ``applicant``: ``{"name", "phone", "id_number"}`` (name required), optionally
      ``monthly_income`` and ``notes`` (what the resident declares beyond the household
      schema; kept in ``Request.declared`` for the window).
    - ``items``: catalogue codes in force (``["MZ01", "JY02"]``).
    - ``files``: (material, file name, content) — JPEG, PNG or PDF by content.

    Returns the request in status ``awaiting_window`` with its ``query_code`` for the
    resident; no actor (the resident is not a user). 422 with field paths on bad input.
    """
    on = on or timezone.localdate()
    if not isinstance(household_data, dict):
        raise _field_error("household_data", "应为家庭信息对象")
    code = household_data.get("region_code")
    region = Region.objects.filter(code=code).first() if isinstance(code, str) and code else None
    if region is None or region.level not in ("township", "village", "grid"):
        raise _field_error("household_data.region_code", "请选择所在乡镇（街道）或村（社区）")
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
    :func:`request_create` would; the request becomes ``open``."""
    on = on or timezone.localdate()
    if not may_see(actor, request.region_path):
        raise ServiceError(ErrorCode.NOT_FOUND, "受理单不存在")
    if not _may_take(actor):
        raise ServiceError(ErrorCode.FORBIDDEN, "您的岗位不能受理申请")
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.AWAITING_WINDOW:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "该申请已由窗口受理")
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
            raise ServiceError(ErrorCode.NOT_FOUND, "家庭不存在",
                               [{"path": "household_id", "message": "家庭不存在或不在您的辖区"}])
        if household.status != "active":
            raise _field_error("household_id", "家庭已注销")
        catalogue = _items(items if items is not None else request.requested_items, on)
        checked = _materials(materials, catalogue)
        files = []
        for stored in request.files.all():
            with stored.file.open("rb") as handle:
                files.append((stored.material, stored.original_name, handle.read()))
        request.household = household
        request.region = township_of(household.region)
        request.region_path = household.region_path
        request.requested_items = [i.code for i in catalogue]
        request.status = RequestStatus.OPEN
        request.taken_by, request.taken_at = _user(actor), timezone.now()
        request.save()
        _dispatch(request=request, actor=actor, household=household, catalogue=catalogue,
                  materials=checked, files=files, channel=Channel.ONLINE, on=on)
        for row in request.items.all():
            step_record(row, actor, "take", RequestStatus.AWAITING_WINDOW, row.state, {}, on=on)
        audit_record(actor=actor, action="update", obj=request,
                     detail={"take": request.number, "household": household.household_id})
    return request


# --- department actions -------------------------------------------------------------------

@dataclass
class Context:
    item: RequestItem
    actor: Any
    data: dict[str, Any]
    on: date


def _text(ctx: Context, name: str, *, required: bool = True) -> str:
    return text_value(ctx.data, name, required=required)


def _amount(ctx: Context) -> Decimal | None:
    value = ctx.data.get("amount")
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _field_error("amount", "金额格式不正确") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise _field_error("amount", "金额应为非负数，最多两位小数")
    return amount


def _result(ctx: Context) -> str:
    result = _text(ctx, "result")
    if result not in Result.values:
        raise _field_error("result", "办理结果应为 granted（予以救助）或 not_granted（不予救助）")
    return result


# action -> (states it may start from, who: "lead" | "window" | "cohandler" | "lead_or_window")
RULES: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": ((ItemState.TRANSFERRED, ItemState.RESUBMITTED), "lead"),
    "request_more": ((ItemState.ACCEPTED,), "lead"),
    "resubmit": ((ItemState.MORE_REQUESTED,), "window"),
    "finish": ((ItemState.ACCEPTED,), "lead"),
    "return": ((ItemState.TRANSFERRED, ItemState.ACCEPTED, ItemState.MORE_REQUESTED,
                ItemState.RESUBMITTED), "lead"),
    "add_cohandler": (OPEN_ITEM_STATES, "lead_or_window"),
    "cohandle_finish": (OPEN_ITEM_STATES, "cohandler"),
}
ACTIONS = tuple(RULES)


def _role_ok(user: Any, item: RequestItem, who: str, cohandler_codes: set[str]) -> bool:
    if _is_admin(user):
        return True
    officer = user.role == Role.DEPARTMENT_OFFICER
    if who == "lead":
        return officer and user.department == item.department_code
    if who == "window":
        return user.role == Role.WINDOW_WORKER
    if who == "lead_or_window":
        return user.role == Role.WINDOW_WORKER or (officer and user.department == item.department_code)
    if who == "cohandler":
        return officer and user.department in cohandler_codes
    return False


def item_visible(user: Any, item: RequestItem) -> bool:
    return may_see(user, item.region_path)


def actions_available(user: Any, item: RequestItem) -> list[str]:
    """The actions this user could take now on the item (for the forms)."""
    if item.mode == Mode.INTERNAL:
        return []
    codes = {c.department_code for c in item.cohandlers.all() if not c.finished}
    out = []
    for action, (states, who) in RULES.items():
        if item.state in states and _role_ok(user, item, who, codes):
            if action == "cohandle_finish" and not (codes and (
                    user.department in codes or _is_admin(user))):
                continue
            if action == "finish" and codes:  # the assisting departments finish first
                continue
            out.append(action)
    return out


def item_act(*, actor: Any, item: RequestItem | int, action: str, data: dict[str, Any] | None = None,
             on: date | None = None) -> RequestItem:
    """Take ``action`` on a department item: 404 outside the actor's region (or an unknown
    action), 403 for a role that may not, 409 ``step_not_allowed`` in a state that does not
    allow it (or an item decided by the platform), 422 naming the missing or wrong field.

    ``finish`` by an officer of an assisting department finishes that department's share
    (the same as ``cohandle_finish``); the lead department finishes the item only once every
    assisting department has finished its own."""
    on = on or timezone.localdate()
    pk = item.pk if isinstance(item, RequestItem) else item
    data = dict(data or {})
    with transaction.atomic():
        row = (RequestItem.objects.select_for_update().select_related("request")
               .filter(pk=pk).first())
        if row is None or not item_visible(actor, row):
            raise ServiceError(ErrorCode.NOT_FOUND, "事项不存在")
        if action not in RULES:
            raise ServiceError(ErrorCode.NOT_FOUND, f"没有这个动作：{action}")
        codes = set(row.cohandlers.filter(finished=False).values_list("department_code", flat=True))
        if (action == "finish" and not _is_admin(actor) and actor.role == Role.DEPARTMENT_OFFICER
                and actor.department != row.department_code and actor.department in
                set(row.cohandlers.values_list("department_code", flat=True))):
            action = "cohandle_finish"
        states, who = RULES[action]
        label = ACTION_LABELS[action]
        if not _role_ok(actor, row, who, set(row.cohandlers.values_list("department_code", flat=True))):
            raise ServiceError(ErrorCode.FORBIDDEN, f"您的岗位或部门不能执行“{label}”")
        if row.mode == Mode.INTERNAL:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                               "该事项由平台办理，请在申请办理页面操作")
        if row.state not in states:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                               f"当前状态“{row.get_state_display()}”不能执行“{label}”")
        ctx = Context(row, actor, data, on)
        before = row.state
        recorded = HANDLERS[action](ctx, codes)
        row.save()
        step_record(row, actor, action, before, row.state, recorded, on=on)
        _close_request_if_done(row.request)
        audit_record(actor=actor, action="update", obj=row.request,
                     detail={"item": row.item_code, "action": action, "from": before,
                             "to": row.state})
    return row


def _accept(ctx: Context, _codes: set[str]) -> dict[str, Any]:
    ctx.item.state = ItemState.ACCEPTED
    return {"note": _text(ctx, "note", required=False)}


def _request_more(ctx: Context, _codes: set[str]) -> dict[str, Any]:
    missing = ctx.data.get("missing")
    if isinstance(missing, str):
        missing = [m for m in missing.replace("，", ",").replace("、", ",").split(",")]
    if not isinstance(missing, list):
        raise _field_error("missing", "请列出全部需要补充的材料")
    missing = [str(m).strip() for m in missing if str(m).strip()]
    if not missing:
        raise _field_error("missing", "请列出全部需要补充的材料")
    note = _text(ctx, "note", required=False)
    ctx.item.missing = missing
    ctx.item.state = ItemState.MORE_REQUESTED
    return {"missing": missing, "note": note}


def _resubmit(ctx: Context, _codes: set[str]) -> dict[str, Any]:
    item = ctx.item
    supplied = ctx.data.get("materials") or []
    if not isinstance(supplied, list):
        raise _field_error("materials", "应为材料名称列表")
    item.materials = list(dict.fromkeys([*item.materials, *[str(m) for m in supplied]]))
    item.missing = []
    item.state = ItemState.RESUBMITTED
    # The time limit runs again from the day the materials are complete (材料补齐之日起).
    item.started_on = ctx.on
    item.due_date, item.deadline_provisional = _due(ctx.on, item.limit)
    item.yellow_on = yellow_from(ctx.on, item.limit)
    return {"materials": [str(m) for m in supplied], "note": _text(ctx, "note", required=False)}


def _finish(ctx: Context, codes: set[str]) -> dict[str, Any]:
    if codes:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           f"协办部门尚未办结：{'、'.join(sorted(codes))}")
    result, note, amount = _result(ctx), _text(ctx, "note"), _amount(ctx)
    item = ctx.item
    item.result, item.result_text, item.amount = result, note, amount
    item.state, item.finished_on = ItemState.FINISHED, ctx.on
    return {"result": result, "note": note, "amount": amount}


def _return(ctx: Context, _codes: set[str]) -> dict[str, Any]:
    reason = _text(ctx, "reason")
    ctx.item.reason = reason
    ctx.item.state, ctx.item.finished_on = ItemState.RETURNED, ctx.on
    return {"reason": reason}


def _add_cohandler(ctx: Context, _codes: set[str]) -> dict[str, Any]:
    departments = ctx.data.get("departments")
    if isinstance(departments, str):
        departments = [d for d in departments.replace("，", ",").split(",")]
    if not isinstance(departments, list) or not [d for d in departments if str(d).strip()]:
        raise _field_error("departments", "请选择至少一个协办部门")
    wanted = [str(d).strip().upper() for d in departments if str(d).strip()]
    known = dict(Department.objects.filter(code__in=wanted).values_list("code", "name"))
    item = ctx.item
    existing = set(item.cohandlers.values_list("department_code", flat=True))
    errors = []
    for index, code in enumerate(wanted):
        if code not in known:
            errors.append({"path": f"departments[{index}]", "message": f"没有部门 {code}"})
        elif code == item.department_code:
            errors.append({"path": f"departments[{index}]", "message": "牵头部门不能同时协办"})
        elif code in existing:
            errors.append({"path": f"departments[{index}]", "message": f"{known[code]} 已在协办"})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, "协办部门有误", errors)
    for code in dict.fromkeys(wanted):
        CoHandler.objects.create(item=item, department_code=code, department_name=known[code])
    item.mode = Mode.COHANDLE
    return {"departments": list(dict.fromkeys(wanted)), "note": _text(ctx, "note", required=False)}


def _cohandle_finish(ctx: Context, _codes: set[str]) -> dict[str, Any]:
    actor, item = ctx.actor, ctx.item
    department = getattr(actor, "department", "")
    if _is_admin(actor) and not department:
        department = str(ctx.data.get("department") or "")
    share = item.cohandlers.select_for_update().filter(department_code=department).first()
    if share is None:
        raise _field_error("department", "请指明协办部门")
    if share.finished:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "本部门的协办已办结")
    result, note, amount = _result(ctx), _text(ctx, "note"), _amount(ctx)
    share.result, share.result_text, share.amount = result, note, amount
    share.finished, share.finished_by, share.finished_at = True, _user(actor), timezone.now()
    share.save()
    return {"department": department, "result": result, "note": note, "amount": amount}


HANDLERS: dict[str, Callable[[Context, set[str]], dict[str, Any]]] = {
    "accept": _accept, "request_more": _request_more, "resubmit": _resubmit,
    "finish": _finish, "return": _return, "add_cohandler": _add_cohandler,
    "cohandle_finish": _cohandle_finish,
}


#: Application states in which an item decided here is still being handled.
APPLICATION_OPEN = ("submitted", "awaiting_supplement", "accepted", "appraisal", "opinion",
                    "notice", "decision")


def _close_request_if_done(request: Request) -> bool:
    """Close an open request once every item has an outcome: a department's result or
    return, or for an item decided here, its application's decision (or withdrawal)."""
    if request.status != RequestStatus.OPEN:
        return False
    rows = list(request.items.values_list("state", "application__state"))
    if not rows or any(state in OPEN_ITEM_STATES or (
            state == ItemState.INTERNAL and (app_state is None or app_state in APPLICATION_OPEN))
            for state, app_state in rows):
        return False
    return bool(Request.objects.filter(pk=request.pk, status=RequestStatus.OPEN)
                .update(status=RequestStatus.CLOSED))


def application_decided(application: Any, *, actor: Any = None, action: str = "") -> None:
    """Registered with ``jiuzhu.applications.events.on_decided`` (``apps.py``): called in
    the transaction that decided ``application``. Its item decided here is finished with
    the decision (予以救助 on approval, else 不予救助 with the reason), recorded as a step
    and audited; the request closes when that was its last item without an outcome."""
    if application.state in APPLICATION_OPEN:
        return
    on = timezone.localdate()
    granted = application.state == "approved"
    outcome = {"approved": "批准", "refused": "不予批准", "rejected": "不予受理",
               "withdrawn": "申请已撤回"}.get(application.state, application.get_state_display())
    reasons = "" if granted else (application.reasons or "").strip()
    items = RequestItem.objects.select_for_update().select_related("request").filter(
        application=application, mode=Mode.INTERNAL, state=ItemState.INTERNAL)
    for item in items:
        before = item.state
        item.state, item.finished_on = ItemState.FINISHED, on
        item.result = Result.GRANTED if granted else Result.NOT_GRANTED
        item.result_text = f"{outcome}（申请编号 {application.number}）" + (f"：{reasons}" if reasons else "")
        item.amount = application.approved_amount if granted else None
        item.save()
        detail = {"application": application.number, "decision": application.state,
                  "action": action}
        step_record(item, actor, "finish", before, item.state, detail, on=on)
        audit_record(actor=actor, action="update", obj=item.request,
                     detail={"item": item.item_code, "finish": outcome, **detail})
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
            raise ServiceError(ErrorCode.NOT_FOUND, "事项不存在")
        if not (actor.is_superuser or actor.role in SUPERVISOR_ROLES):
            raise ServiceError(ErrorCode.FORBIDDEN, "只有督办人员可以督办")
        if row.mode == Mode.INTERNAL or row.state not in OPEN_ITEM_STATES:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "只能督办部门正在办理的事项")
        message = (message or "").strip() if isinstance(message, str) else ""
        if not message:
            raise _field_error("message", "请填写督办意见")
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
            raise ServiceError(ErrorCode.NOT_FOUND, "督办记录不存在")
        item = record.item
        departments = {item.department_code,
                       *item.cohandlers.values_list("department_code", flat=True)}
        if not (_is_admin(actor) or (actor.role == Role.DEPARTMENT_OFFICER
                                     and actor.department in departments)):
            raise ServiceError(ErrorCode.FORBIDDEN, "只有承办部门可以签收督办")
        if record.acknowledged_at is not None:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "督办已签收")
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
