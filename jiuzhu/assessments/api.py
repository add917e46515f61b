from __future__ import annotations

from typing import Any

from ninja import Router

from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.core.jsonio import loads_exact

router = Router(tags=["核算 assess"])


@router.post("", response=dict[str, Any], summary="核算一户 Assess one household",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object", "description": "household.schema.json"}}}}})
def assess_household(request):
    """200: the result of 10-rules.md with its explanation; 422 with field errors."""
    from jiuzhu.rules.explain import assess

    data = loads_exact(request.body)
    if not isinstance(data, dict):
        raise ServiceError(ErrorCode.VALIDATION, "家庭信息应为 JSON 对象",
                           [{"path": "", "message": "应为对象"}])
    result = assess([data])[0]
    if "errors" in result:
        raise ServiceError(ErrorCode.VALIDATION, "家庭信息有误", result["errors"])
    return result
