from __future__ import annotations

from typing import Any

from django.urls import reverse

from .models import Application


def application_to_dict(application: Application, *, documents: list[Any] | None = None) -> dict[str, Any]:
    from jiuzhu.documents.services import documents_for

    documents = documents_for(application) if documents is None else documents
    result = application.assessment.result if application.assessment_id else None
    return {
        "id": application.pk,
        "number": application.number,
        "query_code": application.query_code,
        "household_id": application.household.household_id,
        "household": application.household_id,
        "item_code": application.item_code,
        "channel": application.channel,
        "state": application.state,
        "step": application.step,
        "due_date": _iso(application.due_date),
        "final_due_date": _iso(application.final_due_date),
        "alert": application.alert,
        "deadlines_provisional": application.deadlines_provisional,
        "extended": application.extended,
        "steps": [{"action": s.action, "from": s.from_state, "to": s.to_state,
                   "actor": s.actor_name, "at": s.at.isoformat(), "data": s.data}
                  for s in application.steps.all()],
        "documents": [{"code": d.code, "version": d.version, "number": d.number,
                       "title": d.title,
                       "url": reverse("api:application_document", args=[application.pk, d.code])
                       + f"?version={d.version}"}
                      for d in documents],
        "assessment": result,
        "engine_amount": _money(application.engine_amount),
        "approved_amount": _money(application.approved_amount),
        "start_month": _iso(application.start_month),
        "valid_until": _iso(application.valid_until),
        "review_class": application.review_class or None,
        "missing_materials": application.missing_materials,
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _money(value) -> str | None:
    return f"{value:.2f}" if value is not None else None
