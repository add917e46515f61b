from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Router, Status

from jiuzhu.audit.services import audit_record
from jiuzhu.core.api_types import refusals
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact

from .models import Household
from .schemas import HOUSEHOLD_BODY, HouseholdCreatedOut, HouseholdOut
from .selectors import household_get, households_visible_to
from .serializers import household_to_dict
from .services import household_register

router = Router(tags=["家庭档案 households"])


def household_by_ref(user, ref: object, *, path: str = "household_id") -> Household:
    """The household ``ref`` names — its id (an integer, or digits) or its household
    number — among those ``user`` may see; 404 naming ``path`` otherwise."""
    qs = households_visible_to(user).select_related("region")
    household = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        household = qs.filter(pk=ref).first()
    elif isinstance(ref, str) and ref:
        household = qs.filter(household_id=ref).first()
        if household is None and ref.isdigit():
            household = qs.filter(pk=int(ref)).first()
    if household is None:
        raise ServiceError(ErrorCode.NOT_FOUND, _("家庭不存在"),
                           [{"path": path, "message": _("家庭不存在或不在您的辖区")}])
    return household


@router.post("", response={201: HouseholdCreatedOut, **refusals(400, 403, 409, 422)},
             openapi_extra=HOUSEHOLD_BODY, summary="登记家庭 Register a household")
def create_household(request):
    """201 `{"id": …}`; 422 with field paths; 409 `duplicate_member` when an ID number is in
    another active household. The body is checked by the rules engine's validator, which
    names every wrong field at once."""
    data = loads_exact(request.body)
    household = household_register(actor=request.auth, data=data, reason="接口登记")
    return Status(201, {"id": household.pk, "household_id": household.household_id})


@router.get("/{household_ref}", response={200: HouseholdOut, **refusals(404)},
            exclude_unset=True, summary="家庭详情 A household")
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
