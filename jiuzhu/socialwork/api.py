"""The socialwork API (routes with their full paths under /api/v1): list and open cases,
read one, take an action of the transition table. 404 for a case the user may not see
(another worker's, another region's), 403 for a role, 409 for a state, 422 naming fields."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact

from . import services
from .models import SocialCase
from .schemas import CaseOpenIn, SocialCaseListOut, SocialCaseOut
from .selectors import case_get, cases_visible_to
from .workflow import CASE_WORKFLOW

router = Router(tags=["社工介入 socialwork"])

API_LIMIT = 200


def case_to_dict(case: SocialCase, *, user: Any) -> dict[str, Any]:
    """A case as anyone who may see it reads it: never an income, an ID number or a link
    to the household."""
    today = timezone.localdate()
    worker = case.social_worker
    return {
        "id": case.pk, "number": case.number, "phase": case.phase,
        "phase_label": case.get_phase_display(), "trigger": case.trigger,
        "trigger_label": case.get_trigger_display(), "state": case.state,
        "state_label": case.get_state_display(), "contact_name": case.contact_name,
        "village": case.region.name, "address": case.address, "phone": case.phone,
        "summary": case.summary, "organisation": case.organisation.name,
        "social_worker": worker.username if worker else None,
        "social_worker_name": (worker.full_name or worker.username) if worker else None,
        "emergency_case_id": case.emergency_case_id, "application_id": case.application_id,
        "lead_id": case.lead_id, "opened_at": case.opened_at, "closed_at": case.closed_at,
        "closing_note": case.closing_note,
        "next_visit_due": getattr(case, "next_visit_due", None),
        "alert": case.current_alert(today),
        "needs": [{"id": n.pk, "kind": n.kind, "kind_label": n.get_kind_display(),
                   "description": n.description,
                   "goals": [{"id": g.pk, "text": g.text, "target_date": g.target_date,
                              "outcome": g.outcome or None} for g in n.goals.all()]}
                  for n in case.needs.all()],
        "visits": [{"id": v.pk, "due_on": v.due_on, "done_on": v.done_on,
                    "kind": v.kind or None, "notes": v.notes, "alert": v.alert(today),
                    "photos": v.photos.count()} for v in case.visits.all()],
        "referrals": [{"id": r.pk, "target": r.target, "name": r.name,
                       "xingfu_need_id": r.xingfu_need_id, "note": r.note,
                       "referred_at": r.referred_at} for r in case.referrals.all()],
        "actions": [a.name for a in CASE_WORKFLOW.available(user, case, today=today)],
    }


def _may_list(user: Any) -> None:
    if not (user.has_perm("socialwork.view_list") or user.has_perm("socialwork.view_mine")):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能查看社工个案"))


def _photos(raw: Any) -> list[tuple[str, bytes]]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        raise ServiceError(ErrorCode.VALIDATION, _("照片格式有误"),
                           [{"path": "photos", "message": _("应为 {name, content_base64} 的列表")}])
    out = []
    for index, item in enumerate(raw):
        try:
            out.append((str(item.get("name") or "photo"),
                        base64.b64decode(str(item["content_base64"]), validate=True)))
        except (AttributeError, KeyError, binascii.Error, ValueError):
            raise ServiceError(ErrorCode.VALIDATION, _("照片格式有误"), [{
                "path": f"photos[{index}].content_base64", "message": _("应为 base64")}]) from None
    return out


@router.get("/socialwork/cases", response={200: SocialCaseListOut, **refusals(403)},
            summary="社工个案 Cases (staff: their region's; a social worker: their own)")
def list_cases(request, phase: str = "", state: str = "", alert: str = ""):
    """Filters: `phase` (before, during, after), `state` (open, closed), `alert` (red,
    yellow, none). At most 200, the most urgent first."""
    user = request.auth
    _may_list(user)
    qs = cases_visible_to(user).with_alert()
    if phase:
        qs = qs.filter(phase=phase)
    if state:
        qs = qs.filter(state=state)
    if alert:
        qs = qs.filter(**{"alert": alert})
    qs = qs.prefetch_related("needs__goals", "visits__photos", "referrals")
    cases = [c for c in qs.order_by("alert_rank", "next_visit_due", "-opened_at")[:API_LIMIT]
             if user.has_perm("socialwork.view_case", c)]
    return {"count": len(cases), "results": [case_to_dict(c, user=user) for c in cases]}


@router.post("/socialwork/cases", response={201: SocialCaseOut, **refusals(400, 403, 409, 422)},
             summary="开社工个案 Open a case")
def open_case(request, payload: CaseOpenIn):
    """Body: `household_id`, `phase` (before, during, after), `trigger` (circle, hardship,
    lead; emergency with `emergency_case_id`, application with `application_id`), optional
    `social_worker` (username; default the county's social-work organisation's),
    `summary`. → 201 the case."""
    from jiuzhu.accounts.models import User
    from jiuzhu.applications.models import Application
    from jiuzhu.emergency.models import EmergencyCase
    from jiuzhu.leads.models import Lead

    user = request.auth
    if not user.has_perm("socialwork.open_case"):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能开社工个案"))

    def pick(model: Any, pk: int | None, path: str) -> Any:
        if pk is None:
            return None
        row = model.objects.visible_to(user).filter(pk=pk).first()
        if row is None:
            message = _("不存在或不在您的辖区")
            raise ServiceError(ErrorCode.VALIDATION, message, [{"path": path, "message": message}])
        return row

    worker = None
    if payload.social_worker:
        worker = User.objects.filter(username=payload.social_worker, role="social_worker",
                                     is_active=True).select_related("organisation").first()
        if worker is None:
            message = _("没有这位社工")
            raise ServiceError(ErrorCode.VALIDATION, message,
                               [{"path": "social_worker", "message": message}])
    case = services.case_open(
        actor=user, household=payload.household_id, phase=payload.phase,
        trigger=payload.trigger,
        emergency_case=pick(EmergencyCase, payload.emergency_case_id, "emergency_case_id"),
        application=pick(Application, payload.application_id, "application_id"),
        lead=pick(Lead, payload.lead_id, "lead_id"), social_worker=worker,
        summary=payload.summary)
    return Status(201, case_to_dict(case_get(user=user, pk=case.pk), user=user))


@router.get("/socialwork/cases/{int:case_id}", response={200: SocialCaseOut, **refusals(404)},
            summary="社工个案详情")
def get_case(request, case_id: int):
    case = case_get(user=request.auth, pk=case_id)
    audit_read(request, case, via="api")
    return case_to_dict(case, user=request.auth)


@router.post("/socialwork/cases/{int:case_id}/actions/{action}",
             response={200: SocialCaseOut, **refusals(400, 403, 404, 409, 422)},
             openapi_extra=CASE_WORKFLOW.openapi_body(),
             summary="办理动作 Take an action (assign, plan, record_visit, refer, close)")
def act(request, case_id: int, action: str):
    """Bodies: assign `{social_worker}`; plan `{needs: [{kind, description, goals: [{text,
    target_date}]}], summary}`; record_visit `{done_on, kind, notes, visit_id?,
    next_due_on?, photos?: [{name, content_base64}]}`; refer `{target, name,
    xingfu_need_id?, note}`; close `{outcomes: {goal_id: achieved|partly|not}, note}`.
    404 for a case not visible or an unknown action; 403 for a role; 409 in a closed case;
    422 naming fields (`outcomes.<goal id>` for a goal without outcome)."""
    user = request.auth
    data = loads_exact(request.body or b"{}")
    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, _("请求内容应为 JSON 对象"),
                           [{"path": "", "message": _("应为对象")}])
    CASE_WORKFLOW.action(action)
    photos = _photos(data.pop("photos", None))
    services.case_act(actor=user, case=case_id, action=action, data=data, photos=photos)
    return case_to_dict(case_get(user=user, pk=case_id), user=user)
