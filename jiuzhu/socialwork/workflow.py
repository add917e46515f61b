"""The transition table of a social-worker case (社工个案办理流程表): assign, plan, record a
visit, refer, close. Everything is taken on an open case; closing needs an outcome for
every goal of the plan."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Schema

from jiuzhu.applications.attachments import sniff
from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.workflow import Action, Context, Workflow

from .choices import CaseState, GoalOutcome, NeedKind, ReferralTarget, VisitKind
from .models import CaseNeed, CaseReferral, CaseStep, Goal, SocialCase, Visit, VisitPhoto

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024


class AssignIn(Schema):
    social_worker: str = Field(min_length=1, title="社工")


class GoalIn(Schema):
    text: str = Field(min_length=1, max_length=200, title="服务目标")
    target_date: date | None = Field(None, title="目标日期")


class NeedIn(Schema):
    kind: NeedKind = Field(title="需求类别")
    description: str = Field("", title="需求说明")
    goals: list[GoalIn] = Field(default_factory=list, title="服务目标")


class PlanIn(Schema):
    needs: list[NeedIn] = Field(min_length=1, title="需求")
    summary: str | None = Field(None, title="需求概述")


class VisitIn(Schema):
    done_on: date = Field(title="回访日期")
    kind: VisitKind = Field(title="方式")
    notes: str = Field(min_length=1, title="回访记录")
    visit_id: int | None = Field(None, title="计划回访")
    next_due_on: date | None = Field(None, title="下次回访日期")


class ReferIn(Schema):
    target: ReferralTarget = Field(title="转介去向")
    name: str = Field(min_length=1, max_length=100, title="转介对象")
    xingfu_need_id: int | None = Field(None, title="幸福云需求")
    note: str = Field("", title="转介说明")


class CloseIn(Schema):
    outcomes: dict[str, GoalOutcome] = Field(default_factory=dict, title="目标达成情况")
    note: str = Field(min_length=1, title="结案说明")


def _refuse(errors: list[dict[str, str]], message: str) -> None:
    if errors:
        raise ServiceError(ErrorCode.VALIDATION, message, errors)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _assign(ctx: Context) -> None:
    from jiuzhu.accounts.models import User

    case: SocialCase = ctx.obj
    worker = (User.objects.filter(username=ctx.data["social_worker"], role="social_worker",
                                  is_active=True, organisation__isnull=False)
              .select_related("organisation").first())
    if worker is None:
        message = _("没有这位社工")
        raise ServiceError(ErrorCode.VALIDATION, message,
                           [{"path": "social_worker", "message": message}])
    assert worker.organisation is not None
    case.social_worker, case.organisation = worker, worker.organisation
    ctx.options.setdefault("detail", {})["social_worker"] = worker.username


def _plan(ctx: Context) -> None:
    case: SocialCase = ctx.obj
    if ctx.data.get("summary") is not None:
        case.summary = ctx.data["summary"]
    for need in ctx.input.needs:
        row = CaseNeed.objects.create(case=case, kind=need.kind, description=need.description)
        for goal in need.goals:
            Goal.objects.create(need=row, text=goal.text, target_date=goal.target_date)
    ctx.options.setdefault("detail", {})["needs"] = len(ctx.input.needs)


def _photos(photos: list[tuple[str, bytes]]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    errors, kept = [], []
    if len(photos) > MAX_PHOTOS:
        errors.append({"path": "photos", "message": _("最多上传 %(n)s 张照片") % {"n": MAX_PHOTOS}})
    for name, content in photos[:MAX_PHOTOS]:
        kind = sniff(content[:16]) if content else None
        if kind is None or not kind[0].startswith("image/"):
            errors.append({"path": "photos", "message": _("%(name)s：只接受 JPEG 或 PNG 照片（按内容识别）") % {"name": name}})
        elif len(content) > MAX_PHOTO_BYTES:
            errors.append({"path": "photos", "message": _("%(name)s：照片不能超过 10 MB") % {"name": name}})
        else:
            kept.append({"name": name, "content": content, "type": kind[0], "ext": kind[1]})
    return kept, errors


def _record_visit(ctx: Context) -> None:
    case: SocialCase = ctx.obj
    data = ctx.input
    errors: list[dict[str, str]] = []
    if data.done_on > ctx.today:
        errors.append({"path": "done_on", "message": _("回访日期不能晚于今天")})
    if data.next_due_on is not None and data.next_due_on <= data.done_on:
        errors.append({"path": "next_due_on", "message": _("下次回访日期应晚于本次回访日期")})
    visit = None
    if data.visit_id is not None:
        visit = case.visits.filter(pk=data.visit_id, done_on__isnull=True).first()
        if visit is None:
            errors.append({"path": "visit_id", "message": _("本个案没有这次待回访")})
    kept, photo_errors = _photos(ctx.options.get("photos") or [])
    _refuse(errors + photo_errors, _("回访记录有误，请按提示修改"))
    if visit is None:
        # the earliest planned visit is the one done, else a visit not planned
        visit = case.visits.filter(done_on__isnull=True).order_by("due_on", "id").first() \
            or Visit(case=case)
    visit.done_on, visit.kind, visit.notes = data.done_on, data.kind, data.notes
    visit.recorded_by = _user(ctx.actor)
    visit.save()
    for photo in kept:
        digest = hashlib.sha256(photo["content"]).hexdigest()
        row = VisitPhoto(visit=visit, content_type=photo["type"], size=len(photo["content"]),
                         sha256=digest, original_name=photo["name"][:200])
        row.file.save(f"{digest[:16]}.{photo['ext']}", ContentFile(photo["content"]), save=False)
        row.save()
    if data.next_due_on is not None:
        Visit.objects.create(case=case, due_on=data.next_due_on)
    ctx.options.setdefault("detail", {}).update(visit=visit.pk, done_on=data.done_on.isoformat(),
                                                photos=len(kept))


def _refer(ctx: Context) -> None:
    case: SocialCase = ctx.obj
    data = ctx.input
    need = None
    if data.xingfu_need_id is not None:
        from jiuzhu.xingfu.models import ServiceNeed

        need = ServiceNeed.objects.filter(pk=data.xingfu_need_id,
                                          household_id=case.household_id).first()
        if need is None:
            message = _("该家庭没有这条幸福云需求")
            raise ServiceError(ErrorCode.VALIDATION, message,
                               [{"path": "xingfu_need_id", "message": message}])
    referral = CaseReferral.objects.create(case=case, target=data.target, name=data.name,
                                           xingfu_need=need, note=data.note,
                                           referred_by=_user(ctx.actor))
    ctx.options.setdefault("detail", {}).update(referral=referral.pk, to=data.name)


def _goals_have_outcomes(ctx: Context) -> None:
    """Every goal of the plan has an outcome (given now or already recorded)."""
    case: SocialCase = ctx.obj
    given = ctx.data.get("outcomes") or {}
    missing = [g for g in Goal.objects.filter(need__case=case)
               if not g.outcome and str(g.pk) not in given]
    if missing and ctx.options.get("offering"):
        raise ServiceError(ErrorCode.VALIDATION, _("结案时须填写每个服务目标的达成情况"))
    if missing:
        raise ServiceError(ErrorCode.VALIDATION, _("请填写每个服务目标的达成情况"),
                           [{"path": f"outcomes.{g.pk}", "message": _("请填写“%(goal)s”的达成情况") % {"goal": g.text}}
                            for g in missing])


def _close(ctx: Context) -> None:
    case: SocialCase = ctx.obj
    given = ctx.data.get("outcomes") or {}
    goals = {str(g.pk): g for g in Goal.objects.filter(need__case=case)}
    unknown = [key for key in given if key not in goals]
    if unknown:
        raise ServiceError(ErrorCode.VALIDATION, _("本个案没有这个服务目标"),
                           [{"path": f"outcomes.{key}", "message": _("本个案没有这个服务目标")}
                            for key in unknown])
    for key, outcome in given.items():
        goals[key].outcome = outcome
        goals[key].save(update_fields=["outcome"])
    case.closing_note = ctx.data["note"]
    case.closed_at = timezone.now()


def _record(ctx: Context) -> None:
    case: SocialCase = ctx.obj
    detail = ctx.options.get("detail", {})
    CaseStep.objects.create(case=case, action=ctx.action.name,
                            data={"from": ctx.before, "to": ctx.target, **detail},
                            actor=_user(ctx.actor),
                            actor_name=getattr(ctx.actor, "full_name", "") or getattr(ctx.actor, "username", ""))
    audit_record(actor=ctx.actor, action="update", obj=case,
                 detail={"social_case": case.number, "action": ctx.action.name,
                         "from": ctx.before, "to": ctx.target,
                         **{k: v for k, v in detail.items() if isinstance(v, str | int | bool | None)}})


OPEN = (CaseState.OPEN.value,)

CASE_WORKFLOW = Workflow(
    name="socialwork", model=SocialCase, states=CaseState.values,
    not_found=gettext_noop("社工个案不存在"), record=_record,
    select_related=("organisation", "social_worker"),
    actions=[
        Action("assign", gettext_noop("指派社工"), source=OPEN, permission="socialwork.assign",
               schema=AssignIn, handler=_assign),
        Action("plan", gettext_noop("制定服务计划"), source=OPEN, permission="socialwork.plan",
               schema=PlanIn, handler=_plan),
        Action("record_visit", gettext_noop("记录回访"), source=OPEN,
               permission="socialwork.record_visit", schema=VisitIn, handler=_record_visit),
        Action("refer", gettext_noop("转介"), source=OPEN, permission="socialwork.refer",
               schema=ReferIn, handler=_refer),
        Action("close", gettext_noop("结案"), source=OPEN, target=CaseState.CLOSED.value,
               permission="socialwork.close", schema=CloseIn, requires=(),
               guards=(_goals_have_outcomes,), handler=_close),
    ],
)
