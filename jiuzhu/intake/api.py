"""/api/v1/intake — the one-window intake (一门受理) over HTTP.

Errors are those of the applications API: 422 with field paths, 409 ``step_not_allowed``,
403 for a role that may not, 404 outside the user's region (like a missing object).
"""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.services import audit_read
from jiuzhu.core.api_types import body_schema, refusals, validate_input
from jiuzhu.core.errors import field_error
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.households.api import household_by_ref

from . import selectors, services
from .schemas import ItemOut, RequestIn, RequestOut, UrgeIn
from .serializers import item_to_dict, request_to_dict

router = Router(tags=["一门受理 intake"])


def _files(payload: RequestIn) -> list[tuple[str, str, bytes]]:
    files = []
    for index, entry in enumerate(payload.files):
        try:
            files.append((entry.material, entry.name,
                          base64.b64decode(entry.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise field_error(f"files[{index}].content_base64", _("应为 Base64 编码的文件内容")) from None
    return files


@router.post("/requests", response={201: RequestOut, **refusals(400, 403, 404, 422)},
             by_alias=True, summary="一门受理 Take a request for one or more items")
def create_request(request, payload: RequestIn):
    """Body `{"household_id", "items": ["MZ01", "JY02"], "channel", "materials":
    {"JY02": ["学籍证明"]}, "applicant": {...}, "files": [{material, name, content_base64}]}`
    (or multipart: the JSON in `data`, files named by material) → 201 the request with its
    items."""
    created = services.request_create(
        actor=request.auth, household=household_by_ref(request.auth, payload.household_id),
        items=payload.items, channel=str(payload.channel), materials=payload.materials,
        files=_files(payload),
        applicant=payload.applicant.dict() if payload.applicant is not None else None)
    return Status(201, request_to_dict(selectors.request_get(user=request.auth, pk=created.pk)))


@router.get("/requests/{int:request_id}", response={200: RequestOut, **refusals(404)},
            by_alias=True, summary="受理单详情")
def get_request(request, request_id: int):
    intake = selectors.request_get(user=request.auth, pk=request_id)
    audit_read(request, intake, via="api")
    return request_to_dict(intake)


@router.get("/items/{int:item_id}", response={200: ItemOut, **refusals(404)}, by_alias=True,
            summary="受理事项详情")
def get_item(request, item_id: int):
    item = selectors.item_get(user=request.auth, pk=item_id)
    audit_read(request, item.request, via="api", item=item.item_code)
    return item_to_dict(item)


def _action_bodies() -> dict:
    """Every action's body from the transition table, and the supervisors' urge."""
    extra = services.WORKFLOW.openapi_body()
    variants = extra["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    variants.append({**body_schema(UrgeIn), "title": "urge（督办）"})
    del extra["requestBody"]["content"]["multipart/form-data"]
    return extra


@router.post("/items/{int:item_id}/actions/{action}",
             response={200: ItemOut, **refusals(400, 403, 404, 409, 422)}, by_alias=True,
             openapi_extra=_action_bodies(), summary="部门办理动作 Take an action on an item")
def act(request, item_id: int, action: str):
    """The actions of the item's transition table (``intake.services.WORKFLOW``): `accept`
    (note), `request_more` (missing, note), `resubmit` (materials, note), `finish` (result:
    granted | not_granted, note, amount), `return` (reason), `add_cohandler` (departments),
    `cohandle_finish` (result, note, amount); and `urge` (message; supervisors). 200 the
    item; 409 `step_not_allowed` (nothing changed); 403; 404; 422 naming the field."""
    data = loads_exact(request.body or b"{}")
    if action == "urge":
        urge = validate_input(UrgeIn, data)
        services.urge(actor=request.auth, item=item_id, message=urge.message)
    else:
        services.item_act(actor=request.auth, item=item_id, action=action, data=data)
    return item_to_dict(selectors.item_get(user=request.auth, pk=item_id))
