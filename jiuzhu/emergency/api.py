"""The emergency API (``50-api.md``, "Added for emergency"): open a case, list the cases,
take a step of ``workflow.CASE_WORKFLOW``, and reserve a fund's money for a case. Mount the
router at "" (its paths are ``/emergencies…`` and ``/funds/{id}/commitments``, beside the
funds app's own ``/funds`` router)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.core.api_types import body_schema, json_body, refusals, validate_input
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.households.models import Household

from . import deadlines, services
from .choices import Level, Source
from .models import EmergencyCase
from .schemas import CaseIn, CaseListOut, CaseOut, CommitmentIn, CommitmentOut
from .selectors import cases


def _iso(moment: Any) -> str:
    """A moment in the local time zone (``2026-03-03T10:00:00+08:00``)."""
    return timezone.localtime(moment).isoformat()


def case_to_dict(case: EmergencyCase, now: Any = None) -> dict[str, Any]:
    return {
        "id": case.pk, "number": case.number, "level": case.level, "score": case.score,
        "critical": list(case.critical), "respond_by": _iso(case.respond_by),
        "explanation": case.explanation, "state": case.state,
        "alert": deadlines.alert(case, now), "household_id": case.household.household_id,
        "cause": case.cause, "opened_at": _iso(case.opened_at),
        "responded_at": _iso(case.responded_at) if case.responded_at else None,
        "response": case.response or None,
        "papers_due": case.papers_due.isoformat() if case.papers_due else None,
        "application_number": case.application.number if case.application is not None else None,
    }


def entry_to_dict(entry: Any) -> dict[str, Any]:
    from jiuzhu.rules.money import format_fen

    return {"id": entry.pk, "fund_id": entry.fund_id, "kind": entry.kind,
            "amount": format_fen(entry.amount_fen), "on": entry.on.isoformat(),
            "voucher": entry.voucher, "case_id": entry.case_id,
            "case_number": entry.case_number, "level": entry.level}


def _household(user: Any, ref: int | str) -> Household:
    qs = Household.objects.visible_to(user).select_related("region")
    household = None
    if isinstance(ref, int):
        household = qs.filter(pk=ref).first()
    elif ref:
        household = qs.filter(household_id=ref).first()
        if household is None and ref.isdigit():
            household = qs.filter(pk=int(ref)).first()
    if household is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"),
                           [{"path": "household_id", "message": _("家庭不存在或不在您的辖区")}])
    return household


def _source(user: Any, given: str) -> str:
    if given:
        return given
    role = getattr(user, "role", "")
    return role if role in (Source.GRID_WORKER, Source.VILLAGE_ASSISTANT) else Source.WINDOW


def _action_body() -> dict[str, Any]:
    from .workflow import USER_ACTIONS

    variants = []
    for action in USER_ACTIONS:
        if action.schema is None:
            continue
        schema = body_schema(action.schema)
        schema["title"] = f"{action.name}（{action.label}）"
        variants.append(schema)
    return {"requestBody": {"required": False, "content": {
        "application/json": {"schema": {"oneOf": variants}}}}}


def build_router() -> Router:
    """A new router with the emergency operations (a router can be mounted on one API only)."""
    router = Router(tags=["急难救助 emergencies"])

    @router.post("/emergencies", response={201: CaseOut, **refusals(400, 403, 404, 409, 422)},
                 summary="登记急难个案 Open an emergency case")
    def open_case(request, payload: CaseIn):
        """Body `{"household_id", "cause", "occurred_on", "narrative", "checklist": ["E04", …],
        "sudden_expense": "0.00"}` → 201 `{"id", "level", "score", "critical", "respond_by",
        "explanation", …}`. E07 and E09 are computed: sending them is 422 naming `checklist`."""
        household = _household(request.auth, payload.household_id)
        expense = services.parse_fen(payload.sudden_expense, "sudden_expense", allow_zero=True)
        case = services.open_case(
            actor=request.auth, household=household, source=_source(request.auth, payload.source),
            cause=payload.cause, occurred_on=payload.occurred_on, narrative=payload.narrative,
            checklist=payload.checklist, sudden_expense_fen=expense)
        return Status(201, case_to_dict(case))

    @router.get("/emergencies", response={200: CaseListOut, **refusals(403, 422)},
                summary="急难个案列表 List emergency cases")
    def list_cases(request, level: str = ""):
        """`{"count", "items": [case + "state", "alert"]}`, newest first; `?level=red|yellow|blue|green`."""
        if level and level not in Level.values:
            raise ServiceError(ErrorCode.VALIDATION, _("响应等级应为 red、yellow、blue 或 green"),
                               [{"path": "level", "message": _("取值不在允许范围内")}])
        if not request.auth.has_perm("emergency.view_list"):
            raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能查看急难个案"))
        rows = list(cases(request.auth, level=level).order_by("-opened_at", "-id"))
        now = timezone.now()
        return {"count": len(rows), "items": [case_to_dict(c, now) for c in rows]}

    @router.post("/emergencies/{int:case_id}/actions/{action}",
                 response={200: CaseOut, **refusals(400, 403, 404, 409, 422)},
                 openapi_extra=_action_body(), summary="办理动作 Take a step")
    def act(request, case_id: int, action: str):
        """200 the case; 404 outside the user's region or for an unknown action; 403 for a
        role that may not; 409 `step_not_allowed` in a state that does not allow it (or the
        once-a-year rule, naming the first help), `insufficient_funds` with `available`;
        422 naming the wrong fields."""
        from .workflow import USER_ACTIONS

        if action not in {a.name for a in USER_ACTIONS}:
            raise ServiceError(ErrorCode.NOT_FOUND, _("没有这个动作：%(name)s") % {"name": action})
        data = loads_exact(request.body or b"{}")
        if not isinstance(data, dict):
            raise ServiceError(ErrorCode.VALIDATION, _("请求内容应为 JSON 对象"),
                               [{"path": "", "message": _("应为对象")}])
        case = services.case_act(actor=request.auth, case=case_id, action=action, data=data)
        return case_to_dict(case)

    @router.post("/funds/{int:fund_id}/commitments",
                 response={201: CommitmentOut, **refusals(400, 403, 404, 409, 422)},
                 openapi_extra=json_body(CommitmentIn),
                 summary="为急难个案预留资金 Reserve money for a case")
    def commit(request, fund_id: int):
        """Body `{"emergency_id", "amount"}` → 201 the commitment entry; above the fund's
        available amount: 409 `insufficient_funds` with `"available"`, nothing written. A
        fund the user does not see is 404 before the body is looked at."""
        from jiuzhu.core.access import get_visible
        from jiuzhu.funds.models import Fund

        get_visible(Fund, request.auth, message=_("基金不存在"), pk=fund_id)
        payload = validate_input(CommitmentIn, loads_exact(request.body or b"{}"))
        entry = services.commit_for_case(actor=request.auth, fund_id=fund_id,
                                         case_id=payload.emergency_id, amount=payload.amount)
        return Status(201, entry_to_dict(entry))

    return router


router = build_router()
