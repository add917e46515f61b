"""``GET /api/v1/households/{id}/prescription`` (50-api.md); mounted at /api/v1/households."""

from __future__ import annotations

from ninja import Router

from jiuzhu.core.api_types import refusals
from jiuzhu.households.selectors import household_get

from .prescription import household_prescription
from .schemas import PrescriptionEntryOut

router = Router(tags=["大处方 prescription"])


@router.get("/{household_ref}/prescription", response={200: list[PrescriptionEntryOut], **refusals(404)},
            summary="大处方 The comprehensive assessment of a household")
def prescription(request, household_ref: str):
    """All catalogue items in coordination order: `[{"item_code", "status": "eligible" |
    "possible" | "receiving" | "not_eligible", "reason", "order", "overlaps"}]`
    (15-programs.md). 404 for a household outside the user's region, like a missing one."""
    if household_ref.isdigit():
        household = household_get(user=request.auth, pk=int(household_ref))
    else:
        household = household_get(user=request.auth, household_id=household_ref)
    return household_prescription(actor=request.auth, household=household).api()
