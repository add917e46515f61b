"""/api/v1/reviews and /api/v1/tipoffs — reviews (动态管理) and tip-offs (举报核查) over HTTP,
with the pages' visibility and permissions: reads go through the selectors (another
township's task or tip-off is 404, like a missing one), the pages' roles apply (403), and
every action calls the service the page calls."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import iso, json_body, refusals, validate_input
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.documents.selectors import documents_for
from jiuzhu.households.api import household_by_ref

from . import services
from .models import ReviewTask, TipOff
from .schemas import (
    ReviewTaskList,
    ReviewTaskOut,
    StatementIn,
    TipOffIn,
    TipOffOut,
    TipOffRows,
)
from .selectors import review_task_get, review_tasks_open, tipoff_get, tipoffs_visible_to

router = Router(tags=["动态管理与监管 reviews and tip-offs"])

READ_REVIEWS = "supervision.view_reviews"
READ_TIPOFFS = "supervision.view_tipoffs"


def _require(user: Any, permission: str) -> None:
    """The pages' predicates (``supervision/rules.py``)."""
    if not user.has_perm(permission):
        raise ServiceError(ErrorCode.FORBIDDEN, _("您的岗位不能办理此事项"))


def _money(value: Any) -> str | None:
    return f"{value:.2f}" if value is not None else None


def _name(user: Any) -> str | None:
    return (user.full_name or user.username) if user is not None else None


def _case(application: Any) -> dict[str, Any]:
    return {"id": application.pk, "number": application.number,
            "item_code": application.item_code, "state": application.state,
            "household_id": application.household.household_id,
            "head_name": application.household.head_name,
            "approved_amount": _money(application.approved_amount)}


def _documents(application: Any) -> list[dict[str, Any]]:
    return [{"code": d.code, "version": d.version, "number": d.number, "title": d.title,
             "url": reverse("api:application_document", args=[application.pk, d.code])
             + f"?version={d.version}"} for d in documents_for(application)]


def review_to_dict(task: ReviewTask, *, documents: bool = True) -> dict[str, Any]:
    return {
        "id": task.pk, "application": _case(task.application), "review_class": task.review_class,
        "due_on": iso(task.due_on), "overdue": task.status == "open" and task.due_on < timezone.localdate(),
        "status": task.status, "outcome": task.outcome or None,
        "amount_before": _money(task.amount_before), "amount_after": _money(task.amount_after),
        "note": task.note, "done_at": iso(task.done_at), "done_by": _name(task.done_by),
        "documents": _documents(task.application) if documents else [],
    }


def tipoff_to_dict(tip_off: TipOff) -> dict[str, Any]:
    return {
        "id": tip_off.pk, "application": _case(tip_off.application), "source": tip_off.source,
        "content": tip_off.content, "received_on": iso(tip_off.received_on),
        "status": tip_off.status, "findings": tip_off.findings,
        "recovery_amount": _money(tip_off.recovery_amount), "closure": tip_off.closure or None,
        "closed_on": iso(tip_off.closed_on),
        "events": [{"action": e.action, "document_code": e.document_code,
                    "data": {k: str(v) for k, v in e.data.items()}, "at": iso(e.at),
                    "actor": e.actor_name} for e in tip_off.events.all()],
        "documents": _documents(tip_off.application),
    }


# --- reviews ---------------------------------------------------------------------------------

@router.get("/reviews", response={200: ReviewTaskList, **refusals(403)},
            summary="复核任务 Open reviews")
def list_reviews(request):
    """The open reviews of the user's region, the most overdue first (documents not listed)."""
    _require(request.auth, READ_REVIEWS)
    tasks = list(review_tasks_open(user=request.auth)[:500])
    return {"count": len(tasks), "items": [review_to_dict(t, documents=False) for t in tasks]}


@router.get("/reviews/{int:task_id}", response={200: ReviewTaskOut, **refusals(403, 404)},
            summary="复核任务 A review")
def get_review(request, task_id: int):
    task = review_task_get(user=request.auth, pk=task_id)
    _require(request.auth, READ_REVIEWS)
    audit_read(request, task.application, via="api", review=task.pk)
    return review_to_dict(task)


@router.post("/reviews/{int:task_id}/run",
             response={200: ReviewTaskOut, **refusals(403, 404, 409)},
             summary="复核 Run a review and record its outcome")
def run_review(request, task_id: int):
    """Assess the household again and act on the result: kept, increased or decreased
    (D16), phase-out, or stop (D17; after a veto only once D23 was issued) — D18 always."""
    task = review_task_get(user=request.auth, pk=task_id)
    services.review_run(actor=request.auth, task=task)
    return review_to_dict(review_task_get(user=request.auth, pk=task_id))


@router.post("/reviews/{int:task_id}/statement",
             response={200: ReviewTaskOut, **refusals(400, 403, 404, 409, 422)},
             openapi_extra=json_body(StatementIn),
             summary="陈述申辩告知 Statement-and-defence notice (D23) before a stop")
def review_statement(request, task_id: int):
    task = review_task_get(user=request.auth, pk=task_id)  # 404 before the body's 422
    payload = validate_input(StatementIn, loads_exact(request.body or b"{}"))
    services.application_statement_notice(actor=request.auth, application=task.application,
                                          **payload.dict())
    return review_to_dict(review_task_get(user=request.auth, pk=task_id))


# --- tip-offs --------------------------------------------------------------------------------

def _tipoff(request: Any, pk: int) -> TipOff:
    tip_off = tipoff_get(user=request.auth, pk=pk)
    _require(request.auth, READ_TIPOFFS)
    return tip_off


@router.get("/tipoffs", response={200: TipOffRows, **refusals(403)}, summary="举报列表 Tip-offs")
def list_tipoffs(request):
    _require(request.auth, READ_TIPOFFS)
    rows = list(tipoffs_visible_to(request.auth).select_related("application__household")[:200])
    return {"count": len(rows), "items": [
        {"id": t.pk, "application": _case(t.application), "source": t.source,
         "received_on": iso(t.received_on), "status": t.status, "closure": t.closure or None,
         "closed_on": iso(t.closed_on)} for t in rows]}


@router.post("/tipoffs", response={201: TipOffOut, **refusals(400, 403, 404, 422)},
             summary="登记举报 Record a tip-off (issues D19)")
def create_tipoff(request, payload: TipOffIn):
    _require(request.auth, READ_TIPOFFS)
    household = household_by_ref(request.auth, payload.household_id.strip())
    tip_off = services.tipoff_record(actor=request.auth, household=household,
                                     source=str(payload.source), content=payload.content,
                                     received_on=payload.received_on)
    return Status(201, tipoff_to_dict(tipoff_get(user=request.auth, pk=tip_off.pk)))


@router.get("/tipoffs/{int:tipoff_id}", response={200: TipOffOut, **refusals(403, 404)},
            summary="举报核查 A tip-off")
def get_tipoff(request, tipoff_id: int):
    tip_off = _tipoff(request, tipoff_id)
    audit_read(request, tip_off, via="api")
    return tipoff_to_dict(tip_off)


def _tipoff_bodies() -> dict[str, Any]:
    extra = services.TIPOFF_WORKFLOW.openapi_body()
    del extra["requestBody"]["content"]["multipart/form-data"]
    return extra


@router.post("/tipoffs/{int:tipoff_id}/actions/{action}",
             response={200: TipOffOut, **refusals(400, 403, 404, 409, 422)},
             openapi_extra=_tipoff_bodies(),
             summary="核查处理 Take an action on a tip-off")
def act_tipoff(request, tipoff_id: int, action: str):
    """The rows of the tip-off's transition table (``supervision.services.TIPOFF_WORKFLOW``):
    `interview` (D20), `suspend` (D22), `statement` (D23), `recover` (D21, needs D23),
    `close` (D24; decision none | resume | stop, a stop needs D23). 409 once closed."""
    tip_off = _tipoff(request, tipoff_id)
    services.TIPOFF_WORKFLOW.perform(actor=request.auth, obj=tip_off, action=action,
                                     data=loads_exact(request.body or b"{}"))
    return tipoff_to_dict(tipoff_get(user=request.auth, pk=tipoff_id))
