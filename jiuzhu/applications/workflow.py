"""The procedure of an application (低保审核确认, also MZ02–MZ06) as ONE table: for each
action its source states, target, permission (``rules.py``), input schema
(``serializers.py``), documents, label, time limit and the guards the law sets. The table
drives the service (``services.application_act``), the API's validation and OpenAPI, the
case page's forms and buttons and the generated test of every state × action pair.

The engine is :mod:`jiuzhu.core.workflow`. Below the table are the handlers: the work of
each action on the case once every check passed.

Guards that belong to the law:

* ``record_investigation`` only after ``assign_investigation`` (调查须先指派);
* no opinion and no decision without a completed verification request of the household
  (``jiuzhu.verification``), or a manual report with its uploaded source documents and a
  reason — labelled 人工核对 on every document that mentions the verification;
* (in ``services.application_create``) no second application for an item the household
  already receives or has open: 409 ``already_receiving`` naming the case.

Actions without a permission (``start_payment``, ``suspend``, ``resume``, ``stop``,
``review``) are steps other apps take inside their own services, through
``WORKFLOW.transition`` (the model's methods of the same names): no user takes them here.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jiuzhu.core.errors import ErrorCode, ServiceError, field_error
from jiuzhu.core.workflow import Action, Context, Workflow

from . import deadlines, events
from .attachments import attachment_store, materials_missing
from .choices import BEFORE_DECISION, OPEN_STATES, ReviewClass, State, Step
from .duties import awaiting_second, duty_refusal, second_approval_needed
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
from .serializers import (
    ApproveIn,
    AssignInvestigationIn,
    NoInput,
    ReasonIn,
    ReasonsIn,
    RecordAppraisalIn,
    RecordInvestigationIn,
    RecordObjectionIn,
    RecordVerificationIn,
    RequestSupplementIn,
    SubmitOpinionIn,
    SubmitSupplementIn,
)
from .survey import investigation_step, survey_record

S = State
#: The material name of the source documents of a manual verification report.
VERIFICATION_SOURCES = "核对原始材料"
PHOTO = "入户照片"
#: The time limit that runs in each state (working days, ``deadlines.py``).
STEP_OF_STATE = {S.SUBMITTED: Step.ACCEPTANCE, S.AWAITING_SUPPLEMENT: Step.SUPPLEMENT,
                 S.ACCEPTED: Step.INVESTIGATION, S.APPRAISAL: Step.APPRAISAL,
                 S.OPINION: Step.OPINION, S.NOTICE: Step.NOTICE, S.DECISION: Step.DECISION}
DECIDED = (S.APPROVED, S.REFUSED, S.REJECTED, S.WITHDRAWN)
PAID = (S.APPROVED, S.IN_PAYMENT, S.SUSPENDED)


def app_of(ctx: Context) -> Application:
    return ctx.obj


def _procedure(ctx: Context) -> Any:
    return ctx.options["procedure"]


# --- guards -------------------------------------------------------------------------------

def investigation_assigned(ctx: Context) -> None:
    """调查须先指派: the survey is recorded only by a case whose investigation was assigned."""
    app = app_of(ctx)
    if not app.investigators and not app.investigation_organisation_id:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("尚未指派入户调查，不能录入调查结果"),
                           [{"path": "investigators", "message": _("请先由乡镇审核人指派入户调查")}])


def verification_done(ctx: Context) -> None:
    """No opinion and no decision without a completed verification (a request of the
    verification app, or a manual report with its source documents and reason)."""
    app = app_of(ctx)
    if not program_of(app.item_code).verification_required:
        return
    problem = verification_problem(app)
    if problem:
        raise ServiceError(ErrorCode.VERIFICATION_MISSING, problem,
                           [{"path": "verification", "message": problem}])


def verification_problem(app: Application) -> str:
    """Why the case's verification does not count (``""`` when it does)."""
    report = app.verification or {}
    if not app.verification_recorded or not report:
        return _("尚无家庭经济状况核对结果（须有已完成的核对申请），不能作出审核意见或审批决定")
    if report.get("manual"):
        ids = report.get("attachments") or []
        if not str(report.get("reason") or "").strip() or not ids or \
                app.attachments.filter(pk__in=ids, material=VERIFICATION_SOURCES).count() != len(ids):
            return _("人工核对缺少原因或所依据的原始材料，不能作为核对结果")
        return ""
    from jiuzhu.verification.models import VerificationRequest

    request_id = report.get("request_id")
    if not request_id or not VerificationRequest.objects.filter(
            pk=request_id, household=app.household_id, status="complete").exists():
        return _("核对结果不是本家庭已完成的核对申请，不能作出审核意见或审批决定")
    return ""


# --- targets and time limits ------------------------------------------------------------------

def _after_checks(ctx: Context) -> str:
    """Investigation and verification in either order; when both are in, the appraisal
    (where the item and the county hold one) or the opinion."""
    app = app_of(ctx)
    program = PROGRAMS.get(app.item_code, PROGRAMS["MZ01"])
    if app.investigation_recorded and (app.verification_recorded
                                       or not program.verification_required):
        appraisal = (program.appraisal and _procedure(ctx).appraisal == "always") \
            or app.appraisal_pending
        return S.APPRAISAL if appraisal else S.OPINION
    return S.ACCEPTED


def _opinion_target(ctx: Context) -> str:
    app = app_of(ctx)
    return S.NOTICE if program_of(app.item_code).notice and app.recommend == "approve" else S.DECISION


def _objection_target(ctx: Context) -> str:
    last = app_of(ctx).objections[-1]
    if not last["founded"]:
        return S.NOTICE
    return S.APPRAISAL if last["return_to"] == "appraisal" else S.ACCEPTED


def _step_if_moved(ctx: Context) -> str | None:
    """The time limit of the new state when the action moved the case; none otherwise."""
    if ctx.target is None or ctx.target == ctx.before:
        return None
    return STEP_OF_STATE.get(State(ctx.target))


def _approve_documents(ctx: Context) -> tuple[str, ...]:
    if ctx.outcome == FIRST:  # made when the second approver confirms
        return ()
    return ("D12", "D13", "D15") if app_of(ctx).item_code == "MZ01" else ("D12",)


def _approve_target(ctx: Context) -> str:
    """A first approval (四眼原则) keeps the case in ``decision``; else it is approved."""
    return S.DECISION if ctx.outcome == FIRST else S.APPROVED


def _approve_deadline(ctx: Context) -> str | None:
    """The decision's time limit runs on unchanged while a second approver is awaited."""
    return None if ctx.outcome == FIRST else Step.NONE


# --- handlers -----------------------------------------------------------------------------

def _request_supplement(ctx: Context) -> None:
    app_of(ctx).missing_materials = list(ctx.data["missing"])


def _submit_supplement(ctx: Context) -> None:
    """The materials asked for, brought back: scans (stored by ``_prepare``) and originals
    seen at the window (原件已核验, only of the materials asked for)."""
    from .materials import originals_record

    app = app_of(ctx)
    originals_record(application=app, actor=ctx.actor, materials=ctx.data.get("originals") or [],
                     allowed=tuple(app.missing_materials))
    app.missing_materials = []


def _reject(ctx: Context) -> None:
    app_of(ctx).reasons = ctx.data["reason"]


def materials_required(app: Application) -> tuple[str, ...]:
    """MZ01: the county's procedure setting; other items: the catalogue item's materials."""
    if app.item_code == "MZ01":
        return procedure_for(app.region.code).materials
    from jiuzhu.catalogue.selectors import item_in_force

    on = timezone.localtime(app.submitted_at).date() if app.submitted_at else timezone.localdate()
    return tuple(item_in_force(app.item_code, on).materials or ())


def _accept(ctx: Context) -> None:
    app = app_of(ctx)
    missing = materials_missing(app, materials_required(app))
    if missing:
        raise ServiceError(ErrorCode.VALIDATION, _("申请材料不齐全，不能受理"),
                           [{"path": "materials", "message": _("缺少：%(missing)s") % {"missing": '、'.join(missing)}}])
    deadlines.start_total(app, ctx.today)
    deadlines.item_total(app)


def _assign_investigation(ctx: Context) -> None:
    """Two people or more (入户调查两人以上): the township's users chosen by id (they find
    the case in 我的调查) and/or names typed; or a contracted organisation."""
    from .selectors import investigation_candidates

    app = app_of(ctx)
    ids = list(dict.fromkeys(ctx.data.get("investigator_ids") or []))
    users = []
    if ids:
        candidates = {u.pk: u for u in investigation_candidates(app)}
        unknown = [pk for pk in ids if pk not in candidates]
        if unknown:
            raise field_error("investigator_ids", _(
                "账号 %(ids)s 不是本乡镇可入户调查该家庭的人员（调查员、村居协理员、网格员）")
                % {"ids": "、".join(str(pk) for pk in unknown)})
        users = [candidates[pk] for pk in ids]
    people = list(dict.fromkeys([str(u) for u in users]
                                + [str(p).strip() for p in ctx.data.get("investigators") or []
                                   if str(p).strip()]))
    organisation = None
    if ctx.data.get("organisation_id"):
        # 政府购买家境调查: an organisation holding an open contract for the case's region
        offered = {org.pk: org for org in events.contracted_organisations(app)}
        organisation = offered.get(ctx.data["organisation_id"])
        if organisation is None:
            raise field_error("organisation_id", _("该机构没有覆盖本乡镇的有效调查合同"))
        people, users = [], []
    if organisation is None and len(people) < 2:
        raise field_error("investigator_ids" if ids else "investigators",
                          _("入户调查须指派至少 2 名调查人员，或委托第三方机构"))
    app.investigators = people
    app.investigation_organisation = organisation
    app.investigator_users.set(users)
    ctx.data["investigators"] = people  # the step records the names (and the ids)
    if organisation is not None:
        ctx.data["organisation"] = organisation.name
        events.investigation_contracted(app, organisation=organisation, actor=ctx.actor)


def not_yet_assigned(ctx: Context) -> None:
    """The investigation is assigned once (the form is not offered afterwards)."""
    app = app_of(ctx)
    if app.investigators or app.investigation_organisation_id:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("已指派入户调查：%(who)s") % {
            "who": "、".join(app.investigators) or app.investigation_organisation})


def notice_not_published(ctx: Context) -> None:
    """公示 is published once a round (a founded objection opens the next round)."""
    if app_of(ctx).notice_published_on is not None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("公示已经发布"))


def _record_investigation(ctx: Context) -> None:
    app = app_of(ctx)
    signatures = ctx.data["signatures"]
    missing = [k for k in ("investigator_1", "investigator_2", "applicant") if not signatures.get(k)]
    if missing:
        raise field_error("signatures", _("缺少签名：%(missing)s") % {"missing": '、'.join(missing)})
    if not app.attachments.filter(kind="photo").exists():
        raise field_error("photos", _("请上传至少 1 张入户照片"))
    app.investigation_recorded = True
    visits = [{k: v for k, v in visit.items() if k != "signature"}
              for visit in ctx.data["neighbour_visits"]]
    app.investigation = {"investigators": ctx.data["investigators"],
                         "location": ctx.data["location"],
                         "visited_on": str(ctx.data.get("visited_on") or ctx.today),
                         "findings": ctx.data.get("findings", ""),
                         "neighbour_visits": visits,
                         "signed": sorted(signatures),
                         **survey_record(app.household, ctx.data.get("survey")),
                         "submission_key": ctx.data.get("submission_key") or ""}
    signatures = {**signatures, **{f"neighbour_{n}": visit.get("signature") or ""
                                   for n, visit in enumerate(ctx.data["neighbour_visits"], start=1)}}
    for who, value in signatures.items():
        if isinstance(value, str) and value.startswith("data:image/png;base64,"):  # drawn
            try:
                content = base64.b64decode(value.split(",", 1)[1], validate=True)
            except ValueError:
                raise field_error(f"signatures.{who}", _("签名图片无法读取")) from None
            attachment_store(application=app, actor=ctx.actor, data=content,
                             name=f"{who}.png", kind="signature", material=who,
                             path=f"signatures.{who}")
    if app.investigation_organisation_id:
        events.investigation_recorded(app, actor=ctx.actor)  # the contracted report


def _record_verification(ctx: Context) -> None:
    app = app_of(ctx)
    request_id, manual = ctx.data.get("request_id"), ctx.data.get("report")
    if request_id is not None:
        app.verification = {"request_id": request_id, **_verification_report(app, request_id)}
    elif manual:
        sources = list(app.attachments.filter(material=VERIFICATION_SOURCES).values_list("pk", flat=True))
        if not sources:
            raise field_error("files", _("人工核对须上传所依据的原始材料（%(sources)s）") % {"sources": VERIFICATION_SOURCES})
        app.verification = {
            "manual": True, "findings": manual["summary"], "reason": manual["reason"],
            "sources_named": manual.get("sources", []), "attachments": sources,
            "agency": "人工核对（未经居民家庭经济状况核对信息系统）",
            "conclusion": f"本次为人工核对（未经核对系统），依据上传的原始材料 {len(sources)} 份；"
                          f"原因：{manual['reason']}；核对情况：{manual['summary']}",
        }
    else:
        raise field_error("request_id", _("请选择已完成的核对申请；无法通过核对系统核对时，填写人工核对情况和原因并上传原始材料"))
    app.verification_recorded = True


def _verification_report(app: Application, request_id: int) -> dict[str, Any]:
    from jiuzhu.verification.models import VerificationRequest
    from jiuzhu.verification.selectors import verification_report

    request = VerificationRequest.objects.filter(pk=request_id, household=app.household).first()
    if request is None:
        raise field_error("request_id", _("核对请求不存在或不属于该家庭"))
    if request.status != "complete":
        raise field_error("request_id", _("核对尚未完成"))
    return _jsonable(verification_report(request))


def _record_appraisal(ctx: Context) -> None:
    app = app_of(ctx)
    present = ctx.data["members_present"]
    minimum = _procedure(ctx).appraisal_min_members
    if present < minimum or present % 2 == 0:
        raise field_error("members_present", _("参加评议人数应为不少于 %(minimum)s 的单数") % {"minimum": minimum})
    if ctx.data["votes_for"] + ctx.data["votes_against"] > present:
        raise field_error("votes_for", _("票数之和不能超过参加人数"))
    app.appraisal_pending = False
    app.appraisal = {k: ctx.data.get(k, "") for k in
                     ("members_present", "votes_for", "votes_against", "result", "note")}


def _submit_opinion(ctx: Context) -> None:
    from jiuzhu.assessments.services import assessment_run

    app = app_of(ctx)
    recommend = ctx.data["recommend"]
    reasons = ctx.data.get("reasons", "")
    if recommend == "refuse" and not reasons:
        raise field_error("reasons", _("必填项"))
    record = assessment_run(actor=ctx.actor, household=app.household, on=ctx.today)
    program = program_of(app.item_code)
    if program.amount == "dibao":
        if recommend == "approve" and not record.eligible:
            raise ServiceError(ErrorCode.VALIDATION, _("核算结果不符合低保条件，不能建议批准"),
                               [{"path": "recommend", "message": record.result["explanation"]["decision"]["reason"]}])
        amount = record.benefit_monthly
    else:
        amount = _program_opinion(ctx, record, recommend)
    app.recommend, app.opinion_reasons = recommend, reasons
    app.assessment, app.engine_amount = record, amount
    app.notice_published_on = None


def _program_opinion(ctx: Context, record: Any, recommend: str) -> Decimal | None:
    """The opinion of MZ02/MZ03/MZ06 (the item's own recognition) and MZ04/MZ05 (an amount
    entered by the reviewer, at most the cap); returns the amount to decide on."""
    app = app_of(ctx)
    check = program_check(record.input_snapshot, app.item_code)
    program = program_of(app.item_code)
    app.township_limit = check.township_limit
    if program.amount == "entered":
        if recommend != "approve":
            return None
        if ctx.data.get("amount") is None:
            raise field_error("amount", _("请填写拟救助金额（元）"))
        amount = parse_amount(ctx.data["amount"])
        check_temporary_amount(amount, check)
        return amount
    if recommend == "approve" and not check.qualifies:
        from .documents import item_name

        raise ServiceError(ErrorCode.VALIDATION, _("核算结果不符合%(item_name)s条件，不能建议批准") % {"item_name": item_name(app)},
                           [{"path": "recommend", "message": check.reason}])
    return check.amount if program.amount == "tekun" else None


def _publish_notice(ctx: Context) -> None:
    app = app_of(ctx)  # published once a round: ``notice_not_published``
    app.notice_published_on = ctx.today
    app.notice_round += 1


def _record_objection(ctx: Context) -> None:
    app = app_of(ctx)
    founded = ctx.data["founded"]
    return_to = ctx.data.get("return_to") or "investigation"
    app.objections = [*app.objections, {"on": str(ctx.today), "founded": founded,
                                        "return_to": return_to if founded else "",
                                        "note": ctx.data["note"], "round": app.notice_round}]
    if founded:
        app.notice_published_on = None
        if return_to == "appraisal":
            app.appraisal_pending = True
        else:
            app.investigation_recorded = False
            app.appraisal_pending = _procedure(ctx).appraisal != "always"


def _close_notice(ctx: Context) -> None:
    app = app_of(ctx)
    if app.notice_published_on is None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("公示尚未发布"))
    days = (ctx.today - app.notice_published_on).days
    wanted = _procedure(ctx).notice_calendar_days
    if days < wanted:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("公示期为 %(wanted)s 天，已公示 %(days)s 天") % {"wanted": wanted, "days": days})


def _following(first: Any) -> Any:
    return first.replace(year=first.year + 1, month=1) if first.month == 12 \
        else first.replace(month=first.month + 1)


#: ``ctx.outcome`` of an ``approve`` that is only the first of two (四眼原则)
FIRST = "first"


def _approve(ctx: Context) -> None:
    app = app_of(ctx)
    program = program_of(app.item_code)
    if awaiting_second(app):
        _confirm(ctx)
        return
    if app.recommend != "approve" or (app.engine_amount is None and program.amount != ""):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("乡镇审核意见为不予批准，不能批准"))
    amount = app.engine_amount
    override = ctx.data.get("override_reason", "")
    if program.amount and ctx.data.get("amount") is not None:
        amount = parse_amount(ctx.data["amount"])
        if amount != app.engine_amount and not override:
            raise field_error("override_reason", _("批准金额与核算金额不同，须说明理由"))
    if program.amount == "entered":
        assert amount is not None
        check_temporary_amount(amount, check_for_application(app, ctx.today))
        if app.township_limit is not None and amount > app.township_limit and \
                not ctx.actor.has_perm("applications.approve_above_limit", app):
            raise ServiceError(ErrorCode.FORBIDDEN,
                               _("金额 %(amount)s 元超过乡镇审批限额 %(limit)s 元，须报县级审批")
                               % {"amount": f"{amount:.2f}", "limit": f"{app.township_limit:.2f}"},
                               [{"path": "amount", "message": _("超过乡镇审批限额，须县级审批")}])
    if program.monthly and second_approval_needed(app, ctx.actor, amount):
        _first_approval(ctx, amount, override)
        return
    _decide(ctx, amount, override)


def _first_approval(ctx: Context, amount: Decimal | None, override: str) -> None:
    """四眼原则: above the county's threshold the approval is recorded as the first (who,
    when, amount, start month, reason) and the case waits in ``decision`` for a second
    approver (``duties.awaiting_second``)."""
    app = app_of(ctx)
    app.first_approved_by, app.first_approved_at = _user(ctx.actor), timezone.now()
    app.first_approval = {
        "name": _actor_name(ctx.actor), "amount": f"{amount:.2f}" if amount is not None else "",
        "override_reason": override,
        "start_month": str(_following(ctx.today.replace(day=1)))}
    ctx.outcome = FIRST


def _confirm(ctx: Context) -> None:
    """The second approver confirms the first approval: its amount and reason, decided now
    (the start month follows the day of the decision)."""
    app = app_of(ctx)
    first = app.first_approval
    amount = Decimal(first["amount"]) if first.get("amount") else app.engine_amount
    if ctx.data.get("amount") is not None and parse_amount(ctx.data["amount"]) != amount:
        raise field_error("amount", _(
            "第一审批人批准的金额为 %(amount)s 元；如需调整，请退回第一审批") % {"amount": f"{amount:.2f}"})
    ctx.data["first_approver"] = first.get("name", "")
    _decide(ctx, amount, str(first.get("override_reason") or ""))


def _decide(ctx: Context, amount: Decimal | None, override: str) -> None:
    app = app_of(ctx)
    program = program_of(app.item_code)
    first = ctx.today.replace(day=1)
    app.approved_amount = amount
    app.override_reason = override
    if program.monthly:
        app.start_month = _following(first)
        app.review_class = review_class_of(app)
    elif program.one_off:
        # Paid once: in this month's payroll, or the next one's when this month's list of
        # the township is already confirmed (payments answers through events).
        app.start_month = _following(first) if events.month_confirmed(app.region, first) else first
    if program.valid_months:
        app.valid_until = valid_until(ctx.today, program.valid_months)
    app.decided_at, app.decided_by = timezone.now(), _user(ctx.actor)


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
    app = app_of(ctx)
    app.reasons = ctx.data["reasons"]
    if awaiting_second(app):  # the second approver refuses what the first approved
        ctx.data["first_approver"] = app.first_approval.get("name", "")
    app.decided_at, app.decided_by = timezone.now(), _user(ctx.actor)


def first_approval_pending(ctx: Context) -> None:
    """退回 needs a first approval waiting for its second approver."""
    if not awaiting_second(app_of(ctx)):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("没有待确认的第一审批"))


def _return_approval(ctx: Context) -> None:
    """退回: the second approver clears the first approval (with a reason, in the step and
    the audit); the case waits in ``decision`` for a new approval or refusal."""
    app = app_of(ctx)
    first = app.first_approval
    ctx.data.update({"first_approver": first.get("name", ""), "amount": first.get("amount", "")})
    app.first_approved_by, app.first_approved_at, app.first_approval = None, None, {}


def _extend_deadline(ctx: Context) -> None:
    app = app_of(ctx)
    if app.extended:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("办理期限只能延长一次"))
    if app.accepted_on is None:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("尚未受理，不能延长办结期限"))
    app.extended, app.extension_reason = True, ctx.data["reason"]
    deadlines.extend_total(app)
    deadlines.item_total(app)


def _withdraw(ctx: Context) -> None:
    app_of(ctx).reasons = ctx.data.get("reason") or "逾期未提交补正材料，视为撤回申请"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _actor_name(actor: Any) -> str:
    return (getattr(actor, "full_name", "") or getattr(actor, "username", "")) \
        if actor is not None else "系统"


# --- the engine's hooks for this table ---------------------------------------------------------

def _prepare(ctx: Context) -> None:
    """The county's procedure; files sent with the action stored with the case first (the
    handlers look at them: photos, the source documents of a manual verification)."""
    app = app_of(ctx)
    ctx.options["procedure"] = procedure_for(app.region.code)
    for material, name, content in ctx.files:
        attachment_store(application=app, actor=ctx.actor, data=content, name=name,
                         kind="photo" if material == PHOTO else "material", material=material)


def _start_deadline(ctx: Context, step: str) -> None:
    deadlines.start_step(app_of(ctx), step, ctx.today)


def _before_save(ctx: Context) -> None:
    if stored_alert():  # a stored colour is refreshed; a computed one needs nothing
        app_of(ctx).alert = deadlines.compute_alert(app_of(ctx), ctx.today)


def stored_alert() -> bool:
    return any(f.name == "alert" for f in Application._meta.concrete_fields)


def _issue(ctx: Context, codes: tuple[str, ...]) -> None:
    from .documents import issue_documents

    extra: dict[str, Any] = {}
    if ctx.action.name in ("accept", "reject"):
        extra["accepted"] = ctx.action.name == "accept"
    elif ctx.action.name == "record_investigation":
        from .field import document_pictures  # photo thumbnails and signatures for D06/D07

        extra.update(document_pictures(app_of(ctx)))
    elif ctx.action.name in ("approve", "refuse"):
        extra["approved"] = ctx.action.name == "approve"
        extra["decision"] = decision_of(app_of(ctx), ctx.actor, ctx.data.get("first_approver", "")
                                        if ctx.action.name == "approve" else "")
    issue_documents(app_of(ctx), ctx.actor, list(codes), **extra)


def decision_of(app: Application, actor: Any, first_approver: str = "") -> dict[str, Any]:
    """Who decided and when, for the decision's documents (审批意见 of D12): both approvers
    where a second approver confirmed a first approval (四眼原则)."""
    names = [n for n in (first_approver, _actor_name(actor)) if n]
    return {"approver": "、".join(dict.fromkeys(names)),
            "decided_on": timezone.localdate().isoformat()}


def _record(ctx: Context) -> None:
    from jiuzhu.audit.services import audit_record

    data = {k: v for k, v in ctx.data.items() if k != "signatures"}
    if ctx.action.name == "record_investigation":  # the survey as its differences, no drawings
        data = investigation_step(data, app_of(ctx).investigation)
    if ctx.files:
        data["files"] = [material for material, _name, _content in ctx.files]
    # a first approval is its own step (审批，待第二审批人确认), not the approval
    action = FIRST_APPROVAL if ctx.outcome == FIRST and ctx.action.name == "approve" \
        else ctx.action.name
    if action == FIRST_APPROVAL:
        app = app_of(ctx)
        data = {**data, "amount": app.first_approval.get("amount", ""),
                "start_month": app.first_approval.get("start_month", "")}
    step_record(app_of(ctx), ctx.actor, action, ctx.before, ctx.target or ctx.before, data)
    audit_record(actor=ctx.actor, action="update", obj=ctx.obj,
                 detail={"action": action, "from": ctx.before, "to": ctx.target,
                         **({"reason": data.get("reason", "")}
                            if action == "return_approval" else {})})


def _after(ctx: Context) -> None:
    if ctx.action.name == "accept":  # 受理即发起核对, with the signed authorisation
        from .verification_link import request_on_accept

        request_on_accept(app_of(ctx), ctx.actor)
    if ctx.before in OPEN_STATES and ctx.target in DECIDED:
        events.decided(app_of(ctx), actor=ctx.actor, action=ctx.action.name)


def step_record(application: Application, actor: Any, action: str, before: str, after: str,
                data: dict[str, Any]) -> None:
    """Keep one step of the case (办理记录)."""
    ApplicationStep.objects.create(
        application=application, action=action, from_state=before, to_state=after,
        actor=_user(actor), actor_name=_actor_name(actor), data=_jsonable(data))


def _jsonable(value: Any) -> Any:
    from datetime import date

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, date):
        return str(value)
    return value


# --- the table --------------------------------------------------------------------------------

OPEN = tuple(OPEN_STATES)
CHECKS = (S.ACCEPTED, S.APPRAISAL, S.OPINION)

WORKFLOW = Workflow(
    name="applications", model=Application, states=State.values, not_found="申请不存在",
    select_related=("region", "household"), duties=duty_refusal,
    prepare=_prepare, start_deadline=_start_deadline, before_save=_before_save,
    issue=_issue, record=_record, after=_after,
    actions=[
        Action("request_supplement", gettext_noop("一次性告知补正"), source=(S.SUBMITTED,),
               target=S.AWAITING_SUPPLEMENT, permission="applications.request_supplement",
               schema=RequestSupplementIn, documents=("D02",), deadline=Step.SUPPLEMENT,
               handler=_request_supplement, extra={"form": "RequestSupplementForm", "style": "outline-primary"}),
        Action("submit_supplement", gettext_noop("提交补正材料"), source=(S.AWAITING_SUPPLEMENT,),
               target=S.SUBMITTED, permission="applications.submit_supplement", schema=SubmitSupplementIn,
               deadline=Step.ACCEPTANCE, handler=_submit_supplement,
               extra={"form": "SubmitSupplementForm"}),
        Action("reject", gettext_noop("不予受理"), source=(S.SUBMITTED,), target=S.REJECTED,
               permission="applications.reject", schema=ReasonIn, documents=("D03",),
               deadline=Step.NONE, handler=_reject, extra={"form": "ReasonForm", "style": "outline-danger"}),
        Action("accept", gettext_noop("受理"), source=(S.SUBMITTED,), target=S.ACCEPTED,
               permission="applications.accept", schema=NoInput,
               documents=("D03", "D04", "D05"), deadline=Step.INVESTIGATION, handler=_accept,
               extra={"help": "材料齐全时受理，生成受理通知书、核对授权书和入户调查通知书。"}),
        Action("assign_investigation", gettext_noop("指派入户调查"), source=(S.ACCEPTED,),
               permission="applications.assign_investigation", schema=AssignInvestigationIn,
               # D05 again, now naming the people assigned (at acceptance it left them blank)
               documents=("D05",), requires=(not_yet_assigned,), handler=_assign_investigation,
               extra={"form": "AssignInvestigationForm"}),
        Action("record_investigation", gettext_noop("录入入户调查"), source=(S.ACCEPTED,),
               target=_after_checks, targets=(S.ACCEPTED, S.APPRAISAL, S.OPINION),
               permission="applications.record_investigation", schema=RecordInvestigationIn,
               documents=("D06", "D07"), deadline=_step_if_moved,
               requires=(investigation_assigned,), handler=_record_investigation,
               extra={"show_refused": True, "link": True, "help": "调查员在手机上录入：照片、定位、签名、邻里访问。"}),
        Action("record_verification", gettext_noop("录入核对报告"), source=(S.ACCEPTED,),
               target=_after_checks, targets=(S.ACCEPTED, S.APPRAISAL, S.OPINION),
               permission="applications.record_verification", schema=RecordVerificationIn,
               documents=("D08",), deadline=_step_if_moved, handler=_record_verification,
               extra={"form": "RecordVerificationForm"}),
        Action("record_appraisal", gettext_noop("录入民主评议"), source=(S.APPRAISAL,), target=S.OPINION,
               permission="applications.record_appraisal", schema=RecordAppraisalIn,
               documents=("D09",), deadline=Step.OPINION, handler=_record_appraisal,
               extra={"form": "RecordAppraisalForm"}),
        Action("submit_opinion", gettext_noop("提出审核意见"), source=(S.OPINION,), target=_opinion_target,
               targets=(S.NOTICE, S.DECISION), permission="applications.submit_opinion",
               schema=SubmitOpinionIn, documents=("D10",), deadline=_step_if_moved,
               requires=(verification_done,), handler=_submit_opinion,
               extra={"show_refused": True, "form": "SubmitOpinionForm"}),
        Action("publish_notice", gettext_noop("发布公示"), source=(S.NOTICE,),
               permission="applications.publish_notice", schema=NoInput, documents=("D11",),
               deadline=Step.NOTICE, requires=(notice_not_published,), handler=_publish_notice,
               extra={"help": "在村（居）务公开栏和公示页发布，7 天公示期自今日起算。"}),
        Action("record_objection", gettext_noop("登记异议"), source=(S.NOTICE,), target=_objection_target,
               targets=(S.NOTICE, S.ACCEPTED, S.APPRAISAL),
               permission="applications.record_objection", schema=RecordObjectionIn,
               documents=("D11",), deadline=_step_if_moved, handler=_record_objection,
               extra={"form": "RecordObjectionForm", "style": "outline-primary"}),
        Action("close_notice", gettext_noop("公示结束"), source=(S.NOTICE,), target=S.DECISION,
               permission="applications.close_notice", schema=NoInput, deadline=Step.DECISION,
               handler=_close_notice,
               extra={"help": "公示期满 7 天且无异议（或异议不成立）后结束公示，转县级审批。"}),
        Action("approve", gettext_noop("批准"), source=(S.DECISION,), target=_approve_target,
               targets=(S.APPROVED, S.DECISION),
               permission="applications.approve", schema=ApproveIn,
               documents=_approve_documents, deadline=_approve_deadline,
               requires=(verification_done,), handler=_approve,
               extra={"show_refused": True, "form": "ApproveForm"}),
        Action("refuse", gettext_noop("不予批准"), source=(S.DECISION,), target=S.REFUSED,
               permission="applications.refuse", schema=ReasonsIn, documents=("D12", "D14"),
               deadline=Step.NONE, handler=_refuse, extra={"form": "RefuseForm", "style": "outline-danger"}),
        # 四眼原则: the second approver returns a first approval (the case stays in decision)
        Action("return_approval", gettext_noop("退回第一审批"), source=(S.DECISION,),
               permission="applications.return_approval", schema=ReasonIn,
               requires=(first_approval_pending,), handler=_return_approval,
               extra={"form": "ReasonForm", "style": "outline-secondary"}),
        Action("extend_deadline", gettext_noop("延长期限"), source=OPEN,
               permission="applications.extend_deadline", schema=ReasonIn,
               handler=_extend_deadline, extra={"form": "ReasonForm", "style": "outline-secondary"}),
        Action("withdraw", gettext_noop("撤回"), source=tuple(BEFORE_DECISION), target=S.WITHDRAWN,
               permission="applications.withdraw", schema=ReasonIn, deadline=Step.NONE,
               handler=_withdraw, extra={"form": "ReasonForm", "style": "outline-secondary"}),
        # Steps other apps take in their own services (no permission: never a button).
        Action("start_payment", gettext_noop("开始发放"), source=(S.APPROVED,), target=S.IN_PAYMENT),
        Action("suspend", gettext_noop("暂停发放"), source=(S.IN_PAYMENT,), target=S.SUSPENDED),
        Action("resume", gettext_noop("恢复发放"), source=(S.SUSPENDED,), target=S.IN_PAYMENT),
        Action("stop", gettext_noop("停发"), source=PAID, target=S.STOPPED),
        Action("review", gettext_noop("复核"), source=PAID),
    ],
)

#: Labels of recorded steps that are not actions of the table.
#: The step of an ``approve`` that is a first approval (四眼原则).
FIRST_APPROVAL = "approve_first"
OTHER_LABELS = {"create": "提出申请", "auto_withdraw": "逾期未补正自动撤回",
                FIRST_APPROVAL: "审批（待第二审批人确认）",
                # 政府购买家境调查 (the contracts app's steps on the case)
                "assign_surveyor": "第三方机构指派调查员",
                "return_investigation": "退回第三方调查报告",
                "withdraw_investigation": "收回第三方调查委托"}


def label(action: str) -> str:
    return OTHER_LABELS.get(action) or WORKFLOW.label(action)


def user_actions() -> list[Action]:
    """The actions users take (those with a permission), in table order."""
    return [a for a in WORKFLOW if a.permission]
