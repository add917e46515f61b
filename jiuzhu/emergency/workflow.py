"""The transition table of an emergency case (急难个案办理流程表, ``docs/design/emergency.md``):
for each step, the states it starts from, where it leads, who may take it (``emergency.<action>``
in ``rules.py``), its input and its documents — and the handlers that do its work (caps and
repeats, commitments and payments through ``funds.services``, the MZ05/MZ04 file through
``applications.services``, referrals through the one window's transfer).

``CASE_WORKFLOW.perform`` checks, in order: visible (404), permitted (403), state (409
``step_not_allowed``), input (422), the conditions; then the handler, the move, the save,
the documents (D25–D27, reserved in the transaction, rendered after commit) and the record
(a ``CaseStep`` and an audit event) — all or nothing. ``CASE_WORKFLOW.offers(user, case)``
gives the pages their buttons, with the reason a condition refuses one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import ConfigDict, Field

from jiuzhu.audit.services import audit_record
from jiuzhu.calendars.selectors import add_working_days
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.workflow import Action, Context, Workflow
from jiuzhu.rules.emergency import event_cap_fen, first_help_limit_fen, higher

from . import deadlines
from .choices import (
    REFERRAL_WORKING_DAYS,
    ApprovalLevel,
    CaseState,
    HelpMethod,
    HelpState,
    Level,
    ReferralOutcome,
    ReferralTarget,
    Response,
)
from .models import EmergencyCase, FirstHelp, Referral

S = CaseState


# --- input schemas -----------------------------------------------------------------------------

class _In(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class ReassessIn(_In):
    checklist: list[str] = Field(default_factory=list, title=gettext_noop("评估清单"),
                                 description="E01–E11 ticked (E07 and E09 are computed, never sent)")
    sudden_expense: str = Field("0.00", title=gettext_noop("突发刚性支出"), description="yuan, e.g. \"12000.00\"")
    reason: str = Field(min_length=1, title=gettext_noop("重新评估理由"))


class ApproveHelpIn(_In):
    amount: str = Field(min_length=1, title=gettext_noop("金额"), description="yuan, e.g. \"2000.00\"")
    method: HelpMethod = Field(title=gettext_noop("发放方式"), description="bank, cash or goods")
    payee: str = Field(min_length=1, max_length=64, title=gettext_noop("领取人"))
    fund_id: int | None = Field(None, title=gettext_noop("资金来源"),
                                description="a fund id; the township's reserve by default")
    override_reason: str = Field("", title=gettext_noop("调整理由"),
                                 description="county approver only: overrides the once-a-year rule")


class CountyApproveIn(_In):
    override_reason: str = Field("", title=gettext_noop("调整理由"))
    fund_id: int | None = Field(None, title=gettext_noop("资金来源"),
                                description="a fund id; the county fund by default")


class PayIn(_In):
    voucher: str = Field(min_length=1, max_length=64, title=gettext_noop("凭证号"))
    signature: str = Field("", title=gettext_noop("领取人签名"),
                           description="data:image/png;base64,… drawn on the phone (cash, goods)")
    payee_confirmed: bool = Field(True, title=gettext_noop("已核对领取人身份"))


class ReasonIn(_In):
    reason: str = Field(min_length=1, title=gettext_noop("理由"))


class OpenProcedureIn(_In):
    item_code: str = Field(pattern="^MZ0[45]$", title=gettext_noop("事项"), description="MZ04 or MZ05")


class ReferIn(_In):
    target: ReferralTarget = Field(title=gettext_noop("转介对象"), description="department or organisation")
    department: str = Field("", title=gettext_noop("部门"), description="department code (target department)")
    item_code: str = Field("", title=gettext_noop("事项"),
                           description="the department's catalogue item (default: its first)")
    organisation: str = Field("", max_length=200, title=gettext_noop("服务机构"))
    note: str = Field("", title=gettext_noop("说明"))


class RecordReferralIn(_In):
    referral_id: int = Field(title=gettext_noop("转介"))
    outcome: str = Field(pattern="^(done|refused)$", title=gettext_noop("结果"), description="done or refused")
    note: str = Field("", title=gettext_noop("结果说明"))


class NoteIn(_In):
    note: str = Field("", title=gettext_noop("说明"))


class PapersDoneIn(_In):
    application: str = ""
    decision: str = ""


# --- helpers -----------------------------------------------------------------------------------

def _now(ctx: Context) -> datetime:
    return ctx.options.setdefault("now", timezone.now())


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _detail(ctx: Context, **values: Any) -> None:
    ctx.options.setdefault("detail", {}).update(values)


def _responded(case: EmergencyCase, how: str, at: datetime) -> None:
    """The first recorded response stops the response clock (later ones do not)."""
    if case.responded_at is None:
        case.responded_at, case.response = at, how


def _is_county(actor: Any, case: EmergencyCase) -> bool:
    return bool(actor.has_perm("emergency.county_approve", case))


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the last day of a shorter month)."""
    import calendar

    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _params(case: EmergencyCase, ctx: Context):  # type: ignore[no-untyped-def]
    from .services import case_parameters

    return case_parameters(case, ctx.today)


def _amount(ctx: Context) -> int:
    from .services import parse_fen

    return parse_fen(ctx.data.get("amount"), "amount")


def _check_cap(case: EmergencyCase, amount_fen: int, ctx: Context) -> None:
    """The event cap (temporary_cap_months × standard × size) across every fund."""
    from jiuzhu.funds.selectors import case_total_fen

    from .services import yuan

    cap = event_cap_fen(_params(case, ctx), case.standard_fen, case.size)
    given = case_total_fen(case.pk)
    if given + amount_fen > cap:
        message = _("本次事件救助合计不能超过 %(cap)s 元（临时救助上限月数 × 低保标准 × 家庭人口），"
                    "已给予 %(given)s 元，本次最多 %(left)s 元") % {
            "cap": yuan(cap), "given": yuan(given), "left": yuan(max(cap - given, 0))}
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "amount", "message": message}])


def _check_repeat(case: EmergencyCase, ctx: Context) -> str:
    """Once a year for one cause: help paid or approved to the same household for the same
    cause within ``repeat_months`` is refused with the date and amount of the first, unless
    a county approver gives a reason. Returns the override reason used ('' when none)."""
    from .services import yuan

    params = _params(case, ctx)
    since = months_before(_now(ctx), params.repeat_months)
    first = (FirstHelp.objects
             .filter(case__household_id=case.household_id, case__cause=case.cause,
                     state__in=(HelpState.APPROVED, HelpState.PAID))
             .exclude(case=case)
             .filter(Q(paid_at__gte=since) | Q(approved_at__gte=since))
             .select_related("case").order_by("approved_at", "id").first())
    reason = (ctx.data.get("override_reason") or "").strip()
    if first is None:
        return ""
    when = timezone.localtime(first.paid_at or first.approved_at or _now(ctx)).date()
    if reason:
        if not _is_county(ctx.actor, case):
            message = _("只有县级审批人可以填写调整理由")
            raise ServiceError(ErrorCode.VALIDATION, message,
                               [{"path": "override_reason", "message": message}])
        return reason
    message = _("该家庭已于 %(date)s 因同一原因获得先行救助 %(amount)s 元（个案 %(number)s），"
                "%(months)s 个月内不再重复救助；确需救助的，由县级审批人填写调整理由后批准") % {
        "date": when.isoformat(), "amount": yuan(first.amount_fen), "number": first.case.number,
        "months": params.repeat_months}
    raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, message,
                       [{"path": "override_reason", "message": message}],
                       extra={"first": {"case": first.case.number, "date": when.isoformat(),
                                        "amount": yuan(first.amount_fen).replace(",", "")}})


def _fund(case: EmergencyCase, ctx: Context, *, county: bool) -> Any:
    """The fund the help comes from: ``fund_id`` (a fund the actor sees, above the case),
    else the county fund (``county``) or the township's reserve."""
    from jiuzhu.funds.models import Fund
    from jiuzhu.funds.selectors import county_fund_for, reserve_for

    fund_id = ctx.data.get("fund_id")
    if fund_id is not None:
        fund = Fund.objects.visible_to(ctx.actor).filter(pk=fund_id).first()
        if fund is None or not case.region_path.startswith(fund.region_path):
            message = _("资金来源应为本乡镇备用金或上级救急难基金")
            raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "fund_id", "message": message}])
        return fund
    fund = county_fund_for(case.township) if county else reserve_for(case.township)
    if fund is None:
        message = (_("本县没有救急难基金，请选择资金来源") if county
                   else _("本乡镇没有备用金，请选择资金来源"))
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "fund_id", "message": message}])
    return fund


def _commit(help_: FirstHelp, case: EmergencyCase, ctx: Context) -> None:
    from jiuzhu.funds.services import commit

    help_.commitment = commit(actor=ctx.actor, fund=help_.fund, amount_fen=help_.amount_fen,
                              case_id=case.pk, case_number=case.number, township=case.township,
                              level=case.level, on=ctx.today,
                              note=_("急难个案 %(number)s 先行救助") % {"number": case.number})


def _open_help(case: EmergencyCase, *states: str) -> FirstHelp:
    help_ = case.helps.filter(state__in=states).order_by("-id").first()
    if help_ is None:  # pragma: no cover - the states of the case guarantee one
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("没有待办理的先行救助"))
    return help_


def _open_file(case: EmergencyCase, ctx: Context, item_code: str,
               total_limit_days: int | None = None) -> Any:
    """The case's temporary-assistance file (MZ05/MZ04), opened through the applications
    service (channel 出诊/outreach); the household's open file of that item is used when it
    has one. Opened by the platform when the actor's role does not register applications."""
    from jiuzhu.applications.models import Application
    from jiuzhu.applications.services import application_create

    opener = ctx.actor if ctx.actor.has_perm("applications.create", case.household) else SYSTEM
    try:
        return application_create(actor=opener, household=case.household, item_code=item_code,
                                  channel="outreach", today=ctx.today,
                                  total_limit_days=total_limit_days)
    except ServiceError as error:
        if error.code == ErrorCode.ALREADY_RECEIVING and error.errors:
            number = error.errors[0].get("number")
            found = Application.objects.filter(number=number).first()
            if found is not None and item_code in ("MZ04", "MZ05"):
                return found
        raise


# --- handlers ------------------------------------------------------------------------------------

def _reassess(ctx: Context) -> None:
    from .services import apply_assessment, assess_household, assessment_record, parse_fen

    case, now = ctx.obj, _now(ctx)
    expense = parse_fen(ctx.data.get("sudden_expense", "0"), "sudden_expense", allow_zero=True)
    result, params = assess_household(case.household, checklist=ctx.data.get("checklist", []),
                                      sudden_expense_fen=expense, on=ctx.today)
    before = case.level
    restart = higher(result.level, before)
    case.sudden_expense_fen = expense
    apply_assessment(case, result, now, params=params, restart=restart)
    assessment_record(case, result, actor=ctx.actor, at=now, reason=ctx.data["reason"])
    _detail(ctx, level_before=before, level=result.level, score=result.score,
            restarted=restart, reason=ctx.data["reason"])


def _help_due(ctx: Context) -> None:
    """First help is for red and yellow cases only (blue: the procedure; green: referral
    or monitoring)."""
    if ctx.obj.level not in (Level.RED, Level.YELLOW):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("蓝色、绿色个案不先行救助：请转常规程序、转介或纳入监测"))


def _approve_help(ctx: Context) -> None:
    case, actor, now = ctx.obj, ctx.actor, _now(ctx)
    amount = _amount(ctx)
    _check_cap(case, amount, ctx)
    override = _check_repeat(case, ctx)
    county = _is_county(actor, case)
    limit = first_help_limit_fen(_params(case, ctx), case.standard_fen, case.size)
    above = amount > limit and not county
    # above the township's limit the county approves and pays: its fund by default
    fund = _fund(case, ctx, county=county or above)
    help_ = FirstHelp(case=case, amount_fen=amount, fund=fund, method=ctx.data["method"],
                      payee=ctx.data["payee"], override_reason=override,
                      requested_by=_user(actor), requested_at=now)
    if above:
        help_.state = HelpState.AWAITING_COUNTY
        ctx.options["target"] = S.AWAITING_COUNTY
    else:
        help_.state = HelpState.APPROVED
        help_.approved_by, help_.approved_at = _user(actor), now
        help_.approval_level = ApprovalLevel.COUNTY if county else ApprovalLevel.TOWNSHIP
        _commit(help_, case, ctx)
        ctx.options["target"] = S.APPROVED
    help_.save()
    ctx.options["help"] = help_
    _detail(ctx, amount=amount, fund=fund.name, limit=limit, above_limit=above,
            override_reason=override)


def _county_approve(ctx: Context) -> None:
    case, now = ctx.obj, _now(ctx)
    help_ = _open_help(case, HelpState.AWAITING_COUNTY)
    _check_cap(case, help_.amount_fen, ctx)
    override = _check_repeat(case, ctx) or help_.override_reason
    help_.fund = _fund(case, ctx, county=True)
    help_.state, help_.approval_level = HelpState.APPROVED, ApprovalLevel.COUNTY
    help_.approved_by, help_.approved_at = _user(ctx.actor), now
    help_.override_reason = override
    _commit(help_, case, ctx)
    help_.save()
    ctx.options["help"] = help_
    _detail(ctx, amount=help_.amount_fen, fund=help_.fund.name, override_reason=override)


def _release(ctx: Context) -> None:
    from jiuzhu.funds.services import release

    case, now = ctx.obj, _now(ctx)
    help_ = _open_help(case, HelpState.APPROVED, HelpState.AWAITING_COUNTY)
    reason = ctx.data["reason"]
    if help_.commitment is not None:
        release(actor=ctx.actor, commitment=help_.commitment, reason=reason)
    help_.state, help_.released_at, help_.release_reason = HelpState.RELEASED, now, reason
    help_.save()
    _detail(ctx, amount=help_.amount_fen, reason=reason)


def _pay(ctx: Context) -> None:
    from jiuzhu.funds.services import pay

    from .services import signature_png

    case, actor, now = ctx.obj, ctx.actor, _now(ctx)
    help_ = _open_help(case, HelpState.APPROVED)
    if not ctx.data.get("payee_confirmed"):
        message = _("请核对领取人身份后发放")
        raise ServiceError(ErrorCode.VALIDATION, message,
                           [{"path": "payee_confirmed", "message": message}])
    signature = ctx.data.get("signature") or ""
    png = signature_png(signature) if signature else None
    if png is None and help_.method != HelpMethod.BANK:
        message = _("现金或实物发放须由领取人在手机上签名")
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "signature", "message": message}])
    assert help_.commitment is not None
    help_.payment = pay(actor=actor, commitment=help_.commitment, payee=help_.payee,
                        method=help_.method, voucher=ctx.data["voucher"], on=ctx.today,
                        document_number=case.number)
    if png is not None:
        help_.receipt_signature.save(f"{case.number}-{help_.pk}.png", ContentFile(png), save=False)
    help_.voucher = ctx.data["voucher"]
    help_.state, help_.paid_at, help_.paid_by = HelpState.PAID, now, _user(actor)
    help_.save()
    _responded(case, Response.PAID, now)
    # 先救助后补手续: the temporary-assistance file opens now; papers due in working days
    # (its own total: the papers limit, not MZ05's one working day of help)
    application = _open_file(case, ctx, "MZ05",
                             total_limit_days=_params(case, ctx).papers_working_days)
    case.application = application
    case.papers_due = deadlines.papers_due(ctx.today, params=_params(case, ctx))
    ctx.options["help"] = help_
    _detail(ctx, amount=help_.amount_fen, voucher=help_.voucher, application=application.number,
            papers_due=case.papers_due.isoformat(), signed=png is not None)


def _open_procedure(ctx: Context) -> None:
    case, now = ctx.obj, _now(ctx)
    application = _open_file(case, ctx, ctx.data["item_code"])
    case.application = application
    _responded(case, Response.PROCEDURE, now)
    _detail(ctx, application=application.number, item_code=ctx.data["item_code"])


def _department_item(code: str, item_code: str, on: date) -> Any:
    from jiuzhu.catalogue.selectors import items_in_force

    items = [i for i in items_in_force(on) if i.department.code == code and not i.program]
    if item_code:
        items = [i for i in items if i.code == item_code]
    if not items:
        path = "item_code" if item_code else "department"
        message = (_("该部门没有事项 %(code)s") % {"code": item_code} if item_code
                   else _("请选择可转办事项的部门"))
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": path, "message": message}])
    return items[0]


def _refer(ctx: Context) -> None:
    from jiuzhu.catalogue.models import Department

    case, actor, now, d = ctx.obj, ctx.actor, _now(ctx), ctx.data
    referral = Referral(case=case, target=d["target"], note=d.get("note", ""),
                        created_by=_user(actor))
    if d["target"] == ReferralTarget.DEPARTMENT:
        department = Department.objects.filter(code=d.get("department", "")).first()
        if department is None:
            message = _("请选择转介的部门")
            raise ServiceError(ErrorCode.VALIDATION, message,
                               [{"path": "department", "message": message}])
        item = _department_item(department.code, d.get("item_code", ""), ctx.today)
        from jiuzhu.intake.services import request_create

        taker = actor if actor.has_perm("intake.take_request") else SYSTEM
        request = request_create(actor=taker, household=case.household, items=[item.code],
                                 channel="outreach", on=ctx.today)
        row = request.items.get(item_code=item.code)
        referral.department, referral.department_name = department.code, department.name
        referral.request_item = row
        referral.due_on = row.due_date or add_working_days(ctx.today, REFERRAL_WORKING_DAYS).due
        _detail(ctx, department=department.code, item_code=item.code, request=request.number)
    else:
        organisation = (d.get("organisation") or "").strip()
        if not organisation:
            message = _("请填写服务机构名称")
            raise ServiceError(ErrorCode.VALIDATION, message,
                               [{"path": "organisation", "message": message}])
        referral.organisation = organisation
        referral.due_on = add_working_days(ctx.today, REFERRAL_WORKING_DAYS).due
        _detail(ctx, organisation=organisation)
    referral.save()
    _responded(case, Response.REFERRAL, now)
    ctx.options["target"] = S.REFERRED if ctx.before == S.OPEN else ctx.before
    _detail(ctx, referral=referral.pk, due_on=referral.due_on.isoformat())


def _record_referral(ctx: Context) -> None:
    case, d = ctx.obj, ctx.data
    referral = case.referrals.filter(pk=d["referral_id"]).first()
    if referral is None:
        message = _("本个案没有这条转介")
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "referral_id", "message": message}])
    if referral.outcome != ReferralOutcome.PENDING:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该转介已记录结果：%(outcome)s") % {
            "outcome": referral.get_outcome_display()})
    note = (d.get("note") or "").strip()
    if d["outcome"] == ReferralOutcome.REFUSED and not note:
        message = _("请填写拒绝的理由")
        raise ServiceError(ErrorCode.VALIDATION, message, [{"path": "note", "message": message}])
    referral.outcome, referral.outcome_note = d["outcome"], note
    referral.recorded_at, referral.recorded_by = _now(ctx), _user(ctx.actor)
    referral.save()
    _detail(ctx, referral=referral.pk, outcome=referral.outcome)


def _monitor(ctx: Context) -> None:
    """纳入监测: the household enters monitoring (information circle 4 while it is in no
    circle) through the assessments app; the case keeps the reason."""
    from jiuzhu.assessments.services import enter_monitoring

    case, now = ctx.obj, _now(ctx)
    case.monitoring_reason = ctx.data["reason"]
    _responded(case, Response.MONITORING, now)
    monitoring = enter_monitoring(actor=ctx.actor, household=case.household,
                                  reason=ctx.data["reason"], source=case.number)
    _detail(ctx, reason=ctx.data["reason"], monitoring=monitoring.pk)


def _decide_no_help(ctx: Context) -> None:
    case, now = ctx.obj, _now(ctx)
    case.no_help_reason = ctx.data["reason"]
    case.closed_at = now
    _responded(case, Response.NO_HELP, now)
    _detail(ctx, reason=ctx.data["reason"])


def _close(ctx: Context) -> None:
    case = ctx.obj
    case.closed_at, case.closing_note = _now(ctx), ctx.data.get("note", "")
    _detail(ctx, note=case.closing_note)


def _papers_done(ctx: Context) -> None:
    case, now = ctx.obj, _now(ctx)
    case.papers_done_at, case.closed_at = now, now
    _detail(ctx, application=ctx.data.get("application", ""),
            decision=ctx.data.get("decision", ""))


# --- documents, record ------------------------------------------------------------------------------

def _issue(ctx: Context, codes: tuple[str, ...]) -> None:
    from .documents import issue_documents

    issue_documents(ctx.obj, ctx.actor, list(codes), help_=ctx.options.get("help"))


def _pay_documents(ctx: Context) -> tuple[str, ...]:
    return ("D26", "D27") if ctx.obj.papers_due else ("D26",)


def _record(ctx: Context) -> None:
    from .services import step_record

    case = ctx.obj
    detail = ctx.options.get("detail", {})
    step_record(case, ctx.actor, ctx.action.name, ctx.before, ctx.target or ctx.before, detail)
    audit_record(actor=ctx.actor, action="update", obj=case,
                 detail={"case": case.number, "action": ctx.action.name, "from": ctx.before,
                         "to": ctx.target, **{k: v for k, v in detail.items()
                                              if isinstance(v, str | int | bool | None)}})


def _after(ctx: Context) -> None:
    """A case just closed: tell the apps on top (``events.on_closed``; the archive)."""
    if ctx.target == CaseState.CLOSED and ctx.before != CaseState.CLOSED:
        from .events import closed

        closed(ctx.obj, actor=ctx.actor, action=ctx.action.name)


def _target(ctx: Context) -> str:
    return str(ctx.options["target"])


HANDLED = (S.OPEN, S.AWAITING_COUNTY, S.APPROVED)

CASE_WORKFLOW = Workflow(
    name="emergency", model=EmergencyCase, states=CaseState.values, not_found="急难个案不存在",
    select_related=("household", "household__region", "township", "region"),
    issue=_issue, record=_record, after=_after,
    actions=[
        Action("reassess", gettext_noop("重新评估"), source=HANDLED, target=None,
               permission="emergency.reassess", schema=ReassessIn, handler=_reassess),
        Action("approve_help", gettext_noop("批准先行救助"), source=(S.OPEN,), target=_target,
               targets=(S.APPROVED, S.AWAITING_COUNTY), permission="emergency.approve_help",
               schema=ApproveHelpIn, requires=(_help_due,), handler=_approve_help,
               documents=("D25",), extra={"style": "primary"}),
        Action("county_approve", gettext_noop("县级审批"), source=(S.AWAITING_COUNTY,),
               target=S.APPROVED, permission="emergency.county_approve",
               schema=CountyApproveIn, handler=_county_approve, documents=("D25",),
               extra={"style": "primary"}),
        Action("pay", gettext_noop("发放"), source=(S.APPROVED,), target=S.HELPED,
               permission="emergency.pay", schema=PayIn, handler=_pay,
               documents=_pay_documents, extra={"style": "primary"}),
        Action("release", gettext_noop("撤销批准"), source=(S.APPROVED, S.AWAITING_COUNTY),
               target=S.OPEN, permission="emergency.release", schema=ReasonIn, handler=_release),
        Action("open_procedure", gettext_noop("转常规程序"), source=(S.OPEN,),
               target=S.IN_PROCEDURE, permission="emergency.open_procedure",
               schema=OpenProcedureIn, handler=_open_procedure),
        # a referred case may be referred again (another department or organisation)
        Action("refer", gettext_noop("转介"), source=(S.OPEN, S.REFERRED, S.HELPED,
                                                     S.IN_PROCEDURE, S.MONITORING),
               target=_target, targets=(S.REFERRED, S.HELPED, S.IN_PROCEDURE, S.MONITORING),
               permission="emergency.refer", schema=ReferIn, handler=_refer),
        Action("record_referral", gettext_noop("记录转介结果"),
               source=(S.REFERRED, S.HELPED, S.IN_PROCEDURE, S.MONITORING, S.CLOSED),
               target=None, permission="emergency.record_referral", schema=RecordReferralIn,
               handler=_record_referral),
        Action("monitor", gettext_noop("纳入监测"), source=(S.OPEN,), target=S.MONITORING,
               permission="emergency.monitor", schema=ReasonIn, handler=_monitor),
        Action("decide_no_help", gettext_noop("决定不予救助"), source=(S.OPEN,), target=S.CLOSED,
               permission="emergency.decide_no_help", schema=ReasonIn, handler=_decide_no_help),
        Action("close", gettext_noop("办结"), source=(S.REFERRED, S.MONITORING, S.IN_PROCEDURE),
               target=S.CLOSED, permission="emergency.close", schema=NoteIn, handler=_close),
        # The system's row: no user holds its permission (only SYSTEM, from the
        # applications' on_decided event in the transaction that decides the file).
        Action("papers_done", gettext_noop("补办手续完成"), source=(S.HELPED, S.IN_PROCEDURE),
               target=S.CLOSED, permission="emergency.papers_done", schema=PapersDoneIn,
               handler=_papers_done),
    ],
)

#: the rows a user may take (the system's row ``papers_done`` is not one)
USER_ACTIONS = tuple(a for a in CASE_WORKFLOW if a.name != "papers_done")
