from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router

from jiuzhu.core.api_types import json_body, refusals
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact
from jiuzhu.households.schemas import HouseholdDoc

from .schemas import AssessmentOut

router = Router(tags=["核算 assess"])


@router.post("", response={200: AssessmentOut, **refusals(400, 422)},
             openapi_extra=json_body(HouseholdDoc), summary="核算一户 Assess one household")
def assess_household(request):
    """200: the result of 10-rules.md with its explanation; 422 with field errors (the
    rules engine's validator names every wrong field at once)."""
    from jiuzhu.rules.explain import assess

    data = loads_exact(request.body)
    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息应为 JSON 对象"),
                           [{"path": "", "message": _("应为对象")}])
    result = assess([data])[0]
    if "errors" in result:
        raise ServiceError(ErrorCode.VALIDATION, _("家庭信息有误"), result["errors"])
    return result
