"""/api/v1/intake — the one-window intake (一门受理) over HTTP.

Errors are those of the applications API: 422 with field paths, 409 ``step_not_allowed``,
403 for a role that may not, 404 outside the user's region (like a missing object).
"""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from jiuzhu.applications.api import JSON_BODY, _body, _household
from jiuzhu.core.errors import ErrorCode, ServiceError

from . import selectors, services
from .serializers import item_to_dict, request_to_dict

router = Router(tags=["一门受理 intake"])


@router.post("/requests", response={201: dict[str, Any]}, openapi_extra=JSON_BODY,
             summary="一门受理 Take a request for one or more items")
def create_request(request):
    """Body `{"household_id", "items": ["MZ01", "JY02"], "channel", "materials":
    {"JY02": ["学籍证明"]}, "applicant": {...}, "files": [{material, name, content_base64}]}`
    → 201 the request with its items."""
    data, files = _body(request)
    missing = [k for k in ("household_id", "items", "channel") if data.get(k) in (None, "", [])]
    if missing:
        raise ServiceError(ErrorCode.VALIDATION, "受理信息不完整",
                           [{"path": k, "message": "必填项"} for k in missing])
    created = services.request_create(
        actor=request.auth, household=_household(request.auth, data["household_id"]),
        items=data["items"], channel=str(data["channel"]), materials=data.get("materials") or {},
        files=files, applicant=data.get("applicant") if isinstance(data.get("applicant"), dict) else None)
    return Status(201, request_to_dict(selectors.request_get(user=request.auth, pk=created.pk)))


@router.get("/requests/{int:request_id}", response=dict[str, Any], summary="受理单详情")
def get_request(request, request_id: int):
    return request_to_dict(selectors.request_get(user=request.auth, pk=request_id))


@router.get("/items/{int:item_id}", response=dict[str, Any], summary="受理事项详情")
def get_item(request, item_id: int):
    return item_to_dict(selectors.item_get(user=request.auth, pk=item_id))


@router.post("/items/{int:item_id}/actions/{action}", response=dict[str, Any],
             openapi_extra=JSON_BODY, summary="部门办理动作 Take an action on an item")
def act(request, item_id: int, action: str):
    """Actions: `accept`, `request_more` (missing, note), `resubmit` (materials, note),
    `finish` (result: granted | not_granted, note, amount), `return` (reason),
    `add_cohandler` (departments), `cohandle_finish` (result, note, amount), `urge`
    (message; supervisors). 200 the item; 409 `step_not_allowed`; 403; 404."""
    data, _files = _body(request)
    if action == "urge":
        services.urge(actor=request.auth, item=item_id, message=data.get("message") or "")
    else:
        services.item_act(actor=request.auth, item=item_id, action=action, data=data)
    return item_to_dict(selectors.item_get(user=request.auth, pk=item_id))
