"""The transition table of a confirmation (资格认证):

due ─submit→ confirmed | change_declared ─accept/review→ reviewed
     (confirmed / change_declared ─return→ returned ─submit→ …)
due / returned ─assign_visit→ visit_assigned ─suspend→ suspended ─submit→ …
any unfinished ─cancel→ cancelled (the case is no longer paid)

``submit`` is the resident's (checked by the query code and the last 4 ID characters, taken
as the system actor); ``assign_visit``, ``suspend`` and ``cancel`` are the daily step's; the
others the township's (``rules.py``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import Field

from jiuzhu.audit.services import audit_record
from jiuzhu.core.workflow import Action, Workflow
from jiuzhu.core.workflow import Context as WorkflowContext

from .choices import OPEN_STATES, ReviewDecision, State
from .models import Confirmation


class ReviewIn(Schema):
    decision: ReviewDecision = Field(title="审核结论")
    note: str = Field("", max_length=500, title="审核意见")


class ReturnIn(Schema):
    reason: str = Field(min_length=1, max_length=500, title="退回理由")


def _target_of_submit(ctx: WorkflowContext) -> str:
    obj: Confirmation = ctx.obj
    return State.CHANGE_DECLARED if obj.declared_changes else State.CONFIRMED


def _record(ctx: WorkflowContext) -> None:
    """The audit event of every step (the resident's as 'resident')."""
    detail: dict[str, Any] = {"action": ctx.action.name, "from": ctx.before, "to": ctx.target,
                              "confirmation": ctx.obj.number}
    detail.update(ctx.options.get("detail", {}))
    audit_record(actor=ctx.actor, action="update", obj=ctx.obj, detail=detail,
                 actor_name=ctx.options.get("actor_name", ""))


def _handler(name: str) -> Any:
    """The handlers live in ``services`` (they call leads and supervision)."""
    def run(ctx: WorkflowContext) -> None:
        from . import services

        getattr(services, name)(ctx)
    run.__name__ = name
    return run


WORKFLOW = Workflow(
    name="recertify", model=Confirmation, states=State.values, not_found=gettext_noop("资格认证记录不存在"),
    record=_record, select_related=("application", "household"),
    actions=[
        Action("submit", gettext_noop("提交认证"), source=OPEN_STATES,
               target=_target_of_submit, targets=(State.CONFIRMED, State.CHANGE_DECLARED),
               permission="recertify.submit", handler=_handler("handle_submit")),
        Action("accept", gettext_noop("核验通过"), source=(State.CONFIRMED,),
               target=State.REVIEWED, permission="recertify.accept",
               handler=_handler("handle_accept"), extra={"style": "success"}),
        Action("review", gettext_noop("审核变化"), source=(State.CHANGE_DECLARED,),
               target=State.REVIEWED, permission="recertify.review", schema=ReviewIn,
               handler=_handler("handle_review"), extra={"style": "primary"}),
        Action("return", gettext_noop("退回重新认证"), source=(State.CONFIRMED, State.CHANGE_DECLARED),
               target=State.RETURNED, permission="recertify.return", schema=ReturnIn,
               handler=_handler("handle_return"), extra={"style": "outline-danger"}),
        Action("assign_visit", gettext_noop("逾期派走访"), source=(State.DUE, State.RETURNED),
               target=State.VISIT_ASSIGNED, permission="recertify.system",
               handler=_handler("handle_assign_visit")),
        Action("suspend", gettext_noop("逾期暂停发放"),
               source=(State.DUE, State.RETURNED, State.VISIT_ASSIGNED),
               target=State.SUSPENDED, permission="recertify.system",
               handler=_handler("handle_suspend")),
        Action("cancel", gettext_noop("随案件结束"),
               source=(*OPEN_STATES, State.CONFIRMED, State.CHANGE_DECLARED),
               target=State.CANCELLED, permission="recertify.system"),
    ],
)
