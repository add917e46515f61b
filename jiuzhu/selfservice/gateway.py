"""The one place where self-service calls the intake app (一门受理).

Everything the resident pages need from intake goes through these two functions, so a
change in intake's signatures is a change in this file only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class GatewayUnavailable(RuntimeError):
    """Intake does not (yet) provide what self-service needs."""


@dataclass(frozen=True)
class UploadedFile:
    material: str
    name: str
    content_type: str
    data: bytes
    item_code: str = ""


@dataclass
class TrackedItem:
    code: str
    name: str
    department: str
    state: str
    state_label: str
    due: Any = None
    finished: bool = False
    steps: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    result: str = ""
    deadline: Any = None  # 办结期限, 当前环节 and 暂定 (intake.deadlines.ItemDeadline)


@dataclass
class TrackedRequest:
    query_code: str
    applicant_name: str
    id_last4: str
    submitted_at: Any
    status_label: str
    items: list[TrackedItem]


def submit_online(*, household_data: dict[str, Any], applicant: dict[str, Any],
                  items: list[str], files: list[UploadedFile],
                  signatures: list[dict[str, Any]] | None = None) -> str:
    """Create the online request in the window queue (with the verification authorisation
    the adults signed on the phone); its query code."""
    try:
        from jiuzhu.intake.services import request_submit_online
    except ImportError as exc:  # intake not written yet
        raise GatewayUnavailable("intake.services.request_submit_online") from exc
    request = request_submit_online(
        household_data=household_data, applicant=applicant, items=items,
        files=[(f.material, f.name, f.data) for f in files], signatures=signatures or None)
    return str(request.query_code)


def lookup(code: str) -> TrackedRequest | None:
    """The public view of the request with this query code, or None. One code per request:
    the code of an application the request started finds the request too, and an
    application started outside the window is followed by its own code."""
    try:
        from jiuzhu.intake.selectors import application_by_query_code, request_by_query_code
    except ImportError as exc:
        raise GatewayUnavailable("intake.selectors.request_by_query_code") from exc
    view = request_by_query_code(code)
    if view is None:
        alone = application_by_query_code(code)
        if alone is None:
            return None
        tracked = _tracked(alone[0])
        tracked.id_last4 = alone[1][-4:].upper()
        return tracked
    tracked = _tracked(view)
    # Not in intake's public view: the digits the resident proves the request is theirs with,
    # and what an officer asked for (一次性告知).
    from jiuzhu.intake.models import Request, RequestItem

    number = (Request.objects.filter(query_code=tracked.query_code)
              .values_list("applicant_id_number", flat=True).first()) or ""
    tracked.id_last4 = number[-4:].upper()
    missing = dict(RequestItem.objects.filter(request__query_code=tracked.query_code)
                   .exclude(missing=[]).values_list("item_code", "missing"))
    for item in tracked.items:
        if not item.missing and missing.get(item.code):
            item.missing = [str(m) for m in missing[item.code]]
    return tracked


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _tracked(view: Any) -> TrackedRequest:
    items = []
    for row in _get(view, "items", []) or []:
        items.append(TrackedItem(
            code=str(_get(row, "code", "") or _get(row, "item_code", "")),
            name=str(_get(row, "name", "") or _get(row, "item_name", "")),
            department=str(_get(row, "department", "") or _get(row, "department_name", "")),
            state=str(_get(row, "state", "") or _get(row, "status", "")),
            state_label=str(_get(row, "state_label", "") or _get(row, "status_label", "")
                            or _get(row, "state", "")),
            due=_get(row, "due_date") or _get(row, "due"),
            finished=bool(_get(row, "finished", False)),
            steps=[{"label": str(_get(step, "label", "") or _get(step, "action", "")),
                    "on": _get(step, "on") or _get(step, "at"),
                    "role": str(_get(step, "role", "") or ""),
                    "note": str(_get(step, "note", "") or "")}
                   for step in _get(row, "steps", []) or []],
            missing=list(_get(row, "missing", []) or _get(row, "missing_materials", [])
                         or getattr(_get(row, "deadline"), "missing", None) or []),
            result=str(_get(row, "result_label", "") or _get(row, "result", "") or ""),
            deadline=_get(row, "deadline"),
        ))
    id_number = str(_get(view, "applicant_id_number", "") or "")
    return TrackedRequest(
        query_code=str(_get(view, "query_code", "")),
        applicant_name=str(_get(view, "name", "") or _get(view, "applicant_name", "") or ""),
        id_last4=str(_get(view, "id_last4", "") or id_number[-4:]).upper(),
        submitted_at=_get(view, "received_on") or _get(view, "submitted_at"),
        status_label=str(_get(view, "status_label", "") or ""),
        items=items,
    )
