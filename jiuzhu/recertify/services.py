"""Writes of 资格认证: a county's setting, the daily step (open each recipient's
confirmation of the period, a visit task 15 days after the due date, payment suspended 30
days later, closed with the case), the resident's confirmation and the township's check.

Every step goes through the table of ``workflow.py`` (atomic, audited); the visit task is
made by ``leads``' services (a lead converted for the family's grid worker), the suspension
by ``supervision.services.case_suspend`` with its notice (D22, rendered after commit)."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.applications.attachments import sniff
from jiuzhu.applications.choices import State as CaseState
from jiuzhu.applications.models import Application
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM, require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.months import add_months, month_of
from jiuzhu.core.workflow import Context as WorkflowContext
from jiuzhu.regions.models import Region

from .choices import CHANGE_FIELDS, CONFIRMED_ITEMS, OPEN_BEFORE_DAYS, OPEN_STATES, State
from .models import Confirmation, RecertifySetting
from .workflow import WORKFLOW

logger = logging.getLogger(__name__)

RESIDENT = "resident"
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_NOTE = 1000
#: the cases whose recipients confirm: approved and paid (a suspended one keeps its row)
PAID = (CaseState.APPROVED, CaseState.IN_PAYMENT)
KEEPS_ROWS = (CaseState.APPROVED, CaseState.IN_PAYMENT, CaseState.SUSPENDED)
#: the demo county's rule (issue #16): A every 3 months, B and C every 6
DEFAULTS = {"months_a": 3, "months_b": 6, "months_c": 6, "grace_days": 15,
            "suspend_after_days": 30}
SETTING_FIELDS = tuple(DEFAULTS)
SETTING_LIMITS = {"months_a": (1, 24), "months_b": (1, 24), "months_c": (1, 24),
                  "grace_days": (1, 90), "suspend_after_days": (1, 180)}


def _invalid(errors: list[dict[str, str]], message: str = "") -> ServiceError:
    return ServiceError(ErrorCode.VALIDATION, message or errors[0]["message"], errors)


# --- the county's setting ----------------------------------------------------------------

@transaction.atomic
def setting_save(*, actor: Any, county: Region, data: dict[str, Any]) -> RecertifySetting:
    """Create or change a county's setting: whole numbers in range, each error naming its
    field, nothing changed on an error; audited with the values before and after."""
    if county.level != "county":
        raise _invalid([{"path": "county", "message": _("请选择县（区）")}])
    require(actor, county.path, "recertify.edit_setting", what=_("县（区）"))
    clean: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for name in SETTING_FIELDS:
        raw = data.get(name, "")
        low, high = SETTING_LIMITS[name]
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            errors.append({"path": name, "message": _("应为整数")})
            continue
        if not low <= value <= high:
            errors.append({"path": name, "message": _("应在 %(low)s 到 %(high)s 之间") % {
                "low": low, "high": high}})
            continue
        clean[name] = value
    clean["active"] = bool(data.get("active", True)) and data.get("active") not in ("", "0", "false")
    if errors:
        raise _invalid(errors, _("设置有误，请按提示修改"))
    setting = RecertifySetting.objects.select_for_update().filter(county=county).first()
    before = {n: getattr(setting, n) for n in (*SETTING_FIELDS, "active")} if setting else {}
    if setting is None:
        setting = RecertifySetting(county=county, region_path=county.path)
    for name, value in clean.items():
        setattr(setting, name, value)
    setting.updated_by = actor if getattr(actor, "pk", None) else None
    setting.save()
    audit_record(actor=actor, action="update" if before else "create", obj=setting,
                 detail={"county": county.code, "before": before,
                         "after": {n: getattr(setting, n) for n in (*SETTING_FIELDS, "active")}})
    return setting


# --- the daily step ------------------------------------------------------------------------

def recipients(county: Region):
    """The county's cases whose recipients confirm: dibao and 特困, approved or paid."""
    return (Application.objects.within(county)
            .filter(state__in=PAID, item_code__in=CONFIRMED_ITEMS)
            .select_related("household", "household__region"))


def next_due(application: Application, setting: RecertifySetting,
             last: Confirmation | None, today: date) -> date:
    """The due date of the case's next confirmation: one interval of its class after the
    previous one's (the first: after the month payment started), not before today."""
    months = setting.months_for(application.review_class or "B")
    if last is not None:
        due = add_months(month_of(last.due_on), months)
    else:
        start = application.start_month or (timezone.localdate(application.decided_at)
                                            if application.decided_at else today)
        due = add_months(month_of(start), months)
    while due < today:
        due = add_months(due, months)
    return due


@transaction.atomic
def confirmation_open(application: Application, due_on: date, *,
                      actor: Any = SYSTEM) -> Confirmation:
    """Open the case's confirmation due on ``due_on`` (409 when one is open already)."""
    if Confirmation.objects.filter(application=application, state__in=OPEN_STATES).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该案件已有待认证的记录"))
    household = application.household
    confirmation = Confirmation.objects.create(
        household=household, application=application, region=household.region,
        region_path=household.region_path, review_class=application.review_class or "B",
        due_on=due_on)
    audit_record(actor=actor, action="create", obj=confirmation,
                 detail={"application": application.number, "due_on": due_on.isoformat(),
                         "review_class": confirmation.review_class})
    return confirmation


def confirmations_generate(*, today: date | None = None) -> list[Confirmation]:
    """Open the confirmation of the period for every recipient of every county with a
    setting: exactly one open per recipient; the next one opens 30 days before its due
    date once the previous one is done. Idempotent (run it twice: nothing more)."""
    today = today or timezone.localdate()
    opened: list[Confirmation] = []
    for setting in RecertifySetting.objects.filter(active=True).select_related("county"):
        cases = recipients(setting.county)
        open_ids = set(Confirmation.objects.filter(application__in=cases.values("pk"),
                                                   state__in=OPEN_STATES)
                       .values_list("application_id", flat=True))
        last_by_case: dict[int, Confirmation] = {}
        for row in (Confirmation.objects.filter(application__in=cases.values("pk"))
                    .exclude(state=State.CANCELLED).order_by("application_id", "due_on")):
            last_by_case[row.application_id] = row
        for application in cases.order_by("id"):
            if application.pk in open_ids:
                continue
            last = last_by_case.get(application.pk)
            due = next_due(application, setting, last, today)
            if last is not None and due - timedelta(days=OPEN_BEFORE_DAYS) > today:
                continue
            try:
                opened.append(confirmation_open(application, due))
            except (IntegrityError, ServiceError):  # opened by a concurrent run
                continue
    return opened


def _act(confirmation: Confirmation, action: str, today: date) -> bool:
    try:
        WORKFLOW.perform(actor=SYSTEM, obj=confirmation, action=action, today=today)
    except ServiceError as error:
        logger.warning("recertify: %s %s refused: %s", confirmation.number, action, error.message)
        return False
    return True


def confirmations_overdue(*, today: date | None = None) -> dict[str, int]:
    """Past the due date by the county's grace days (15): a visit task for the family's
    grid worker, once; by 30 more days: payment suspended (a case in payment) with D22."""
    today = today or timezone.localdate()
    done = {"visits": 0, "suspended": 0}
    for setting in RecertifySetting.objects.filter(active=True).select_related("county"):
        rows = Confirmation.objects.within(setting.county)
        visit_by = today - timedelta(days=setting.grace_days)
        for row in rows.filter(state__in=(State.DUE, State.RETURNED), due_on__lte=visit_by):
            done["visits"] += _act(row, "assign_visit", today)
        suspend_by = visit_by - timedelta(days=setting.suspend_after_days)
        for row in rows.filter(state__in=(State.DUE, State.RETURNED, State.VISIT_ASSIGNED),
                               due_on__lte=suspend_by,
                               application__state=CaseState.IN_PAYMENT):
            done["suspended"] += _act(row, "suspend", today)
    return done


def confirmations_close_ended(*, today: date | None = None) -> int:
    """Close the unfinished confirmations of cases no longer paid (stopped, …)."""
    today = today or timezone.localdate()
    rows = (Confirmation.objects.filter(state__in=(*OPEN_STATES, State.CONFIRMED,
                                                   State.CHANGE_DECLARED))
            .exclude(application__state__in=KEEPS_ROWS))
    return sum(_act(row, "cancel", today) for row in rows)


def daily(today: date | None = None) -> dict[str, int]:
    """The daily step (registered with the calendar's 01:00 run)."""
    today = today or timezone.localdate()
    closed = confirmations_close_ended(today=today)
    opened = confirmations_generate(today=today)
    overdue = confirmations_overdue(today=today)
    return {"opened": len(opened), "closed": closed, **overdue}


# --- the resident's confirmation -------------------------------------------------------------

def _coordinate(value: Any, path: str, limit: int, errors: list[dict[str, str]]) -> Decimal | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        number = Decimal(text).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors.append({"path": path, "message": _("位置格式不正确")})
        return None
    if not -limit <= number <= limit:
        errors.append({"path": path, "message": _("位置格式不正确")})
        return None
    return number


def confirmation_submit(*, confirmation: Confirmation | int, data: dict[str, Any],
                        photo: tuple[str, bytes] | None,
                        today: date | None = None) -> Confirmation:
    """The resident confirms (the caller has checked the query code and the last 4 ID
    characters): the photo of the applicant holding the ID card (JPEG or PNG), the location
    (optional: a phone may refuse it) and the declared changes (a change needs a note).
    No change → 已认证; a change → 申报变化待审核 for the township. 422 naming every wrong
    field, nothing stored."""
    result: Confirmation = WORKFLOW.perform(
        actor=SYSTEM, obj=confirmation, action="submit", data={}, today=today,
        submitted=data, photo=photo, actor_name=RESIDENT)
    return result


def handle_submit(ctx: WorkflowContext) -> None:
    obj: Confirmation = ctx.obj
    data: dict[str, Any] = ctx.options.get("submitted") or {}
    photo = ctx.options.get("photo")
    errors: list[dict[str, str]] = []
    kind = None
    if not photo or not photo[1]:
        errors.append({"path": "photo", "message": _("请拍摄本人手持身份证的照片")})
    elif len(photo[1]) > MAX_PHOTO_BYTES:
        errors.append({"path": "photo", "message": _("照片不能超过 10 MB")})
    else:
        kind = sniff(photo[1][:16])
        if kind is None or not kind[0].startswith("image/"):
            errors.append({"path": "photo", "message": _("只接受 JPEG 或 PNG 照片（按内容识别）")})
    latitude = _coordinate(data.get("latitude"), "latitude", 90, errors)
    longitude = _coordinate(data.get("longitude"), "longitude", 180, errors)
    if (latitude is None) != (longitude is None) and not errors:
        errors.append({"path": "latitude", "message": _("位置不完整，请重新获取")})
    flags = {name: str(data.get(name, "")).lower() in ("1", "on", "true", "yes")
             for name, _label in CHANGE_FIELDS}
    note = str(data.get("change_note", "") or "").strip()
    if any(flags.values()) and not note:
        errors.append({"path": "change_note", "message": _("申报了变化，请写明变化情况")})
    if len(note) > MAX_NOTE:
        errors.append({"path": "change_note", "message": _("不能超过 %(limit)s 个字") % {"limit": MAX_NOTE}})
    if errors:
        raise _invalid(errors, _("认证信息有误，请按提示修改"))
    assert photo is not None and kind is not None
    content = photo[1]
    obj.photo.save(f"{obj.application_id}-{obj.due_on:%Y%m}.{kind[1]}", ContentFile(content),
                   save=False)
    obj.photo_type = kind[0]
    obj.photo_sha256 = hashlib.sha256(content).hexdigest()
    obj.latitude, obj.longitude = latitude, longitude
    for name, value in flags.items():
        setattr(obj, name, value)
    obj.change_note = note
    obj.submitted_at = timezone.now()
    obj.reviewer, obj.reviewed_at, obj.outcome, obj.review_note = None, None, "", ""
    ctx.options["detail"] = {"changes": [n for n, v in flags.items() if v],
                             "located": latitude is not None, "photo": obj.photo_sha256[:16]}


# --- the township's check ------------------------------------------------------------------

def confirmation_act(*, actor: Any, confirmation: Confirmation | int, action: str,
                     data: dict[str, Any] | None = None) -> Confirmation:
    """核验通过 / 审核变化 / 退回重新认证 (all checks in the table)."""
    result: Confirmation = WORKFLOW.perform(actor=actor, obj=confirmation, action=action,
                                            data=data or {})
    return result


def _resume_if_suspended(ctx: WorkflowContext, permission: str) -> None:
    """A case this app suspended is paid again once the late confirmation is checked."""
    from jiuzhu.supervision.services import case_resume

    obj: Confirmation = ctx.obj
    if obj.suspended_on and obj.application.state == CaseState.SUSPENDED:
        case_resume(actor=ctx.actor, application=obj.application, permission=permission,
                    reason=_("资格认证已补办（%(number)s）") % {"number": obj.number})
        ctx.options.setdefault("detail", {})["resumed"] = True


def _checked(ctx: WorkflowContext) -> None:
    obj: Confirmation = ctx.obj
    obj.reviewer = ctx.actor if getattr(ctx.actor, "pk", None) else None
    obj.reviewed_at = timezone.now()


def handle_accept(ctx: WorkflowContext) -> None:
    _checked(ctx)
    _resume_if_suspended(ctx, "recertify.accept")


def handle_review(ctx: WorkflowContext) -> None:
    obj: Confirmation = ctx.obj
    _checked(ctx)
    obj.outcome = ctx.data["decision"]
    obj.review_note = ctx.data.get("note", "").strip()
    ctx.options["detail"] = {"decision": obj.outcome}
    _resume_if_suspended(ctx, "recertify.review")


def handle_return(ctx: WorkflowContext) -> None:
    obj: Confirmation = ctx.obj
    _checked(ctx)
    obj.review_note = ctx.data["reason"].strip()
    ctx.options["detail"] = {"reason": obj.review_note}


# --- the daily step's handlers -------------------------------------------------------------

def handle_assign_visit(ctx: WorkflowContext) -> None:
    """A visit task (走访任务) for the family's grid worker, through leads: a lead of the
    family's grid converted into the household's visit."""
    from jiuzhu.leads.services import lead_convert, lead_record

    obj: Confirmation = ctx.obj
    household = obj.household
    head = (household.members.filter(relation="head").order_by("position").first()
            or household.members.order_by("position").first())
    if head is None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("家庭没有成员"))
    place = household.grid or household.region
    assert place is not None
    lead = lead_record(actor=ctx.actor, data={
        "source": "other", "reporter_name": _("资格认证"), "person_name": head.name,
        "id_number": head.id_number, "address": household.address, "region_code": place.code,
        "urgency": "normal",
        "description": _("资格认证逾期未认证：%(number)s 应于 %(due)s 前认证。请走访核实家庭情况，并协助户主在手机上完成认证或到乡镇（街道）窗口办理。") % {
            "number": obj.number, "due": obj.due_on.isoformat()}})
    obj.visit_task = lead_convert(actor=ctx.actor, lead=lead, id_number=head.id_number,
                                  today=ctx.today)
    ctx.options["detail"] = {"visit_task": obj.visit_task.pk,
                             "assignee": obj.visit_task.assignee.username}


def handle_suspend(ctx: WorkflowContext) -> None:
    """Payment suspended by the county's rule, with the suspension notice (D22)."""
    from jiuzhu.supervision.services import case_suspend

    obj: Confirmation = ctx.obj
    case_suspend(actor=ctx.actor, application=obj.application, today=ctx.today,
                 permission="recertify.system",
                 reasons=_("未按规定完成资格认证（应认证日期 %(due)s，逾期已超过 %(days)s 天）") % {
                     "due": obj.due_on.isoformat(),
                     "days": (ctx.today - obj.due_on).days},
                 requirements=_("请尽快完成资格认证：在手机上打开“资格认证”页面，或到乡镇（街道）窗口办理；认证核验后恢复发放"),
                 respond_by=ctx.today + timedelta(days=15))
    obj.application.refresh_from_db(fields=["state"])
    obj.suspended_on = ctx.today
    ctx.options["detail"] = {"application": obj.application.number}
