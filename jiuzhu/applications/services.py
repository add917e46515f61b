"""The dibao procedure's actions (低保审核确认): each checks region, role, state and
fields, changes the state through its transition, records the step, issues its
documents and writes an audit event — all in one transaction, or nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from jiuzhu.accounts.choices import Role
from jiuzhu.assessments.services import assessment_run
from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError, text_value
from jiuzhu.core.errors import field_error as _field_error
from jiuzhu.core.numbers import next_number, query_code
from jiuzhu.households.models import Household

from . import deadlines
from .attachments import attachment_store, materials_missing
from .choices import BEFORE_DECISION, Channel, ReviewClass, State, Step
from .documents import issue_documents
from .models import Application, ApplicationStep
from .procedure import procedure_for
from .programs import (
    PROGRAMS,
    check_for_application,
    check_temporary_amount,
    parse_amount,
    program_check,
    program_of,
    valid_until,
)

# --- who may do what ----------------------------------------------------------------

ROLES: dict[str, frozenset[str]] = {
    "create": frozenset({Role.WINDOW_WORKER}),
    "request_supplement": frozenset({Role.WINDOW_WORKER}),
    "submit_supplement": frozenset({Role.WINDOW_WORKER}),
    "reject": frozenset({Role.WINDOW_WORKER}),
    "accept": frozenset({Role.WINDOW_WORKER}),
    "assign_investigation": frozenset({Role.TOWNSHIP_REVIEWER}),
    "record_investigation": frozenset({Role.INVESTIGATOR}),
    "record_verification": frozenset({Role.VERIFICATION_OFFICER}),
    "record_appraisal": frozenset({Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_REVIEWER}),
    "submit_opinion": frozenset({Role.TOWNSHIP_REVIEWER}),
    "publish_notice": frozenset({Role.TOWNSHIP_REVIEWER}),
    "record_objection": frozenset({Role.TOWNSHIP_REVIEWER}),
    "close_notice": frozenset({Role.TOWNSHIP_REVIEWER}),
    "approve": frozenset({Role.COUNTY_APPROVER}),
    "refuse": frozenset({Role.COUNTY_APPROVER}),
    "extend_deadline": frozenset({Role.SUPERVISOR}),
    "withdraw": frozenset({Role.WINDOW_WORKER}),
}
ACTION_LABELS = {
    "create": "提出申请", "request_supplement": "一次性告知补正", "submit_supplement": "提交补正材料",
    "reject": "不予受理", "accept": "受理", "assign_investigation": "指派入户调查",
    "record_investigation": "录入入户调查", "record_verification": "录入核对报告",
    "checks_done": "调查核对完成", "record_appraisal": "录入民主评议",
    "submit_opinion": "提出审核意见", "publish_notice": "发布公示", "record_objection": "登记异议",
    "close_notice": "公示结束", "approve": "批准", "refuse": "不予批准",
    "extend_deadline": "延长期限", "withdraw": "撤回", "auto_withdraw": "逾期未补正自动撤回",
}


def roles_for(application: Application, action: str) -> frozenset[str]:
    roles = ROLES[action]
    if action in ("approve", "refuse"):
        if PROGRAMS.get(application.item_code, PROGRAMS["MZ01"]).amount == "entered":
            # temporary assistance: the township decides up to its limit, the county above
            if application.engine_amount is not None and application.township_limit is not None \
                    and application.engine_amount > application.township_limit:
                return frozenset({Role.COUNTY_APPROVER})
            return frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER})
        if procedure_for(application.region.code).approving_level == "township":
            roles = roles | {Role.TOWNSHIP_REVIEWER}
    return roles


def may_see(user: Any, application: Application) -> bool:
    return bool(user.is_superuser or (user.region_path
                                      and application.region_path.startswith(user.region_path)))


def may_act(user: Any, application: Application, action: str) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMINISTRATOR
                or user.role in roles_for(application, action))


def actions_available(user: Any, application: Application) -> list[str]:
    """The actions this user could take now (for buttons)."""
    out = []
    for action in ROLES:
        if action == "create":
            continue
        method = getattr(application, action)
        if can_proceed(method, check_conditions=False) and may_act(user, application, action):
            out.append(action)
    return out


# --- creating an application --------------------------------------------------------

@transaction.atomic
def application_create(*, actor: Any, household: Household, item_code: str, channel: str,
                       files: list[tuple[str, str, bytes]] | None = None,
                       today: date | None = None) -> Application:
    """Register an application (申请); ``files`` are (material, name, content)."""
    today = today or timezone.localdate()
    if actor is not None and not (actor.is_superuser or household.region_path.startswith(actor.region_path)):
        raise ServiceError(ErrorCode.NOT_FOUND, "家庭不存在")
    if actor is not None and not (actor.is_superuser or actor.role in (Role.WINDOW_WORKER,
                                                                       Role.ADMINISTRATOR)):
        raise ServiceError(ErrorCode.FORBIDDEN, "您的岗位不能受理申请")
    procedure = procedure_for(household.region.code)
    errors = []
    if item_code == "MZ01" and item_code != procedure.item_code:
        errors.append({"path": "item_code", "message": f"本程序办理事项 {procedure.item_code}（城乡最低生活保障）"})
    elif item_code not in PROGRAMS:
        errors.append({"path": "item_code", "message": f"本程序办理事项：{'、'.join(PROGRAMS)}；其他事项请通过综合受理转办"})
    else:
        from jiuzhu.catalogue.selectors import item_in_force

        item_in_force(item_code, today)  # 422 naming item_code when not in the catalogue
    if channel not in Channel.values:
        errors.append({"path": "channel", "message": f"渠道应为：{'、'.join(Channel.values)}"})
    if household.status != "active":
        errors.append({"path": "household_id", "message": "家庭已注销"})
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, "申请信息有误", errors)
    if Application.objects.filter(household=household, item_code=item_code,
                                  state__in=list(BEFORE_DECISION) + [State.DECISION]).exists():
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "该家庭已有正在办理的同一事项申请",
                           [{"path": "household_id", "message": "已有办理中的申请"}])
    if channel == Channel.PROXY and not any(m == "代办授权书" for m, _n, _d in files or []):
        raise _field_error("files", "代办须上传申请人签字的授权委托书（代办授权书）")
    township = household.region if household.region.level == "township" else household.region.parent
    application = Application(
        number=_next_number(township.code, today, item_code), query_code=_query_code(),
        household=household, item_code=item_code, channel=channel, region=township,
        region_path=household.region_path,
        created_by=actor if getattr(actor, "pk", None) else None, step_started_on=today,
    )
    deadlines.start_step(application, Step.ACCEPTANCE, today)
    application.save()
    for material, name, content in files or []:
        attachment_store(application=application, actor=actor, data=content, name=name,
                         kind="authorisation" if material == "代办授权书" else "material",
                         material=material)
    application_step_record(application, actor, "create", State.SUBMITTED, State.SUBMITTED,
            {"channel": channel, "item_code": item_code})
    issue_documents(application, actor, ["D01"])
    audit_record(actor=actor, action="create", obj=application,
                 detail={"application": application.number, "household": household.household_id})
    return application


def _next_number(township_code: str, today: date, item_code: str = "MZ01") -> str:
    series = "DB" if item_code == "MZ01" else item_code
    return next_number(Application, f"{series}{township_code}{today:%Y}")


def _query_code() -> str:
    return query_code(Application)


# --- the actions ------------------------------------------------------------------------

@dataclass
class Context:
    application: Application
    actor: Any
    data: dict[str, Any]
    today: date
    procedure: Any


def application_act(*, actor: Any, application_id: int, action: str, data: dict[str, Any],
                    files: list[tuple[str, str, bytes]] | None = None,
                    today: date | None = None) -> Application:
    """Take ``action`` on the application: 404 outside the actor's region, 403 for a role
    that may not, 409 ``step_not_allowed`` in a state that does not allow it, 422 for
    missing or wrong fields. Two people acting at once: the second waits and then finds
    the state changed, so exactly one succeeds."""
    handler = HANDLERS.get(action)
    if handler is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"没有这个动作：{action}")
    with transaction.atomic():
        application = (Application.objects.select_for_update().select_related("region", "household")
                       .filter(pk=application_id).first())
        if application is None or not may_see(actor, application):
            raise ServiceError(ErrorCode.NOT_FOUND, "申请不存在")
        if not may_act(actor, application, action):
            raise ServiceError(ErrorCode.FORBIDDEN, f"您的岗位不能执行“{ACTION_LABELS[action]}”")
        if not can_proceed(getattr(application, action), check_conditions=False):
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                               f"当前状态“{application.get_state_display()}”不能执行“{ACTION_LABELS[action]}”")
        ctx = Context(application, actor, data or {}, today or timezone.localdate(),
                      procedure_for(application.region.code))
        before = application.state
        for material, name, content in files or []:
            attachment_store(application=application, actor=actor, data=content, name=name,
                             kind="photo" if material == "入户照片" else "material",
                             material=material)
        handler(ctx)
        application.alert = deadlines.compute_alert(application, ctx.today)
        application.save()
        application_step_record(application, actor, action, before, application.state,
                {k: v for k, v in (data or {}).items() if k not in ("signatures",)})
        audit_record(actor=actor, action="update", obj=application,
                     detail={"action": action, "from": before, "to": application.state})
    return application


def application_step_record(application: Application, actor: Any, action: str, before: str,
                            after: str, data: dict[str, Any]) -> None:
    """Keep one step of the case (办理记录); other apps' actions on a case call it too."""
    ApplicationStep.objects.create(
        application=application, action=action, from_state=before, to_state=after,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else "系统",
        data=_jsonable(data))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, date):
        return str(value)
    return value


def _text(ctx: Context, name: str, *, required: bool = True) -> str:
    return text_value(ctx.data, name, required=required)


def _list(ctx: Context, name: str, *, minimum: int = 1) -> list[Any]:
    value = ctx.data.get(name)
    if not isinstance(value, list) or len(value) < minimum:
        raise _field_error(name, f"至少需要 {minimum} 项")
    return value


def _request_supplement(ctx: Context) -> None:
    missing = [str(m).strip() for m in _list(ctx, "missing") if str(m).strip()]
    if not missing:
        raise _field_error("missing", "请列出全部需要补正的材料")
    app = ctx.application
    app.missing_materials = missing
    app.request_supplement()
    deadlines.start_step(app, Step.SUPPLEMENT, ctx.today)
    issue_documents(app, ctx.actor, ["D02"])


def _submit_supplement(ctx: Context) -> None:
    app = ctx.application
    app.submit_supplement()
    app.missing_materials = []
    deadlines.start_step(app, Step.ACCEPTANCE, ctx.today)


def _reject(ctx: Context) -> None:
    app = ctx.application
    app.reasons = _text(ctx, "reason")
    app.reject()
    deadlines.start_step(app, Step.NONE, ctx.today)
    issue_documents(app, ctx.actor, ["D03"], accepted=False)


def _accept(ctx: Context) -> None:
    app = ctx.application
    missing = materials_missing(app, materials_required(app))
    if missing:
        raise ServiceError(ErrorCode.VALIDATION, "申请材料不齐全，不能受理",
                           [{"path": "materials", "message": f"缺少：{'、'.join(missing)}"}])
    app.accept()
    deadlines.start_total(app, ctx.today)
    deadlines.item_total(app)
    deadlines.start_step(app, Step.INVESTIGATION, ctx.today)
    issue_documents(app, ctx.actor, ["D03", "D04", "D05"], accepted=True)


def materials_required(app: Application) -> tuple[str, ...]:
    """MZ01: the county's procedure setting; other items: the catalogue item's materials."""
    if app.item_code == "MZ01":
        return procedure_for(app.region.code).materials
    from jiuzhu.catalogue.selectors import item_in_force

    on = timezone.localtime(app.submitted_at).date() if app.submitted_at else timezone.localdate()
    return tuple(item_in_force(app.item_code, on).materials or ())


def _assign_investigation(ctx: Context) -> None:
    app = ctx.application
    people = ctx.data.get("investigators") or []
    organisation = _text(ctx, "organisation", required=False)
    if not organisation and (not isinstance(people, list) or len(people) < 2):
        raise _field_error("investigators", "入户调查须指派至少 2 名调查人员，或委托第三方机构")
    app.assign_investigation()
    app.investigators = [str(p) for p in people]
    app.investigation_organisation = organisation


def _record_investigation(ctx: Context) -> None:
    app = ctx.application
    people = _list(ctx, "investigators", minimum=2)
    location = ctx.data.get("location")
    if not isinstance(location, dict) or "lat" not in location or "lng" not in location:
        raise _field_error("location", "请记录调查地点的位置（lat、lng）")
    signatures = ctx.data.get("signatures") or {}
    missing = [k for k in ("investigator_1", "investigator_2", "applicant") if not signatures.get(k)]
    if missing:
        raise _field_error("signatures", f"缺少签名：{'、'.join(missing)}")
    visits = _list(ctx, "neighbour_visits")
    if not app.attachments.filter(kind="photo").exists():
        raise _field_error("photos", "请上传至少 1 张入户照片")
    app.record_investigation()
    app.investigation_recorded = True
    app.investigation = _jsonable({"investigators": people, "location": location,
                         "visited_on": str(ctx.data.get("visited_on") or ctx.today),
                         "findings": _text(ctx, "findings", required=False),
                         "neighbour_visits": visits,
                         "signed": sorted(signatures)})
    _store_signatures(ctx, signatures)
    issue_documents(app, ctx.actor, ["D06", "D07"])
    _after_checks(ctx)


def _store_signatures(ctx: Context, signatures: dict[str, str]) -> None:
    import base64

    for who, value in signatures.items():
        if isinstance(value, str) and value.startswith("data:image/png;base64,"):
            try:
                content = base64.b64decode(value.split(",", 1)[1], validate=True)
            except ValueError:
                raise _field_error(f"signatures.{who}", "签名图片无法读取") from None
            attachment_store(application=ctx.application, actor=ctx.actor, data=content,
                             name=f"{who}.png", kind="signature", material=who,
                             path=f"signatures.{who}")


def _record_verification(ctx: Context) -> None:
    app = ctx.application
    report = ctx.data.get("report")
    request_id = ctx.data.get("request_id")
    if request_id is not None:
        report = _verification_report(app, request_id)
    if not isinstance(report, dict) or not report:
        raise _field_error("report", "请提供家庭经济状况核对报告（request_id 或 report）")
    app.record_verification()
    app.verification_recorded = True
    app.verification = _jsonable(report)
    issue_documents(app, ctx.actor, ["D08"])
    _after_checks(ctx)


def _verification_report(app: Application, request_id: Any) -> dict[str, Any]:
    from jiuzhu.verification import services as verification

    request = verification.VerificationRequest.objects.filter(
        pk=request_id, household=app.household).first()
    if request is None:
        raise _field_error("request_id", "核对请求不存在或不属于该家庭")
    if request.status != "complete":
        raise _field_error("request_id", "核对尚未完成")
    return {"request_id": request.pk, **verification.verification_report(request)}


def _after_checks(ctx: Context) -> None:
    app = ctx.application
    program = PROGRAMS.get(app.item_code, PROGRAMS["MZ01"])
    if app.investigation_recorded and (app.verification_recorded
                                       or not program.verification_required):
        appraisal = (program.appraisal and ctx.procedure.appraisal == "always") \
            or app.appraisal_pending
        app.checks_done(appraisal=appraisal)
        deadlines.start_step(app, Step.APPRAISAL if appraisal else Step.OPINION, ctx.today)


def _record_appraisal(ctx: Context) -> None:
    app = ctx.application
    present = _int(ctx, "members_present")
    if present < ctx.procedure.appraisal_min_members or present % 2 == 0:
        raise _field_error("members_present",
                           f"参加评议人数应为不少于 {ctx.procedure.appraisal_min_members} 的单数")
    votes_for, votes_against = _int(ctx, "votes_for"), _int(ctx, "votes_against")
    if votes_for + votes_against > present:
        raise _field_error("votes_for", "票数之和不能超过参加人数")
    result = _text(ctx, "result")
    if result not in ("pass", "fail"):
        raise _field_error("result", "评议结果应为 pass 或 fail")
    app.record_appraisal()
    app.appraisal_pending = False
    app.appraisal = {"members_present": present, "votes_for": votes_for,
                     "votes_against": votes_against, "result": result,
                     "note": _text(ctx, "note", required=False)}
    deadlines.start_step(app, Step.OPINION, ctx.today)
    issue_documents(app, ctx.actor, ["D09"])


def _int(ctx: Context, name: str) -> int:
    value = ctx.data.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _field_error(name, "应为整数")
    try:
        number = int(value)
    except ValueError:
        raise _field_error(name, "应为整数") from None
    if number < 0:
        raise _field_error(name, "不能为负数")
    return number


def _submit_opinion(ctx: Context) -> None:
    app = ctx.application
    recommend = _text(ctx, "recommend")
    if recommend not in ("approve", "refuse"):
        raise _field_error("recommend", "审核意见应为 approve（建议批准）或 refuse（建议不予批准）")
    record = assessment_run(actor=ctx.actor, household=app.household, on=ctx.today)
    reasons = _text(ctx, "reasons", required=recommend == "refuse")
    program = program_of(app.item_code)
    if program.amount == "dibao":
        if recommend == "approve" and not record.eligible:
            raise ServiceError(ErrorCode.VALIDATION, "核算结果不符合低保条件，不能建议批准",
                               [{"path": "recommend", "message": record.result["explanation"]["decision"]["reason"]}])
        amount = record.benefit_monthly
    else:
        amount = _program_opinion(ctx, record, recommend)
    app.recommend, app.opinion_reasons = recommend, reasons
    app.assessment, app.engine_amount = record, amount
    notice = program.notice and recommend == "approve"
    app.submit_opinion(approve=notice)
    if notice:
        deadlines.start_step(app, Step.NOTICE, ctx.today)
        app.notice_published_on = None
    else:
        deadlines.start_step(app, Step.DECISION, ctx.today)
    issue_documents(app, ctx.actor, ["D10"])


def _program_opinion(ctx: Context, record: Any, recommend: str) -> Decimal | None:
    """The opinion of MZ02/MZ03/MZ06 (the item's own recognition) and MZ04/MZ05 (an amount
    entered by the reviewer, at most the cap); returns the amount to decide on."""
    app = ctx.application
    check = program_check(record.input_snapshot, app.item_code)
    program = program_of(app.item_code)
    app.township_limit = check.township_limit
    if program.amount == "entered":
        if recommend != "approve":
            return None
        if ctx.data.get("amount") in (None, ""):
            raise _field_error("amount", "请填写拟救助金额（元）")
        amount = parse_amount(ctx.data["amount"])
        check_temporary_amount(amount, check)
        return amount
    if recommend == "approve" and not check.qualifies:
        raise ServiceError(ErrorCode.VALIDATION, f"核算结果不符合{_item_name(app)}条件，不能建议批准",
                           [{"path": "recommend", "message": check.reason}])
    return check.amount if program.amount == "tekun" else None


def _item_name(app: Application) -> str:
    from .documents import item_name

    return item_name(app)


def _publish_notice(ctx: Context) -> None:
    app = ctx.application
    if app.notice_published_on is not None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "公示已经发布")
    app.publish_notice()
    app.notice_published_on = ctx.today
    app.notice_round += 1
    deadlines.start_step(app, Step.NOTICE, ctx.today)
    issue_documents(app, ctx.actor, ["D11"])


def _record_objection(ctx: Context) -> None:
    app = ctx.application
    founded = ctx.data.get("founded")
    if not isinstance(founded, bool):
        raise _field_error("founded", "应为 true 或 false")
    return_to = _text(ctx, "return_to", required=founded) or "investigation"
    if founded and return_to not in ("investigation", "appraisal"):
        raise _field_error("return_to", "应为 investigation 或 appraisal")
    note = _text(ctx, "note")
    app.objections = [*app.objections, {"on": str(ctx.today), "founded": founded,
                                        "return_to": return_to if founded else "", "note": note,
                                        "round": app.notice_round}]
    app.record_objection(founded=founded, return_to=return_to)
    if founded:
        app.notice_published_on = None
        if return_to == "appraisal":
            app.appraisal_pending = True
            deadlines.start_step(app, Step.APPRAISAL, ctx.today)
        else:
            app.investigation_recorded = False
            app.appraisal_pending = ctx.procedure.appraisal != "always"
            deadlines.start_step(app, Step.INVESTIGATION, ctx.today)
    issue_documents(app, ctx.actor, ["D11"])


def _close_notice(ctx: Context) -> None:
    app = ctx.application
    if app.notice_published_on is None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "公示尚未发布")
    days = (ctx.today - app.notice_published_on).days
    if days < ctx.procedure.notice_calendar_days:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           f"公示期为 {ctx.procedure.notice_calendar_days} 天，已公示 {days} 天")
    app.close_notice()
    deadlines.start_step(app, Step.DECISION, ctx.today)


def _approve(ctx: Context) -> None:
    app = ctx.application
    program = program_of(app.item_code)
    if program.verification_required and not app.verification_recorded:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "没有家庭经济状况核对报告，不能批准")
    if app.recommend != "approve" or (app.engine_amount is None and program.amount != ""):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "乡镇审核意见为不予批准，不能批准")
    if program.code != "MZ01":
        return _approve_program(ctx, program)
    amount = app.engine_amount
    if ctx.data.get("amount") not in (None, ""):
        try:
            amount = Decimal(str(ctx.data["amount"]))
        except InvalidOperation:
            raise _field_error("amount", "金额格式不正确") from None
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise _field_error("amount", "金额应为正数，最多两位小数")
        if amount != app.engine_amount and not _text(ctx, "override_reason", required=False):
            raise _field_error("override_reason", "批准金额与核算金额不同，须说明理由")
    app.approved_amount = amount
    app.override_reason = _text(ctx, "override_reason", required=False)
    first = ctx.today.replace(day=1)
    app.start_month = first.replace(year=first.year + 1, month=1) if first.month == 12 \
        else first.replace(month=first.month + 1)
    app.review_class = review_class_of(app)
    app.decided_at, app.decided_by = timezone.now(), ctx.actor if getattr(ctx.actor, "pk", None) else None
    app.approve()
    deadlines.start_step(app, Step.NONE, ctx.today)
    issue_documents(app, ctx.actor, ["D12", "D13", "D15"], approved=True)
    from jiuzhu.supervision.services import review_schedule  # supervision imports this module

    review_schedule(app, actor=ctx.actor)


def _approve_program(ctx: Context, program: Any) -> None:
    """Approve MZ02/MZ06 (recognition, no amount), MZ03 (monthly, paid like dibao) or
    MZ04/MZ05 (one payment, at most the cap; the county above the township's limit)."""
    app = ctx.application
    amount = app.engine_amount
    override = _text(ctx, "override_reason", required=False)
    if program.amount and ctx.data.get("amount") not in (None, ""):
        amount = parse_amount(ctx.data["amount"])
        if amount != app.engine_amount and not override:
            raise _field_error("override_reason", "批准金额与审核金额不同，须说明理由")
    if program.amount == "entered":
        assert amount is not None
        check_temporary_amount(amount, check_for_application(app, ctx.today))
        if app.township_limit is not None and amount > app.township_limit and \
                not (getattr(ctx.actor, "is_superuser", False)
                     or ctx.actor.role in (Role.COUNTY_APPROVER, Role.ADMINISTRATOR)):
            raise ServiceError(ErrorCode.FORBIDDEN,
                               f"金额 {amount:.2f} 元超过乡镇审批限额 {app.township_limit:.2f} 元，须报县级审批",
                               [{"path": "amount", "message": "超过乡镇审批限额，须县级审批"}])
    app.approved_amount = amount
    app.override_reason = override
    first = ctx.today.replace(day=1)
    following = first.replace(year=first.year + 1, month=1) if first.month == 12 \
        else first.replace(month=first.month + 1)
    if program.monthly:
        app.start_month = following
        app.review_class = review_class_of(app)
    elif program.one_off:
        # Paid once: in this month's payroll, or the next one's when this month's list of
        # the township is already confirmed.
        from jiuzhu.payments.models import Payroll

        confirmed = Payroll.objects.filter(township=app.region, month=first,
                                           status="confirmed").exists()
        app.start_month = following if confirmed else first
    if program.valid_months:
        app.valid_until = valid_until(ctx.today, program.valid_months)
    app.decided_at, app.decided_by = timezone.now(), ctx.actor if getattr(ctx.actor, "pk", None) else None
    app.approve()
    deadlines.start_step(app, Step.NONE, ctx.today)
    issue_documents(app, ctx.actor, ["D12"], approved=True)
    if program.monthly:
        from jiuzhu.supervision.services import review_schedule

        review_schedule(app, actor=ctx.actor)


def review_class_of(app: Application) -> str:
    """A: every member has c = 0; C: someone aged 16–59 has c ≥ 0.6; otherwise B."""
    members = (app.assessment.result["explanation"]["members"] if app.assessment else [])
    coefficients = [(int(m["age"]), Decimal(str(m["labour_coefficient"]))) for m in members]
    if all(c == 0 for _age, c in coefficients):
        return ReviewClass.A
    if any(16 <= age <= 59 and c >= Decimal("0.6") for age, c in coefficients):
        return ReviewClass.C
    return ReviewClass.B


def _refuse(ctx: Context) -> None:
    app = ctx.application
    app.reasons = _text(ctx, "reasons")
    app.decided_at, app.decided_by = timezone.now(), ctx.actor if getattr(ctx.actor, "pk", None) else None
    app.refuse()
    deadlines.start_step(app, Step.NONE, ctx.today)
    issue_documents(app, ctx.actor, ["D12", "D14"], approved=False)


def _extend_deadline(ctx: Context) -> None:
    app = ctx.application
    reason = _text(ctx, "reason")
    if app.extended:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "办理期限只能延长一次")
    if app.accepted_on is None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "尚未受理，不能延长办结期限")
    app.extend_deadline()
    app.extended, app.extension_reason = True, reason
    deadlines.extend_total(app)
    deadlines.item_total(app)


def _withdraw(ctx: Context) -> None:
    app = ctx.application
    app.reasons = _text(ctx, "reason")
    app.withdraw()
    deadlines.start_step(app, Step.NONE, ctx.today)


HANDLERS: dict[str, Callable[[Context], None]] = {
    "request_supplement": _request_supplement, "submit_supplement": _submit_supplement,
    "reject": _reject, "accept": _accept, "assign_investigation": _assign_investigation,
    "record_investigation": _record_investigation, "record_verification": _record_verification,
    "record_appraisal": _record_appraisal, "submit_opinion": _submit_opinion,
    "publish_notice": _publish_notice, "record_objection": _record_objection,
    "close_notice": _close_notice, "approve": _approve, "refuse": _refuse,
    "extend_deadline": _extend_deadline, "withdraw": _withdraw,
}


def alerts_recompute(*, today: date | None = None) -> int:
    """Daily: refresh every open application's alert; withdraw supplements left too long."""
    today = today or timezone.localdate()
    changed = 0
    for app in Application.objects.select_related("region").filter(state__in=list(BEFORE_DECISION) + [State.DECISION]):
        if app.state == State.AWAITING_SUPPLEMENT and app.due_date and today > app.due_date:
            with transaction.atomic():
                before = app.state
                app.reasons = "逾期未提交补正材料，视为撤回申请"
                app.withdraw()
                deadlines.start_step(app, Step.NONE, today)
                app.alert = "none"
                app.save()
                application_step_record(app, None, "auto_withdraw", before, app.state, {})
            changed += 1
            continue
        alert = deadlines.compute_alert(app, today)
        if alert != app.alert:
            Application.objects.filter(pk=app.pk).update(alert=alert)
            changed += 1
    return changed


@transaction.atomic
def attachments_add(*, actor: Any, application_id: int,
                    files: list[tuple[str, str, bytes]]) -> Application:
    """Add materials to an open application (a returned case keeps all it had)."""
    application = Application.objects.select_for_update().select_related("region", "household") \
        .filter(pk=application_id).first()
    if application is None or not may_see(actor, application):
        raise ServiceError(ErrorCode.NOT_FOUND, "申请不存在")
    if application.state not in BEFORE_DECISION:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, "申请已办结，不能再上传材料")
    if not files:
        raise _field_error("files", "请选择要上传的文件")
    for material, name, content in files:
        attachment_store(application=application, actor=actor, data=content, name=name,
                         kind="authorisation" if material == "代办授权书" else
                         "photo" if material == "入户照片" else "material", material=material)
    audit_record(actor=actor, action="update", obj=application,
                 detail={"attachments": [m for m, _n, _c in files]})
    return application
