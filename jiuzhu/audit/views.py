from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .choices import ACTION_LABELS
from .selectors import audit_event_search


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def audit_list(request):
    """审计日志: who did what, when, from where — searchable."""
    params = request.GET
    events = audit_event_search(user=request.user, q=params.get("q", ""),
                                action=params.get("action", ""),
                                since=_date(params.get("since", "")),
                                until=_date(params.get("until", "")))
    page = Paginator(events, 50).get_page(params.get("page"))
    return render(request, "audit/list.html", {
        "page": page, "actions": ACTION_LABELS, "params": params,
    })
