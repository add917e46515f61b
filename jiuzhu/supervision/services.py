"""Reviews (动态管理) and supervision (日常监管) of approved cases.

Every action locks the case, checks region then role, changes its state only through the
workflow's transitions, records an ``ApplicationStep``, issues its documents and writes an
audit event, in one transaction. An adverse decision (a stop for a veto, a recovery order,
a stop at closure) is refused until a statement-and-defence notice (D23) has been issued.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jiuzhu.accounts.choices import Role
from jiuzhu.applications.choices import State
from jiuzhu.applications.documents import issue_documents
from jiuzhu.applications.models import Application
from jiuzhu.applications.services import application_step_record as record_step
from jiuzhu.assessments.services import assessment_run
from jiuzhu.audit.services import audit_record
from jiuzhu.core.access import SYSTEM, require
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.errors import field_error as _field_error
from jiuzhu.core.workflow import Action, Workflow
from jiuzhu.core.workflow import Context as WorkflowContext
from jiuzhu.documents.models import Document
from jiuzhu.households.models import Household
from jiuzhu.payments.models import Payment
from jiuzhu.payments.months import add_months, month_of, month_parse

from .choices import Closure, Outcome, TaskStatus, TipOffAction, TipOffSource, TipOffStatus
from .events import stopped
from .models import PhaseOut, ReviewTask, TipOff, TipOffEvent
from .schemas import CloseIn, InterviewIn, RecoveryIn, StatementIn, SuspendIn

REVIEW_ROLES = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
SUPERVISION_ROLES = frozenset({Role.SUPERVISOR, Role.COUNTY_APPROVER, Role.ADMINISTRATOR})
PAID_STATES = (State.APPROVED, State.IN_PAYMENT, State.SUSPENDED)
# Items paid monthly and so reviewed on a schedule (dibao and special hardship); the
# recognitions (MZ02, MZ06) and one-off temporary assistance (MZ04, MZ05) are not.
REVIEWED_ITEMS = ("MZ01", "MZ03")
REVIEW_MONTHS = {"A": 12, "B": 6}
PHASE_OUT_MONTHS = 6


def _lock_case(pk: int) -> Application:
    return Application.objects.select_for_update().select_related("region", "household").get(pk=pk)


def _fmt_month(month: date) -> str:
    return f"{month:%Y年%m月}"


def _next_month(today: date) -> date:
    return add_months(month_of(today), 1)


def _iso_month(month: date) -> str:
    """A month as the documents take it: 2026-04."""
    return f"{month:%Y-%m}"


def _name(actor: Any) -> str:
    return (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""


# --- review schedule -----------------------------------------------------------------------

def review_interval_months(application: Application) -> int:
    """A yearly, B every 6 months, C every 3 months in towns and 6 in the countryside."""
    review_class = application.review_class or "B"
    if review_class == "C":
        return 3 if application.household.area_type == "urban" else 6
    return REVIEW_MONTHS[review_class]


def review_schedule(application: Application, *, actor: Any = SYSTEM) -> ReviewTask | None:
    """The case's open review task, created if there is none: reviews fall on the start
    month plus whole intervals, so the next is one interval after the last one's due date
    (however early or late it was done). None for a case that is no longer paid."""
    if application.state not in PAID_STATES or application.item_code not in REVIEWED_ITEMS:
        return None
    existing = application.review_tasks.filter(status=TaskStatus.OPEN).first()
    if existing is not None:
        return existing
    last = application.review_tasks.filter(status=TaskStatus.DONE).order_by("-due_on").first()
    base = last.due_on if last else (application.start_month
                                     or month_of(timezone.localdate()))
    return _task_create(application, add_months(base, review_interval_months(application)),
                        actor=actor)


def _task_create(application: Application, due_on: date, *, actor: Any) -> ReviewTask:
    task = ReviewTask.objects.create(application=application,
                                     region_path=application.region_path,
                                     review_class=application.review_class or "B", due_on=due_on)
    audit_record(actor=actor, action="create", obj=task,
                 detail={"application": application.number, "due_on": str(due_on)})
    return task


@transaction.atomic
def reviews_schedule() -> int:
    """Create the next review task of every approved or paid case without an open one."""
    cases = (Application.objects.select_related("household")
             .filter(state__in=[State.APPROVED, State.IN_PAYMENT], item_code__in=REVIEWED_ITEMS)
             .exclude(review_tasks__status=TaskStatus.OPEN))
    created = 0
    for application in cases:
        if review_schedule(application) is not None:
            created += 1
    return created


# --- shared case actions ---------------------------------------------------------------

def statement_notice_issued(application: Application) -> bool:
    """Whether a statement-and-defence notice (陈述申辩告知书, D23) exists for the case."""
    return Document.objects.for_owner(application).filter(code="D23").exists()


def _require_statement_notice(application: Application, decision: str) -> None:
    if not statement_notice_issued(application):
        raise ServiceError(
            ErrorCode.STEP_NOT_ALLOWED,
            _("作出“%(decision)s”前须先出具陈述申辩告知书（D23），告知当事人拟作出的决定及其陈述、申辩的权利") % {"decision": _(decision)},
            [{"path": "D23", "message": _("尚未出具陈述申辩告知书")}])


def _stop(application: Application, actor: Any, *, reasons: str, today: date,
          action: str, keep_task: int | None = None, issue: bool = True,
          **extra: Any) -> dict[str, Any]:
    """停发 from next month: the stop transition, the end of any phase-out and of the open
    reviews but ``keep_task``, and D17 — issued here, or (``issue=False``, inside an action
    of a table, which declares D17) left to the table: returns the documents' context."""
    before = application.state
    phase_out = PhaseOut.objects.filter(application=application, ended=False).first()
    application.stop()
    application.save()
    effective = _next_month(today)
    PhaseOut.objects.filter(application=application, ended=False).update(ended=True)
    for other in (ReviewTask.objects.select_for_update()
                  .filter(application=application, status=TaskStatus.OPEN)
                  # pk=None (no task kept) is a valid IS NULL lookup; django-stubs rejects None
                  .exclude(pk=keep_task)):  # type: ignore[misc]
        _follow(REVIEW_WORKFLOW, other, "close_with_case")
        other.outcome, other.note, other.done_at = Outcome.STOP, "案件已停发", timezone.now()
        other.save(update_fields=["status", "outcome", "note", "done_at"])
    record_step(application, actor, action, before, application.state,
                {"reasons": reasons, "effective_month": effective})
    document = {"start_month": _iso_month(effective), "reasons": [reasons], "amount": "",
                "phase_out_until": _iso_month(phase_out.until) if phase_out else "",
                "stop": {"effective_month": _iso_month(effective), "reasons": reasons}, **extra}
    if issue:
        issue_documents(application, actor, ["D17"], **document)
    audit_record(actor=actor, action="update", obj=application,
                 detail={"action": action, "from": before, "to": application.state,
                         "reasons": reasons})
    stopped(application, actor=actor, action=action)  # the apps on top (the archive)
    return document


def phase_out_amount(application: Application, month: date) -> Decimal | None:
    """The amount paid for ``month`` during a running phase-out, else ``None`` (the payroll
    asks, through :mod:`jiuzhu.payments.hooks`)."""
    phase_out = PhaseOut.objects.filter(application=application, ended=False,
                                        until__gte=month).first()
    return phase_out.amount if phase_out else None


@transaction.atomic
def phase_outs_expire(*, actor: Any, township: Any, month: date) -> list[Application]:
    """Stop every case of ``township`` whose phase-out ended before ``month``."""
    stopped = []
    due = (PhaseOut.objects.filter(ended=False, until__lt=month_of(month),
                                   application__region=township,
                                   application__state__in=PAID_STATES)
           .values_list("application_id", flat=True))
    for pk in list(due):
        application = _lock_case(pk)
        phase_out = application.phase_out
        _stop(application, actor, today=add_months(phase_out.until, 1) - timedelta(days=1),
              action="phase_out_end",
              reasons=f"家庭人均收入已超过低保标准，渐退期至{_fmt_month(phase_out.until)}届满，停发低保金")
        stopped.append(application)
    return stopped


def _statement_notice(application: Application, actor: Any, *, decision: str, facts: str,
                      legal_basis: str, respond_by: date | None, today: date,
                      issue: bool = True) -> dict[str, Any]:
    """Record the notice on the case and issue D23 (or, ``issue=False``, return the
    document's context for the table's ``statement`` row to issue)."""
    if not decision.strip():
        raise _field_error("decision", _("请写明拟作出的决定"))
    if not facts.strip():
        raise _field_error("facts", _("请写明认定的事实"))
    respond_by = respond_by or today + timedelta(days=3)
    record_step(application, actor, "statement_notice", application.state, application.state,
                {"decision": decision, "facts": facts, "respond_by": respond_by})
    document = {"proposed": {
        "decision": decision, "facts": facts,
        "legal_basis": legal_basis or "《社会救助暂行办法》《最低生活保障审核确认办法》",
        "respond_by": respond_by.isoformat()}}
    if issue:
        issue_documents(application, actor, ["D23"], **document)
    audit_record(actor=actor, action="update", obj=application,
                 detail={"action": "statement_notice", "decision": decision})
    return document


@transaction.atomic
def application_statement_notice(*, actor: Any, application: Application, decision: str,
                                 facts: str, legal_basis: str = "",
                                 respond_by: date | None = None,
                                 today: date | None = None) -> Application:
    """陈述申辩告知 (D23) on a case, before an adverse decision such as a stop."""
    application = _lock_case(application.pk)
    require(actor, application.region_path, "supervision.issue_statement_notice", what=_("申请"))
    if application.state not in PAID_STATES:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("该案件不在保，无需陈述申辩告知"))
    _statement_notice(application, actor, decision=decision, facts=facts,
                      legal_basis=legal_basis, respond_by=respond_by,
                      today=today or timezone.localdate())
    return application


# --- reviews ---------------------------------------------------------------------------------

def review_run(*, actor: Any, task: ReviewTask, today: date | None = None) -> ReviewTask:
    """复核: assess the household again and act on the result (20-workflow.md):

    - still eligible: the amount is kept, increased or decreased (D16);
    - not eligible because the income rose (no veto): the benefit goes on unchanged for a
      phase-out of 6 months (渐退) after this month; a run after that stops it (D17);
    - not eligible because of a veto: stop (D17), only after a D23 has been issued.

    D18 (复核表) records every run; the next review is scheduled unless the case stopped.
    The ``run`` row of :data:`REVIEW_WORKFLOW` (404, 403 ``supervision.run_review``, 409 once
    done or when the case is no longer paid), which declares the documents of each outcome;
    the handler sets the outcome and the documents' context.
    """
    return REVIEW_WORKFLOW.perform(actor=actor, obj=task, action="run", today=today)


def _review(ctx: WorkflowContext) -> None:
    task, actor, today = ctx.obj, ctx.actor, ctx.today
    application = ctx.options["application"]
    month = month_of(today)
    before_amount = application.approved_amount
    record = assessment_run(actor=actor, household=application.household, on=today)
    result = record.result
    reason = result["explanation"]["decision"]["reason"]
    phase_out = PhaseOut.objects.filter(application=application, ended=False).first()
    review = {"due_on": task.due_on.isoformat(), "reviewed_on": today.isoformat(),
              "reviewers": [_name(actor)] if actor else [], "findings": reason}
    documents = {"review_class": application.review_class, "previous_amount": str(before_amount)}
    task.assessment, task.amount_before = record, before_amount
    task.amount_after, next_due = before_amount, None

    if record.eligible:
        if phase_out is not None:
            phase_out.ended = True
            phase_out.save(update_fields=["ended"])
        new_amount = record.benefit_monthly
        task.outcome = (Outcome.UNCHANGED if new_amount == before_amount else
                        Outcome.INCREASE if new_amount > before_amount else Outcome.DECREASE)
        _review_transition(application, actor, task.outcome, {"amount": new_amount})
        if task.outcome != Outcome.UNCHANGED:
            application.approved_amount = new_amount
            application.save()
        task.amount_after = new_amount
        task.note = reason
        ctx.options["document"] = {
            **documents, "amount": str(new_amount),
            "review": {**review, "result": task.get_outcome_display()}, "change": task.outcome,
            "start_month": _iso_month(_next_month(today)), "reasons": [reason]}
    elif result["vetoes"]:
        _require_statement_notice(application, "停发")
        task.outcome, task.note, task.amount_after = Outcome.STOP, reason, None
        review["findings"] = reason
        ctx.options["document"] = _stop(
            application, actor, reasons=reason, today=today, action="review_stop",
            keep_task=task.pk, issue=False, **documents,
            review={**review, "result": "停发", "findings": task.note})
    elif phase_out is not None and month > phase_out.until:
        task.outcome, task.amount_after = Outcome.STOP, None
        task.note = f"渐退期至{_fmt_month(phase_out.until)}已届满。{reason}"
        ctx.options["document"] = _stop(
            application, actor, reasons=task.note, today=today, action="review_stop",
            keep_task=task.pk, issue=False, **documents,
            review={**review, "result": "停发", "findings": task.note})
    else:
        if phase_out is None:
            phase_out = PhaseOut.objects.create(
                application=application, started_on=today, amount=before_amount,
                until=add_months(month, PHASE_OUT_MONTHS), reason=reason)
        task.outcome = Outcome.PHASE_OUT
        task.note = f"{reason}；渐退：按原标准继续发放至{_fmt_month(phase_out.until)}，期满停发"
        next_due = add_months(phase_out.until, 1)
        _review_transition(application, actor, task.outcome,
                           {"phase_out_until": phase_out.until})
        ctx.options["document"] = {
            **documents, "amount": str(before_amount),
            "review": {**review, "result": "维持", "findings": task.note},
            "phase_out_until": _iso_month(phase_out.until)}

    task.done_at = timezone.now()
    task.done_by = actor if getattr(actor, "pk", None) else None
    # done before the next review exists (one open review per case): the row's own move
    REVIEW_WORKFLOW.move(task, ctx.action, TaskStatus.DONE)
    task.save()
    audit_record(actor=actor, action="update", obj=task,
                 detail={"outcome": task.outcome, "assessment": record.pk,
                         "before": str(before_amount), "after": str(task.amount_after)})
    if application.state != State.STOPPED:
        if next_due is not None:
            _task_create(application, next_due, actor=actor)
        else:
            review_schedule(application, actor=actor)




def _review_transition(application: Application, actor: Any, outcome: str,
                       data: dict[str, Any]) -> None:
    before = application.state
    application.review()
    application.save()
    record_step(application, actor, "review", before, application.state,
                {"outcome": outcome, **data})
    audit_record(actor=actor, action="update", obj=application,
                 detail={"action": "review", "outcome": outcome})


# --- supervision: tip-offs ----------------------------------------------------------------

@transaction.atomic
def tipoff_record(*, actor: Any, household: Household, source: str, content: str,
                  received_on: date, application: Application | None = None,
                  findings: str = "") -> TipOff:
    """Register a tip-off (举报) about a household's case and issue its record (D19)."""
    require(actor, household.region_path, "supervision.record_tipoff", what=_("家庭"))
    if source not in TipOffSource.values:
        raise _field_error("source", _("请选择举报来源"))
    if not content.strip():
        raise _field_error("content", _("请填写举报内容"))
    if application is None:
        cases = Application.objects.filter(household=household)
        application = (cases.filter(state__in=[*PAID_STATES, State.STOPPED]).first()
                       or cases.first())
        if application is None:
            raise _field_error("household", _("该家庭没有低保案件"))
    elif application.household_id != household.pk:
        raise _field_error("application", _("申请不属于该家庭"))
    application = _lock_case(application.pk)
    tip_off = TipOff.objects.create(
        household=household, application=application, region_path=application.region_path,
        source=source, content=content.strip(), received_on=received_on,
        findings=findings.strip(), created_by=actor if getattr(actor, "pk", None) else None)
    _event(tip_off, actor, TipOffAction.RECORD, "D19", {"source": source})
    issue_documents(application, actor, ["D19"], tipoff=_tipoff_context(tip_off))
    audit_record(actor=actor, action="create", obj=tip_off,
                 detail={"application": application.number, "source": source})
    return tip_off


def _tipoff_context(tip_off: TipOff) -> dict[str, Any]:
    return {"received_on": tip_off.received_on.isoformat(),
            "channel": tip_off.get_source_display(), "content": tip_off.content,
            "checkers": [_name(tip_off.created_by)] if tip_off.created_by else [],
            "findings": tip_off.findings,
            "conclusion": tip_off.get_closure_display() if tip_off.closure else ""}


def _event(tip_off: TipOff, actor: Any, action: str, code: str, data: dict[str, Any]) -> None:
    application = tip_off.application
    record_step(application, actor, f"tipoff_{action}", application.state, application.state,
                {"tip_off": tip_off.pk, **data})
    TipOffEvent.objects.create(
        tip_off=tip_off, action=action, document_code=code,
        data={k: str(v) for k, v in data.items()},
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", ""))
        if actor else "系统")


def payments_in_period(application: Application, from_month: date, to_month: date) -> Decimal:
    """The sum of the payments for the months from ``from_month`` to ``to_month``."""
    total = Payment.objects.filter(application=application, month__gte=month_of(from_month),
                                   month__lte=month_of(to_month)).aggregate(s=Sum("amount"))["s"]
    return total if total is not None else Decimal("0.00")


def tipoff_interview(*, actor: Any, tip_off: TipOff, reason: str, scheduled_at: str,
                     place: str) -> TipOff:
    """约谈 the household: the interview notice (D20)."""
    return TIPOFF_WORKFLOW.perform(actor=actor, obj=tip_off, action="interview", data={
        "reason": reason, "scheduled_at": scheduled_at, "place": place})


def tipoff_suspend(*, actor: Any, tip_off: TipOff, reasons: str, requirements: str = "",
                   respond_by: date | None = None, today: date | None = None) -> TipOff:
    """暂停发放 while the tip-off is checked (D22): the case leaves the payroll."""
    return TIPOFF_WORKFLOW.perform(actor=actor, obj=tip_off, action="suspend", today=today, data={
        "reasons": reasons, "requirements": requirements, "respond_by": respond_by})


def tipoff_statement_notice(*, actor: Any, tip_off: TipOff, decision: str, facts: str,
                            legal_basis: str = "", respond_by: date | None = None,
                            today: date | None = None) -> TipOff:
    """陈述申辩告知 (D23) before an adverse decision on the tip-off."""
    return TIPOFF_WORKFLOW.perform(actor=actor, obj=tip_off, action="statement", today=today,
                                   data={"decision": decision, "facts": facts,
                                         "legal_basis": legal_basis, "respond_by": respond_by})


def tipoff_recovery_order(*, actor: Any, tip_off: TipOff, from_month: date, to_month: date,
                          reasons: str, deadline: date | None = None,
                          today: date | None = None) -> TipOff:
    """责令退还 (D21) what was paid for the months in the period while not eligible."""
    return TIPOFF_WORKFLOW.perform(actor=actor, obj=tip_off, action="recover", today=today, data={
        "from_month": _iso_month(month_of(from_month)), "to_month": _iso_month(month_of(to_month)),
        "reasons": reasons, "deadline": deadline})


def tipoff_close(*, actor: Any, tip_off: TipOff, summary: str, findings: str,
                 decision: str = Closure.NONE, today: date | None = None) -> TipOff:
    """结案 (D24), optionally resuming a suspended case or stopping it (a stop needs D23)."""
    return TIPOFF_WORKFLOW.perform(actor=actor, obj=tip_off, action="close", today=today, data={
        "summary": summary, "findings": findings, "decision": decision})


# --- a case's suspension outside a tip-off (资格认证 not confirmed in time) ------------------

@transaction.atomic
def case_suspend(*, actor: Any, application: Application, reasons: str,
                 requirements: str = "", respond_by: date | None = None,
                 today: date | None = None,
                 permission: str = "supervision.act_tipoff") -> Application:
    """暂停发放 of a paid case by the county's rule (not a tip-off): the case leaves the
    payroll from next month, with its step, the suspension notice (D22, rendered after
    commit) and an audit event. ``permission`` is the caller's predicate (checked by
    ``require``); 409 when the case is not in payment."""
    today = today or timezone.localdate()
    require(actor, application.region_path, permission, what=_("案件"))
    application = _lock_case(application.pk)
    if application.state != State.IN_PAYMENT:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("案件状态为“%(state)s”，不能暂停发放") % {"state": application.get_state_display()})
    before = application.state
    application.suspend()
    application.save()
    record_step(application, actor, "suspend", before, application.state, {"reasons": reasons})
    issue_documents(application, actor, ["D22"], start_month=_iso_month(_next_month(today)),
                    reasons=[reasons], suspension={
                        "requirements": requirements or "请于限期内到乡镇（街道）说明情况并提供相关材料",
                        "respond_by": (respond_by or today + timedelta(days=15)).isoformat()})
    audit_record(actor=actor, action="update", obj=application,
                 detail={"action": "suspend", "from": before, "to": application.state,
                         "reasons": reasons})
    return application


@transaction.atomic
def case_resume(*, actor: Any, application: Application, reason: str,
                permission: str = "supervision.act_tipoff") -> Application:
    """恢复发放 of a suspended case (the reason of its suspension is resolved): its step
    and an audit event; 409 when the case is not suspended."""
    require(actor, application.region_path, permission, what=_("案件"))
    application = _lock_case(application.pk)
    if application.state != State.SUSPENDED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("案件未暂停发放，无需恢复"))
    before = application.state
    application.resume()
    application.save()
    record_step(application, actor, "resume", before, application.state, {"reason": reason})
    audit_record(actor=actor, action="update", obj=application,
                 detail={"action": "resume", "from": before, "to": application.state,
                         "reason": reason})
    return application


# --- the transition tables -----------------------------------------------------------------
#
# A review task: open → done (``run``; ``close_with_case`` when its case is stopped). A
# tip-off: open → closed (``close``), with the actions on the way that keep it open. Each
# row names its permission (``supervision/rules.py``), its input and its documents; the
# rows without a permission are taken only by another action.


def _follow(workflow: Workflow, obj: Any, name: str) -> None:
    """Move ``obj`` by the row ``name`` of ``workflow`` (a consequence of another action)."""
    row = workflow.action(name)
    if not row.allowed_in(workflow.state_of(obj)):
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("当前状态不能“%(label)s”") % {"label": _(row.label)})
    workflow.move(obj, row, row.possible_targets()[0])


def _lock_application(ctx: WorkflowContext) -> None:
    """The case, locked after the task or tip-off (the order every action takes)."""
    application = _lock_case(ctx.obj.application_id)
    ctx.options["application"] = application
    if isinstance(ctx.obj, TipOff):
        ctx.obj.application = application


def _case_of(ctx: WorkflowContext) -> Application:
    """The case, locked by ``prepare`` when acting; as read when a page offers buttons."""
    return ctx.options.get("application") or ctx.obj.application


def _case_paid(ctx: WorkflowContext) -> None:
    application = _case_of(ctx)
    if application.state not in PAID_STATES:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("案件状态为“%(state)s”，不能复核") % {"state": application.get_state_display()})


def _case_in_payment(ctx: WorkflowContext) -> None:
    application = _case_of(ctx)
    if application.state != State.IN_PAYMENT:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED,
                           _("案件状态为“%(state)s”，不能暂停发放") % {"state": application.get_state_display()})


def _statement_issued(ctx: WorkflowContext) -> None:
    _require_statement_notice(_case_of(ctx), "责令退还")


def _closure_allowed(ctx: WorkflowContext) -> None:
    application, decision = ctx.options["application"], ctx.data["decision"]
    if decision == Closure.RESUME and application.state != State.SUSPENDED:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("案件未暂停发放，无需恢复"))
    if decision == Closure.STOP:
        if application.state not in PAID_STATES:
            raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("案件不在保，不能停发"))
        _require_statement_notice(application, "停发")


def _issue_documents(ctx: WorkflowContext, codes: tuple[str, ...]) -> None:
    """The row's documents, reserved in the action's transaction (rendered after commit),
    worded from the context its handler left in ``ctx.options["document"]``."""
    issue_documents(ctx.options["application"], ctx.actor, list(codes),
                    **ctx.options.get("document", {}))


def _interview(ctx: WorkflowContext) -> None:
    tip_off, d = ctx.obj, ctx.data
    _event(tip_off, ctx.actor, TipOffAction.INTERVIEW, "D20",
           {"reason": d["reason"], "scheduled_at": d["scheduled_at"], "place": d["place"]})
    ctx.options["document"] = {"interview": {
        "reason": d["reason"], "scheduled_at": d["scheduled_at"], "place": d["place"]}}
    audit_record(actor=ctx.actor, action="update", obj=tip_off, detail={"action": "interview"})


def _suspend(ctx: WorkflowContext) -> None:
    tip_off, actor, today, application = ctx.obj, ctx.actor, ctx.today, ctx.options["application"]
    reasons = ctx.data["reasons"]
    before = application.state
    application.suspend()
    application.save()
    record_step(application, actor, "suspend", before, application.state,
                {"tip_off": tip_off.pk, "reasons": reasons})
    _event(tip_off, actor, TipOffAction.SUSPEND, "D22", {"reasons": reasons})
    ctx.options["document"] = {
        "start_month": _iso_month(_next_month(today)), "reasons": [reasons], "suspension": {
            "requirements": ctx.data.get("requirements") or "请于限期内到乡镇（街道）说明情况并提供相关材料",
            "respond_by": (ctx.data.get("respond_by") or today + timedelta(days=15)).isoformat()}}
    audit_record(actor=actor, action="update", obj=application,
                 detail={"action": "suspend", "from": before, "to": application.state,
                         "tip_off": tip_off.pk})


def _statement(ctx: WorkflowContext) -> None:
    d = ctx.data
    ctx.options["document"] = _statement_notice(
        ctx.options["application"], ctx.actor, decision=d["decision"], facts=d["facts"],
        legal_basis=d.get("legal_basis", ""), respond_by=d.get("respond_by"), today=ctx.today,
        issue=False)
    _event(ctx.obj, ctx.actor, TipOffAction.STATEMENT, "D23", {"decision": d["decision"]})


def _recover(ctx: WorkflowContext) -> None:
    tip_off, application, today = ctx.obj, ctx.options["application"], ctx.today
    from_month, to_month = month_parse(ctx.data["from_month"]), month_parse(ctx.data["to_month"])
    amount = payments_in_period(application, from_month, to_month)
    if amount <= 0:
        raise _field_error("from_month", _("该期间没有发放记录"))
    tip_off.recovery_amount = amount
    _event(tip_off, ctx.actor, TipOffAction.RECOVER, "D21",
           {"from_month": from_month, "to_month": to_month, "amount": amount})
    ctx.options["document"] = {"reasons": [ctx.data["reasons"]], "recovery": {
        "period_from": _iso_month(from_month), "period_to": _iso_month(to_month),
        "amount": str(amount),
        "deadline": (ctx.data.get("deadline") or today + timedelta(days=30)).isoformat()}}
    audit_record(actor=ctx.actor, action="update", obj=tip_off,
                 detail={"action": "recover", "amount": str(amount)})


def _close(ctx: WorkflowContext) -> None:
    tip_off, actor, today = ctx.obj, ctx.actor, ctx.today
    application, d = ctx.options["application"], ctx.data
    decision, summary, findings = d["decision"], d["summary"], d.get("findings", "")
    if decision == Closure.RESUME:
        before = application.state
        application.resume()
        application.save()
        record_step(application, actor, "resume", before, application.state,
                    {"tip_off": tip_off.pk})
        audit_record(actor=actor, action="update", obj=application,
                     detail={"action": "resume", "from": before, "to": application.state})
    stopped: dict[str, Any] = {}
    if decision == Closure.STOP:  # D17 too (the row's documents of a stop)
        stopped = _stop(application, actor, reasons=findings or summary, today=today,
                        action="tipoff_stop", issue=False)
    tip_off.findings = findings or tip_off.findings
    tip_off.closure, tip_off.closed_on = decision, today
    _event(tip_off, actor, TipOffAction.CLOSE, "D24", {"decision": decision})
    # D19 again (a new version) now that the check has findings and a conclusion.
    ctx.options["document"] = {**stopped, "tipoff": {**_tipoff_context(tip_off),
                                          "conclusion": str(Closure(decision).label)},
                               "closure": {
        "source": f"{tip_off.get_source_display()}举报（{tip_off.received_on.isoformat()}）",
        "summary": summary, "findings": tip_off.findings,
        "decision": str(Closure(decision).label), "closed_on": today.isoformat(),
        "handler": _name(actor)}}
    audit_record(actor=actor, action="update", obj=tip_off,
                 detail={"action": "close", "decision": decision})


def _review_outcome(ctx: WorkflowContext) -> str:
    """How a review came out (the handler set it on the task)."""
    return str(ctx.obj.outcome)


def _closure_decision(ctx: WorkflowContext) -> str:
    return str(ctx.data["decision"])


REVIEW_WORKFLOW = Workflow(
    name="reviews", model=ReviewTask, states=TaskStatus.values, state_field="status",
    not_found="复核任务不存在", prepare=_lock_application, issue=_issue_documents,
    actions=[
        # D18 (复核表) always; D16 when the amount changes, D17 when the case stops
        Action("run", gettext_noop("复核"), source=(TaskStatus.OPEN,), target=TaskStatus.DONE,
               permission="supervision.run_review", requires=(_case_paid,), handler=_review,
               outcome=_review_outcome, documents={
                   Outcome.UNCHANGED: ("D18",), Outcome.INCREASE: ("D16", "D18"),
                   Outcome.DECREASE: ("D16", "D18"), Outcome.PHASE_OUT: ("D18",),
                   Outcome.STOP: ("D17", "D18")}),
        Action("close_with_case", gettext_noop("随案件停发结束"), source=(TaskStatus.OPEN,),
               target=TaskStatus.DONE),
    ],
)

TIPOFF_WORKFLOW = Workflow(
    name="tipoffs", model=TipOff, states=TipOffStatus.values, state_field="status",
    not_found="举报不存在", prepare=_lock_application, issue=_issue_documents,
    actions=[
        Action("interview", gettext_noop("约谈"), source=(TipOffStatus.OPEN,), target=None,
               permission="supervision.act_tipoff", schema=InterviewIn, documents=("D20",),
               handler=_interview),
        Action("suspend", gettext_noop("暂停发放"), source=(TipOffStatus.OPEN,), target=None,
               permission="supervision.act_tipoff", schema=SuspendIn, documents=("D22",),
               requires=(_case_in_payment,), handler=_suspend),
        Action("statement", gettext_noop("陈述申辩告知"), source=(TipOffStatus.OPEN,), target=None,
               permission="supervision.act_tipoff", schema=StatementIn, documents=("D23",),
               handler=_statement),
        Action("recover", gettext_noop("责令退还"), source=(TipOffStatus.OPEN,), target=None,
               permission="supervision.act_tipoff", schema=RecoveryIn, documents=("D21",),
               requires=(_statement_issued,), handler=_recover),
        # D19 again (with the findings) and D24; D17 too when the case is stopped
        Action("close", gettext_noop("结案"), source=(TipOffStatus.OPEN,), target=TipOffStatus.CLOSED,
               permission="supervision.act_tipoff", schema=CloseIn,
               outcome=_closure_decision, documents={
                   Closure.NONE: ("D19", "D24"), Closure.RESUME: ("D19", "D24"),
                   Closure.STOP: ("D17", "D19", "D24")},
               guards=(_closure_allowed,), handler=_close),
    ],
)
