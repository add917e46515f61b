"""The leads API (mount at ``/api/v1/leads``): record, read and convert a lead, and record a
visit's outcome. Errors are the platform's: 422 naming the field (``outcome`` when a visit
has none), 409 for a step not possible in the state, 403 for a role, 404 outside the region."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError

from . import services
from .models import Lead, VisitTask
from .schemas import ConvertIn, LeadIn, LeadOut, VisitOutcomeIn
from .selectors import assignable_workers, lead_get, task_get


def task_to_dict(task: VisitTask) -> dict[str, Any]:
    return {
        "id": task.pk, "sequence": task.sequence, "status": task.status,
        "assignee": task.assignee.username, "started_on": task.started_on.isoformat(),
        "due_on": task.due_on.isoformat(), "limit_days": task.limit_days,
        "visited_on": task.visited_on.isoformat() if task.visited_on else None,
        "findings": task.findings, "outcome": task.outcome or None,
        "outcome_note": task.outcome_note, "referred_to": task.referred_to,
        "linked_number": task.linked_number,
        "latitude": str(task.latitude) if task.latitude is not None else None,
        "longitude": str(task.longitude) if task.longitude is not None else None,
        "household_id": task.household.household_id,
    }


def lead_to_dict(lead: Lead) -> dict[str, Any]:
    tasks = lead.tasks.select_related("assignee", "household").order_by("sequence", "id")
    return {
        "id": lead.pk, "number": lead.number, "source": lead.source, "status": lead.status,
        "reporter_name": lead.reporter_name, "reporter_phone": lead.reporter_phone,
        "station_id": lead.station_id, "station_name": lead.station_name,
        "person_name": lead.person_name,
        "id_number": lead.id_number, "phone": lead.phone, "address": lead.address,
        "region_code": lead.region.code, "description": lead.description,
        "urgency": lead.urgency,
        "household_id": lead.household.household_id if lead.household is not None else None,
        "outcome": lead.outcome or None, "outcome_note": lead.outcome_note,
        "created_at": lead.created_at.isoformat(),
        "closed_at": lead.closed_at.isoformat() if lead.closed_at else None,
        "tasks": [task_to_dict(t) for t in tasks],
    }


def outside_lead_dict(lead: Lead) -> dict[str, Any]:
    """A lead as an outside user (a station keeper) may read it: the ID number masked, no
    household, no visit task."""
    out = lead_to_dict(lead)
    value = out["id_number"]
    out.update(id_number=(f"{value[:3]}{'*' * (len(value) - 4)}{value[-1:]}" if len(value) > 4
                          else "*" * len(value)), household_id=None, tasks=[])
    return out


def build_router() -> Router:
    """A new router with the leads operations (a router can be mounted on one API only)."""
    router = Router(tags=["线索 leads"])

    @router.post("/leads", response={201: LeadOut, **refusals(400, 403, 422)},
                 summary="登记线索 Record a lead")
    def create_lead(request, payload: LeadIn):
        """Body: `source` (hotline, love_station, grid_worker, other), `person_name`,
        `region_code` (a village or grid), `description`; optional `reporter_name`,
        `reporter_phone`, `station_id` (a registered love station: the source becomes
        love_station; a station keeper's own station by default) or `station_name` (a station
        not registered yet; one of them required for love_station), `id_number` (checked),
        `phone`, `address`, `urgency` (normal, urgent, critical). → 201 the lead."""
        lead = services.lead_record(actor=request.auth, data=payload.dict())
        if getattr(request.auth, "is_outside", False):
            return Status(201, outside_lead_dict(lead))
        return Status(201, lead_to_dict(lead_get(user=request.auth, pk=lead.pk)))

    @router.get("/leads/{int:lead_id}", response={200: LeadOut, **refusals(404)},
                summary="线索详情")
    def get_lead(request, lead_id: int):
        lead = lead_get(user=request.auth, pk=lead_id)
        audit_read(request, lead, via="api")
        if getattr(request.auth, "is_outside", False):
            return outside_lead_dict(lead)
        return lead_to_dict(lead)

    @router.post("/leads/{int:lead_id}/convert",
                 response={200: LeadOut, **refusals(400, 403, 404, 409, 422)},
                 summary="转为家庭档案和走访任务 Convert a lead")
    def convert_lead(request, lead_id: int, payload: ConvertIn | None = None):
        """Body (all optional): `id_number`, `health`, `occupation`, `area_type` (needed
        only when no active household has the ID number), `assignee` (username; default:
        the grid's responsible worker). → 200 the lead with its visit task."""
        data = payload or ConvertIn()
        lead = lead_get(user=request.auth, pk=lead_id)
        assignee = None
        if data.assignee:
            assignee = assignable_workers(request.auth).filter(username=data.assignee).first()
            if assignee is None:
                raise ServiceError(ErrorCode.VALIDATION, _("走访人不存在或不在您的辖区"),
                                   [{"path": "assignee", "message": _("走访人不存在或不在您的辖区")}])
        services.lead_convert(actor=request.auth, lead=lead, assignee=assignee,
                              id_number=data.id_number, health=data.health,
                              occupation=data.occupation, area_type=data.area_type)
        return lead_to_dict(lead_get(user=request.auth, pk=lead_id))

    @router.post("/visits/{int:task_id}/outcome",
                 response={200: LeadOut, **refusals(400, 403, 404, 409, 422)},
                 summary="走访结果 Record a visit and its outcome")
    def visit_outcome(request, task_id: int, payload: VisitOutcomeIn):
        """Body: `outcome` (required: applied, already_assisted, not_eligible, unreachable,
        referred), `visited_on` (YYYY-MM-DD), `findings`; optional `outcome_note`,
        `referred_to` (required for referred), `linked_number`, `latitude`, `longitude`.
        → 200 the lead (closed, or with its next visit task after `unreachable`)."""
        task = task_get(user=request.auth, pk=task_id)
        services.visit_record(
            actor=request.auth, task=task, visited_on=payload.visited_on,
            latitude=payload.latitude, longitude=payload.longitude, findings=payload.findings,
            outcome=payload.outcome, outcome_note=payload.outcome_note,
            referred_to=payload.referred_to, linked_number=payload.linked_number)
        return lead_to_dict(lead_get(user=request.auth, pk=task.lead_id))

    return router


router = build_router()
