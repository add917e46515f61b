"""Writes of the emergency cases (急难个案): opening a case with its urgent-need assessment,
taking a step of ``workflow.CASE_WORKFLOW``, the hooks from leads (a critical lead) and
applications (the case's MZ05/MZ04 file decided).

Every function checks everything first and changes nothing when it refuses (422 naming
the field, 403, 404, 409); the writes, the audit event and the documents happen in one
transaction."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.applications.attachments import sniff
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM, sees_everything, visible_path
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.numbers import next_number
from jiuzhu.households.models import Household
from jiuzhu.regions.models import Region
from jiuzhu.rules.emergency import (
    ChecklistError,
    EmergencyParameters,
    UrgentAssessment,
    assess_urgency,
    emergency_parameters,
)
from jiuzhu.rules.money import yuan_to_fen
from jiuzhu.rules.parameters import ParameterError, parameters_for

from . import deadlines
from .choices import CaseState, Cause, Source
from .models import CaseStep, EmergencyCase, EventPhoto, UrgentAssessmentRecord

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024
#: the items whose approved, paying case makes E09 (already a recipient) true
RECEIVING_ITEMS = ("MZ01", "MZ02", "MZ03")

Photos = list[tuple[str, bytes]]


# --- small helpers ---------------------------------------------------------------------------

def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def actor_name(actor: Any) -> str:
    if not getattr(actor, "pk", None):
        return _("系统")
    return getattr(actor, "full_name", "") or getattr(actor, "username", "")


def _refuse(errors: list[dict[str, str]], message: str = "") -> None:
    if errors:
        raise ServiceError(ErrorCode.VALIDATION,
                           message or (errors[0]["message"] if len(errors) == 1
                                       else _("信息有误，请按提示修改")), errors)


def township_of(region: Region) -> Region:
    """The township (乡镇) a household's village, grid or township lies in."""
    node: Region | None = region
    while node is not None and node.level not in ("township", "county", "city", "province"):
        node = node.parent
    return node if node is not None else region


def county_code(region: Region) -> str:
    return region.code[:6]


def parse_fen(value: Any, path: str = "amount", *, allow_zero: bool = False) -> int:
    """Yuan given as text or a number ("1234.50") → integer fen; 422 naming ``path``."""
    if isinstance(value, bool):
        raise ServiceError(ErrorCode.VALIDATION, _("金额格式不正确"),
                           [{"path": path, "message": _("金额格式不正确")}])
    try:
        amount = Decimal(str(value).strip().replace(",", "") or "0")
    except InvalidOperation:
        raise ServiceError(ErrorCode.VALIDATION, _("金额格式不正确"),
                           [{"path": path, "message": _("金额格式不正确")}]) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero) \
            or amount != amount.quantize(Decimal("0.01")):
        message = _("金额应为不小于 0 的数，最多两位小数") if allow_zero \
            else _("金额应为正数，最多两位小数")
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": path, "message": message}])
    return int(amount * 100)


def yuan(fen: int) -> str:
    """``1,234.50`` (money in messages)."""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"


# --- what the assessment needs from the household -------------------------------------------------

def household_standard(household: Household, on: date) -> tuple[int, int]:
    """(dibao standard in fen per person per month for the household's county and area
    type on ``on``, household size)."""
    try:
        params = parameters_for(county_code(household.region), on)
    except ParameterError as error:
        raise ServiceError(ErrorCode.VALIDATION, error.message,
                           [{"path": "household_id", "message": error.message}]) from None
    name = "dibao_standard_rural" if household.area_type == "rural" else "dibao_standard_urban"
    size = household.member_count or household.members.count() or 1
    return yuan_to_fen(params[name]), int(size)


def household_receiving(household: Household, on: date) -> bool:
    """Whether the household receives dibao, special hardship (tekun) or low-income
    recognition now: an approved case in payment whose recognition has not run out (E09)."""
    from jiuzhu.applications.choices import State
    from jiuzhu.applications.models import Application

    return (Application.objects
            .filter(household=household, item_code__in=RECEIVING_ITEMS,
                    state__in=(State.APPROVED, State.IN_PAYMENT))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on)).exists())


def case_parameters(case: EmergencyCase, on: date | None = None) -> EmergencyParameters:
    day = on or timezone.localdate()
    try:
        return emergency_parameters(county_code(case.township), day)
    except ParameterError as error:
        raise ServiceError(ErrorCode.VALIDATION, error.message,
                           [{"path": "household_id", "message": error.message}]) from None


def assess_household(household: Household, *, checklist: Any, sudden_expense_fen: int,
                     on: date) -> tuple[UrgentAssessment, EmergencyParameters]:
    """The urgent-need assessment of ``household`` with the standard, size and receiving
    status of ``on``; E07 or E09 ticked by hand, or an unknown code, is a 422 naming
    ``checklist``."""
    if not isinstance(checklist, list | tuple) or \
            not all(isinstance(code, str) for code in checklist):
        raise ServiceError(ErrorCode.VALIDATION, _("评估清单应为评估项代码的列表"),
                           [{"path": "checklist", "message": _("应为评估项代码的列表，如 E04")}])
    try:
        params = emergency_parameters(county_code(household.region), on)
    except ParameterError as error:
        raise ServiceError(ErrorCode.VALIDATION, error.message,
                           [{"path": "household_id", "message": error.message}]) from None
    standard, size = household_standard(household, on)
    try:
        result = assess_urgency(params, ticked=checklist, sudden_expense_fen=sudden_expense_fen,
                                standard_fen=standard, size=size,
                                receiving=household_receiving(household, on))
    except ChecklistError as error:
        if error.code == "E07" and "E07" not in [str(c).upper() for c in checklist]:
            path = "sudden_expense"
        else:
            path = "checklist"
        message = _checklist_message(error)
        raise ServiceError(ErrorCode.VALIDATION, message,
                           [{"path": path, "message": message}]) from None
    return result, params


def _checklist_message(error: ChecklistError) -> str:
    code = error.code
    if code == "E07" and "不能为负数" in error.message:
        return _("突发刚性支出不能为负数")
    if code == "E07":
        return _("E07 不能勾选：按突发刚性支出与低保标准计算")
    if code == "E09":
        return _("E09 不能勾选：按家庭正在享受的低保、特困或低收入认定计算")
    return _("评估清单没有 %(code)s 项") % {"code": code}


# --- steps and the assessment history -------------------------------------------------------------

def step_record(case: EmergencyCase, actor: Any, action: str, before: str, after: str,
                data: dict[str, Any] | None = None) -> CaseStep:
    record = CaseStep.objects.create(case=case, action=action, from_state=before, to_state=after,
                                     data=data or {}, actor=_user(actor),
                                     actor_name=actor_name(actor))
    if before and before != after:  # a step ended: its processing-time fact, in this transaction
        from .facts import record_ended

        record_ended(case, record)
    return record


def assessment_record(case: EmergencyCase, result: UrgentAssessment, *, actor: Any,
                      at: datetime, reason: str = "") -> UrgentAssessmentRecord:
    return UrgentAssessmentRecord.objects.create(
        case=case, ticked=list(result.ticked), score=result.score, level=result.level,
        critical=list(result.critical), explanation=result.explanation,
        parameters_effective=result.parameters_effective,
        sudden_expense_fen=case.sudden_expense_fen, reason=reason, assessed_at=at,
        by=_user(actor))


def apply_assessment(case: EmergencyCase, result: UrgentAssessment, at: datetime, *,
                     params: EmergencyParameters, restart: bool) -> None:
    """Put the assessment on the case; ``restart``: the response clock runs from ``at``."""
    case.level, case.score = result.level, result.score
    case.critical, case.ticked = list(result.critical), list(result.ticked)
    case.explanation = result.explanation
    case.parameters_effective = result.parameters_effective
    if restart:
        case.level_at = at
        case.respond_by = deadlines.respond_by(result.level, at, params=params)


# --- opening a case -----------------------------------------------------------------------------

def _photos(photos: Photos | None) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    errors: list[dict[str, str]] = []
    kept: list[dict[str, Any]] = []
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        errors.append({"path": "photos", "message": _("最多上传 %(n)s 张照片") % {"n": MAX_PHOTOS}})
    for name, content in photos[:MAX_PHOTOS]:
        kind = sniff(bytes(content[:16])) if content else None
        if kind is None or not kind[0].startswith("image/"):
            errors.append({"path": "photos", "message": _("%(name)s：只接受 JPEG 或 PNG 照片（按内容识别）") % {"name": name}})
        elif len(content) > MAX_PHOTO_BYTES:
            errors.append({"path": "photos", "message": _("%(name)s：照片不能超过 10 MB") % {"name": name}})
        else:
            kept.append({"name": name, "content": content, "type": kind[0], "ext": kind[1]})
    return kept, errors


def _new_household(*, actor: Any, data: Any, today: date) -> Household:
    """Register a household on the spot from the minimal fields of an emergency: the person
    as head (name, ID number), village or grid, address, phone (422 naming
    ``household.<field>``). An active household of that ID number is used instead."""
    from jiuzhu.households.choices import HouseholdStatus
    from jiuzhu.households.models import Member
    from jiuzhu.households.services import household_register
    from jiuzhu.rules import vocabulary as v
    from jiuzhu.rules.validation import birth_date_from_id, id_check_character

    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息应为对象"),
                           [{"path": "household", "message": _("应为对象")}])

    def text(name: str) -> str:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else ""

    name, id_number = text("name"), text("id_number").upper()
    region_code, address, phone = text("region_code"), text("address"), text("phone")
    health, occupation = text("health") or "healthy", text("occupation") or "none"
    errors: list[dict[str, str]] = []
    if not name:
        errors.append({"path": "household.name", "message": _("请填写姓名")})
    if len(id_number) != 18 or not id_number[:17].isdigit() or \
            id_check_character(id_number[:17]) != id_number[17] or \
            birth_date_from_id(id_number) is None:
        errors.append({"path": "household.id_number", "message": _("身份证号有误，请核对")})
    if health not in v.HEALTH:
        errors.append({"path": "household.health", "message": _("健康状况无效")})
    if occupation not in v.OCCUPATIONS:
        errors.append({"path": "household.occupation", "message": _("职业无效")})
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None or not visible_path(actor, region.path):
        errors.append({"path": "household.region_code", "message": _("请选择您辖区内的村（社区）或网格")})
    elif region.level not in ("village", "grid"):
        errors.append({"path": "household.region_code", "message": _("请选择到村（社区）或网格")})
    _refuse(errors, _("家庭信息有误，请按提示修改"))
    assert region is not None
    member = (Member.objects.filter(id_number=id_number, household__status=HouseholdStatus.ACTIVE)
              .select_related("household__region").first())
    if member is not None:  # registered already: the case is that household's
        household = member.household
        if not Household.objects.visible_to(actor).filter(pk=household.pk).exists():
            raise ServiceError(ErrorCode.DUPLICATE_MEMBER,
                               _("该身份证号已在其他辖区的在册家庭中登记，请联系该辖区处理"),
                               [{"path": "household.id_number",
                                 "message": _("已在其他辖区的在册家庭中登记")}])
        return household
    village = region if region.level == "village" else region.parent
    assert village is not None
    area_type = village.area_type or text("area_type")
    if area_type not in v.AREA_TYPES:
        raise ServiceError(ErrorCode.VALIDATION, _("请选择城乡类别"),
                           [{"path": "household.area_type", "message": _("请选择城乡类别")}])
    born = birth_date_from_id(id_number)
    record: dict[str, Any] = {
        "region_code": village.code, "area_type": area_type,
        "assessment_date": today.isoformat(),
        "members": [{"member_id": "M1", "name": name, "id_number": id_number,
                     "relation": "head", "birth_date": born.isoformat() if born else "",
                     "health": health, "occupation": occupation}],
    }
    if address:
        record["address"] = address
    if phone:
        record["phone"] = phone
    # A grid worker opens cases in their grid but registers households only through a
    # village's roles: the household of an emergency is registered on the spot by the
    # platform on the opener's behalf (the case and the audit name the opener).
    registrar = actor if actor.has_perm("households.add_household", village) else SYSTEM
    try:
        return household_register(actor=registrar, data=record,
                                  reason=_("急难个案登记（%(who)s）") % {"who": actor_name(actor)},
                                  grid_code=region.code if region.level == "grid" else None)
    except ServiceError as error:
        raise ServiceError(error.code, error.message, [
            {"path": "household." + str(e.get("path", "")).removeprefix("members[0]."),
             "message": e.get("message", "")} for e in error.errors]) from None


@transaction.atomic
def open_case(*, actor: Any, household: Household | None = None,
              new_household: dict[str, Any] | None = None, source: str, cause: str,
              occurred_on: date | str, narrative: str, checklist: Any,
              sudden_expense_fen: int = 0, photos: Photos | None = None, lead: Any = None,
              now: datetime | None = None) -> EmergencyCase:
    """Open an emergency case (登记急难个案) for ``household`` — or for a household
    registered on the spot from ``new_household`` ``{name, id_number, region_code (village
    or grid), address, phone[, health, occupation, area_type]}`` — with the event and the
    checklist (E01–E11 without E07/E09, which are computed). The level, score, critical
    items, explanation and response deadline come from the rules library with the
    household's standard, size and what it receives now. 404 for a household the actor
    does not see, 403 without ``emergency.open_case``, 422 naming each wrong field."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    errors: list[dict[str, str]] = []
    if source not in Source.values:
        errors.append({"path": "source", "message": _("请选择发现渠道")})
    if cause not in Cause.values:
        errors.append({"path": "cause", "message": _("请选择致困原因")})
    day: date | None = None
    if isinstance(occurred_on, date):
        day = occurred_on
    elif isinstance(occurred_on, str):
        try:
            day = date.fromisoformat(occurred_on.strip())
        except ValueError:
            day = None
    if day is None:
        errors.append({"path": "occurred_on", "message": _("日期格式应为 YYYY-MM-DD")})
    elif day > today:
        errors.append({"path": "occurred_on", "message": _("发生日期不能晚于今天")})
    narrative = narrative.strip() if isinstance(narrative, str) else ""
    if not narrative:
        errors.append({"path": "narrative", "message": _("请填写事件经过")})
    if isinstance(sudden_expense_fen, bool) or not isinstance(sudden_expense_fen, int) \
            or sudden_expense_fen < 0:
        errors.append({"path": "sudden_expense", "message": _("突发刚性支出应为不小于 0 的金额")})
    kept, photo_errors = _photos(photos)
    errors += photo_errors
    if household is None and new_household is None:
        errors.append({"path": "household_id", "message": _("请选择家庭或登记新家庭")})
    if household is not None:
        if not Household.objects.visible_to(actor).filter(pk=household.pk).exists():
            raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"),
                               [{"path": "household_id", "message": _("家庭不存在或不在您的辖区")}])
        if not actor.has_perm("emergency.open_case", household):
            raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能登记急难个案"))
        if household.status != "active":
            errors.append({"path": "household_id", "message": _("家庭已注销")})
    elif not actor.has_perm("emergency.open_case"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能登记急难个案"))
    _refuse(errors, _("急难个案信息有误，请按提示修改"))
    assert day is not None
    if household is None:
        household = _new_household(actor=actor, data=new_household, today=today)
    result, params = assess_household(household, checklist=checklist,
                                      sudden_expense_fen=sudden_expense_fen, on=today)
    standard, size = household_standard(household, today)
    township = township_of(household.region)
    case = EmergencyCase(
        number=next_number(EmergencyCase, f"JN{township.code}{today:%Y}", width=4),
        household=household, region=household.grid or household.region,
        region_path=household.region_path, township=township, source=source,
        lead=lead, cause=cause, occurred_on=day, narrative=narrative,
        sudden_expense_fen=sudden_expense_fen, standard_fen=standard, size=size,
        opened_at=now, opened_by=_user(actor), level_at=now, respond_by=now,
        parameters_effective=result.parameters_effective, state=CaseState.OPEN)
    apply_assessment(case, result, now, params=params, restart=True)
    case.save()
    assessment_record(case, result, actor=actor, at=now)
    for photo in kept:
        EventPhoto.objects.create(
            case=case, file=ContentFile(photo["content"], name=f"{case.number}.{photo['ext']}"),
            content_type=photo["type"], size=len(photo["content"]),
            sha256=hashlib.sha256(photo["content"]).hexdigest(),
            original_name=str(photo["name"])[:200], uploaded_by=_user(actor))
    step_record(case, actor, "open", "", CaseState.OPEN,
                {"level": case.level, "score": case.score, "critical": case.critical,
                 "source": source, "lead": getattr(lead, "pk", None)})
    audit_record(actor=actor, action="create", obj=case,
                 detail={"case": case.number, "household": household.household_id,
                         "level": case.level, "score": case.score, "source": source})
    return case


def open_from_lead(lead: Any, *, actor: Any, cause: str = Cause.OTHER,
                   checklist: Any = (), now: datetime | None = None) -> EmergencyCase | None:
    """The hook of a critical lead with a household (``leads.events.on_critical_lead``):
    opens an emergency case (source 线索) with the lead's description, unless the lead
    already has an open case. The checklist is what the reporter said (none by default:
    the duty list shows the case to be assessed). The actor's permission is not asked
    again: the lead's service already checked who records it."""
    from .choices import OPEN_STATES, Source

    household = getattr(lead, "household", None)
    if household is None:
        return None
    existing = EmergencyCase.objects.filter(lead=lead, state__in=OPEN_STATES).first()
    if existing is not None:
        return existing
    opener = actor if (getattr(actor, "pk", None) and
                       actor.has_perm("emergency.open_case", household)) else SYSTEM
    today = timezone.localtime(now or timezone.now()).date()
    case = open_case(actor=opener, household=household, source=Source.LEAD, cause=cause,
                     occurred_on=today, narrative=getattr(lead, "description", "") or "线索",
                     checklist=list(checklist), sudden_expense_fen=0, lead=lead, now=now)
    if case.level != "red" and not checklist:
        # Reported as critical (断炊, 无处居住 …) and not assessed yet: held to the red
        # clock (24 hours) until someone assesses it; a lower re-assessment keeps that clock.
        county = county_code(household.region)
        case.level = "red"
        case.explanation = _("紧急线索尚未入户评估：暂按红色，%(hours)s 小时内响应；"
                             "评估后按评估结果（%(assessed)s）") % {
            "hours": deadlines.parameters_of(county, today).red_hours,
            "assessed": case.explanation}
        case.respond_by = deadlines.respond_by("red", case.level_at, county=county)
        case.save(update_fields=["level", "explanation", "respond_by"])
    return case


def payroll_amount(application: Any, month: date) -> Decimal | None:
    """What the payroll pays for an MZ05/MZ04 file whose first help was paid from a fund
    (先行救助): the approved amount less what was paid first, never below 0 — so the family
    is not paid the same help twice; ``None`` for any other case (``payments.hooks``)."""
    from django.db.models import Sum

    from .choices import HelpState
    from .models import FirstHelp

    if getattr(application, "item_code", "") not in ("MZ04", "MZ05"):
        return None
    paid = FirstHelp.objects.filter(case__application=application, state=HelpState.PAID
                                    ).aggregate(total=Sum("amount_fen"))["total"]
    if not paid:
        return None
    approved_fen = int((application.approved_amount or Decimal(0)) * 100)
    return Decimal(max(approved_fen - paid, 0)) / 100


# --- the steps (rows of workflow.CASE_WORKFLOW) ---------------------------------------------------

def case_act(*, actor: Any, case: EmergencyCase | int, action: str,
             data: dict[str, Any] | None = None, now: datetime | None = None) -> EmergencyCase:
    """Take ``action`` (a row of ``workflow.CASE_WORKFLOW``) on the case: 404 outside what
    the actor sees or an unknown action, 403 without the action's permission, 409
    ``step_not_allowed`` in a state that does not allow it (or the once-a-year rule), 409
    ``insufficient_funds`` with ``available``, 422 naming the wrong fields."""
    from .workflow import CASE_WORKFLOW

    when = now or timezone.now()
    return CASE_WORKFLOW.perform(actor=actor, obj=case, action=action, data=data or {},
                                 today=timezone.localtime(when).date(), now=when)


def reassess(*, actor: Any, case: EmergencyCase | int, checklist: list[str],
             sudden_expense: str, reason: str, now: datetime | None = None) -> EmergencyCase:
    return case_act(actor=actor, case=case, action="reassess", now=now, data={
        "checklist": checklist, "sudden_expense": sudden_expense, "reason": reason})


def approve_help(*, actor: Any, case: EmergencyCase | int, amount: str, method: str,
                 payee: str, fund_id: int | None = None, override_reason: str = "",
                 now: datetime | None = None) -> EmergencyCase:
    data: dict[str, Any] = {"amount": amount, "method": method, "payee": payee,
                            "override_reason": override_reason}
    if fund_id is not None:
        data["fund_id"] = fund_id
    return case_act(actor=actor, case=case, action="approve_help", data=data, now=now)


def county_approve(*, actor: Any, case: EmergencyCase | int, override_reason: str = "",
                   fund_id: int | None = None, now: datetime | None = None) -> EmergencyCase:
    data: dict[str, Any] = {"override_reason": override_reason}
    if fund_id is not None:
        data["fund_id"] = fund_id
    return case_act(actor=actor, case=case, action="county_approve", data=data, now=now)


def pay(*, actor: Any, case: EmergencyCase | int, voucher: str, signature: str = "",
        payee_confirmed: bool = True, now: datetime | None = None) -> EmergencyCase:
    return case_act(actor=actor, case=case, action="pay", now=now, data={
        "voucher": voucher, "signature": signature, "payee_confirmed": payee_confirmed})


def refer(*, actor: Any, case: EmergencyCase | int, target: str, department: str = "",
          item_code: str = "", organisation: str = "", note: str = "",
          now: datetime | None = None) -> EmergencyCase:
    return case_act(actor=actor, case=case, action="refer", now=now, data={
        "target": target, "department": department, "item_code": item_code,
        "organisation": organisation, "note": note})


def signature_png(value: str, path: str = "signature") -> bytes:
    """A signature drawn on the phone (``data:image/png;base64,…``) → PNG bytes; 422."""
    prefix = "data:image/png;base64,"
    if not isinstance(value, str) or not value.startswith(prefix):
        raise ServiceError(ErrorCode.VALIDATION, _("签名应为 PNG 图片"),
                           [{"path": path, "message": _("签名应为 PNG 图片")}])
    try:
        data = base64.b64decode(value[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError(ErrorCode.VALIDATION, _("签名图片无法读取"),
                           [{"path": path, "message": _("签名图片无法读取")}]) from None
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) > 2 * 1024 * 1024:
        raise ServiceError(ErrorCode.VALIDATION, _("签名应为 PNG 图片（不超过 2 MB）"),
                           [{"path": path, "message": _("签名应为 PNG 图片（不超过 2 MB）")}])
    return data


# --- the hook of applications: the case's file decided ---------------------------------------------

def on_application_decided(application: Any, *, actor: Any, action: str) -> None:
    """``applications.events.on_decided``: the MZ05/MZ04 file of an emergency case was
    decided — its papers are done, and the case is closed (the table's system row
    ``papers_done``)."""
    if getattr(application, "item_code", "") not in ("MZ04", "MZ05"):
        return
    from .workflow import CASE_WORKFLOW

    for pk in EmergencyCase.objects.filter(
            application=application,
            state__in=(CaseState.HELPED, CaseState.IN_PROCEDURE)).values_list("pk", flat=True):
        CASE_WORKFLOW.perform(actor=SYSTEM, obj=pk, action="papers_done",
                              data={"application": application.number, "decision": action})


def may_open(user: Any, region: Region | None = None) -> bool:
    """Whether ``user`` may open a case (in ``region`` when given): for the button."""
    if sees_everything(user):
        return True
    return bool(user.has_perm("emergency.open_case", region))


# --- a commitment for a case (the API's POST /funds/{id}/commitments) -----------------------------

@transaction.atomic
def commit_for_case(*, actor: Any, fund_id: int, case_id: int, amount: Any) -> Any:
    """Reserve ``amount`` (yuan) of a fund for a case the actor sees: 404 for a case or
    fund the actor does not see, 403 without ``funds.commit``, 422 naming ``amount`` above
    the event cap, 409 ``insufficient_funds`` with ``available`` — nothing written."""
    from jiuzhu.funds.models import Fund
    from jiuzhu.funds.selectors import case_total_fen
    from jiuzhu.funds.services import commit
    from jiuzhu.rules.emergency import event_cap_fen

    case = EmergencyCase.objects.visible_to(actor).select_related("township").filter(
        pk=case_id).first()
    if case is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("急难个案不存在"),
                           [{"path": "emergency_id", "message": _("急难个案不存在或不在您的辖区")}])
    fund = Fund.objects.visible_to(actor).filter(pk=fund_id).first()
    if fund is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("基金不存在"))
    if not case.region_path.startswith(fund.region_path):
        message = _("该急难个案不在本基金的区划内：请使用本乡镇备用金或上级救急难基金")
        raise ServiceError(ErrorCode.VALIDATION, message,
                           [{"path": "emergency_id", "message": message}])
    amount_fen = parse_fen(amount, "amount")
    cap = event_cap_fen(case_parameters(case), case.standard_fen, case.size)
    given = case_total_fen(case.pk)
    if given + amount_fen > cap:
        message = _("本次事件救助合计不能超过 %(cap)s 元，已给予 %(given)s 元") % {
            "cap": yuan(cap), "given": yuan(given)}
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "amount", "message": message}])
    entry = commit(actor=actor, fund=fund, amount_fen=amount_fen, case_id=case.pk,
                   case_number=case.number, township=case.township, level=case.level)
    step_record(case, actor, "commitment", case.state, case.state,
                {"fund": fund.name, "amount": amount_fen, "entry": entry.pk})
    return entry
