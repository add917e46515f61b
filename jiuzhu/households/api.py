from __future__ import annotations

from typing import Any

from django.db import transaction
from ninja import Router, Status

from jiuzhu.audit.services import audit_record
from jiuzhu.core.jsonio import loads_exact

from .selectors import household_get
from .serializers import household_to_dict
from .services import household_register

router = Router(tags=["家庭档案 households"])

HOUSEHOLD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "type": "object",
            "description": "A household as ../shared/spec/household.schema.json (家庭信息)",
            "required": ["household_id", "region_code", "area_type", "assessment_date", "members"],
        }}},
    }
}


@router.post("", response={201: dict[str, Any]}, openapi_extra=HOUSEHOLD_BODY,
             summary="登记家庭 Register a household")
def create_household(request):
    """201 `{"id": …}`; 422 with field paths; 409 `duplicate_member` when an ID number is in
    another active household."""
    data = loads_exact(request.body)
    household = household_register(actor=request.auth, data=data, reason="接口登记")
    return Status(201, {"id": household.pk, "household_id": household.household_id})


@router.get("/{household_ref}", response=dict[str, Any], summary="家庭详情 A household")
def get_household(request, household_ref: str):
    """By the ``id`` that registration returned (or by the household number)."""
    if household_ref.isdigit():
        household = household_get(user=request.auth, pk=int(household_ref))
    else:
        household = household_get(user=request.auth, household_id=household_ref)
    with transaction.atomic():
        audit_record(actor=request.auth, action="view", obj=household,
                     detail={"via": "api"})
    return {"id": household.pk, **household_to_dict(household)}
