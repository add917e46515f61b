"""The transition table of a county-entered parameter set (政策参数调整流程表): the person who
entered it submits it; a county approver — never the same person (四眼原则) — approves it,
and it takes effect in the engine (after commit in this process, within seconds in the
others), or returns it with a reason, to be changed and submitted again."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Schema

from jiuzhu.audit.services import audit_record
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.workflow import Action, Context, Workflow

from . import overlays
from .choices import DraftState
from .models import ParameterSetDraft
from .services import check_values, value_of


class ReturnIn(Schema):
    reason: str = Field(min_length=1, max_length=500, title="退回原因")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _still_valid(ctx: Context) -> None:
    """The values are checked again against what is in force now (another set may have
    been approved since): the same checks as when entered; what no longer changes
    anything is dropped, and what was in force is recorded again for the diff."""
    draft: ParameterSetDraft = ctx.obj
    county = draft.region.code
    proposed = {name: value_of(county, name, draft.effective_on, v)
                for name, v in draft.values.items()}
    checked = check_values(county, draft.effective_on, proposed)
    draft.values, draft.base = checked.values, checked.base


def _submit(ctx: Context) -> None:
    _still_valid(ctx)
    ctx.obj.submitted_at = timezone.now()


def _approve(ctx: Context) -> None:
    _still_valid(ctx)
    draft: ParameterSetDraft = ctx.obj
    draft.decided_by, draft.decided_at = _user(ctx.actor), timezone.now()


def _return(ctx: Context) -> None:
    draft: ParameterSetDraft = ctx.obj
    draft.decided_by, draft.decided_at = _user(ctx.actor), timezone.now()
    draft.return_reason = ctx.data["reason"].strip()


def duties(user: Any, obj: Any, action: str) -> str:
    """四眼原则: whoever entered a set neither approves nor returns it."""
    if action in ("approve", "return") and obj.entered_by_id and obj.entered_by_id == getattr(
            user, "pk", None):
        return _("四眼原则：参数调整须由录入人以外的另一人审批，录入人不能审批或退回自己录入的参数")
    return ""


def _record(ctx: Context) -> None:
    draft: ParameterSetDraft = ctx.obj
    audit_record(actor=ctx.actor, action="update", obj=draft, detail={
        "parameter_set": draft.pk, "action": ctx.action.name, "from": ctx.before,
        "to": ctx.target, "date": draft.effective_on.isoformat(),
        "names": ",".join(sorted(draft.values)), "reason": draft.return_reason or None})


def _after(ctx: Context) -> None:
    if ctx.target == DraftState.APPROVED:
        overlays.install_after_commit()


def _none_changed_is_409(ctx: Context) -> None:
    if not ctx.obj.values:
        raise ServiceError(ErrorCode.STEP_NOT_ALLOWED, _("这项参数调整没有任何取值"))


WORKFLOW = Workflow(
    name="policy", model=ParameterSetDraft, states=DraftState.values,
    not_found=gettext_noop("参数调整不存在"), select_related=("region",),
    actions=[
        Action("submit", gettext_noop("提交审批"), source=(DraftState.DRAFT, DraftState.RETURNED),
               target=DraftState.SUBMITTED, permission="policy.submit",
               requires=(_none_changed_is_409,), handler=_submit),
        Action("approve", gettext_noop("批准生效"), source=(DraftState.SUBMITTED,),
               target=DraftState.APPROVED, permission="policy.approve", handler=_approve,
               extra={"style": "danger"}),
        Action("return", gettext_noop("退回"), source=(DraftState.SUBMITTED,),
               target=DraftState.RETURNED, permission="policy.return", schema=ReturnIn,
               handler=_return, extra={"style": "outline-secondary"}),
    ],
    record=_record, after=_after, duties=duties,
)
