from __future__ import annotations

from typing import Any

from .models import Request, RequestItem


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _money(value: Any) -> str | None:
    return f"{value:.2f}" if value is not None else None


def item_to_dict(item: RequestItem) -> dict[str, Any]:
    application = item.application if item.application_id else None
    return {
        "id": item.pk,
        "request": item.request_id,
        "item_code": item.item_code,
        "item_name": item.item_name,
        "department": item.department_code,
        "mode": item.mode,
        "state": item.state,
        "application": ({"id": application.pk, "number": application.number,
                         "state": application.state, "due_date": _iso(application.due_date),
                         "alert": application.alert} if application else None),
        "materials": item.materials,
        "limit": item.limit,
        "started_on": _iso(item.started_on),
        "due_date": _iso(item.due_date),
        "deadline_provisional": item.deadline_provisional,
        "alert": item.alert,
        "missing": item.missing,
        "result": item.result or None,
        "result_text": item.result_text,
        "amount": _money(item.amount),
        "reason": item.reason,
        "cohandlers": [{"department": c.department_code, "finished": c.finished,
                        "result": c.result or None, "result_text": c.result_text,
                        "amount": _money(c.amount)} for c in item.cohandlers.all()],
        "steps": [{"action": s.action, "from": s.from_state, "to": s.to_state,
                   "department": s.department_code, "actor": s.actor_name,
                   "at": s.at.isoformat(), "on": _iso(s.on), "data": s.data}
                  for s in item.steps.all()],
        "urges": [{"id": u.pk, "by": u.supervisor_name, "message": u.message,
                   "at": u.at.isoformat(), "acknowledged_at": _iso(u.acknowledged_at)}
                  for u in item.urges.all()],
    }


def request_to_dict(request: Request) -> dict[str, Any]:
    return {
        "id": request.pk,
        "number": request.number,
        "query_code": request.query_code,
        "household": request.household_id,
        "household_id": request.household.household_id if request.household is not None else None,
        "channel": request.channel,
        "status": request.status,
        "applicant": {"name": request.applicant_name, "phone": request.applicant_phone,
                      "agent_name": request.agent_name},
        "received_on": _iso(request.received_on),
        "requested_items": request.requested_items,
        "items": [item_to_dict(i) for i in request.items.all()],
    }
