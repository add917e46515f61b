"""GET /api/v1/catalogue/items: the service catalogue in force (50-api.md)."""

from __future__ import annotations

from datetime import date

from ninja import Router

from jiuzhu.core.errors import ErrorCode, ServiceError

from .selectors import items_in_force
from .serializers import item_to_dict

router = Router(tags=["catalogue"])


@router.get("/items")
def catalogue_items(request, on: str | None = None):
    """The items in force today (or on `?on=YYYY-MM-DD`), in catalogue order."""
    day = None
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise ServiceError(ErrorCode.VALIDATION, "日期格式应为 YYYY-MM-DD",
                               [{"path": "on", "message": f"无效日期：{on}"}]) from None
    return [item_to_dict(item) for item in items_in_force(day)]
